// The views show the constitution's participation rules and offer only what they allow (the kernel's `can`).
import { describe, expect, it } from 'vitest';
import { stewardsOnly } from '../../kernel/test/participation-scenario';
import { at } from '../../kernel/test/scenario';
import { commonsView, proposalView } from '../src/views';

describe('participation in the views', () => {
  it('given only stewards may propose and comment, then only a steward is offered the forms', () => {
    const c = stewardsOnly();
    c.resolve('r1', 'bob', at(1));
    const now = at(2);
    expect(commonsView(c.s, 'bob', { ok: true }, now).can.propose).toBe(true);
    expect(commonsView(c.s, 'cy', { ok: true }, now).can.propose).toBe(false);
    const r1 = c.proposal('r1');
    expect(proposalView(c.s, r1, 'bob', now).canComment).toBe(true);
    expect(proposalView(c.s, r1, 'cy', now).canComment).toBe(false);
    expect(proposalView(c.s, r1, 'cy', now).canTakePosition).toBe(true);
    // After bob's term the steward role has no current holder: nobody is offered them.
    expect(commonsView(c.s, 'bob', { ok: true }, at(10)).can.propose).toBe(false);
  });

  it('shows the participation rules, with today’s behaviour for a constitution that names none', () => {
    const c = stewardsOnly();
    const v = commonsView(c.s, null, { ok: true }, at(1)).constitution;
    expect(v.participation.propose).toEqual({ who: 'roles', roles: ['steward'] });
    expect(v.participationText).toEqual([
      { part: 'propose', text: 'Members holding the role Steward may open proposals.' },
      { part: 'comment', text: 'Members holding the role Steward may comment on proposals.' },
      { part: 'withdraw', text: 'The proposer may withdraw a proposal.' },
      { part: 'see', text: 'Anyone may see this commons and its log.' },
      { part: 'invite', text: 'Members may invite people to apply for membership.' },
    ]);
  });
});
