// Who may propose, comment, withdraw and see is constitutional data (`Constitution.participation`), read through
// `participationFor`: today's behaviour where a constitution names none, the constitution's own rule where it does.
import { describe, expect, it } from 'vitest';
import { can, DEFAULT_PARTICIPATION, participationFor, type DomainEvent } from '../src/index';
import { stewardsOnly } from './participation-scenario';
import { at, foundingEvents, Scenario, T0 } from './scenario';

describe('participation as constitutional data', () => {
  it('given a constitution stored before participation existed, then today’s behaviour applies', () => {
    const c = Scenario.given({ members: ['bob'] });
    expect(c.s.core.constitution.participation).toBeUndefined();
    expect(participationFor(c.s.core.constitution)).toEqual({
      ...DEFAULT_PARTICIPATION,
      invite: { who: 'members' },
    });
    expect(c.resolve('r1', 'bob')).toEqual(['ProposalOpened']);
    expect(can(c.s, 'bob', { type: 'comment', proposalId: 'r1' }, T0)).toEqual({ allowed: true });
    expect(can(c.s, null, { type: 'see' }, T0)).toEqual({ allowed: true });
    expect(can(c.s, 'stranger', { type: 'see' }, T0)).toEqual({ allowed: true });
  });

  it('given a commons founded today, then its constitution names today’s participation', () => {
    const c = Scenario.founded();
    expect(c.s.core.constitution.participation).toEqual(DEFAULT_PARTICIPATION);
  });

  it('given only stewards may propose, when a member who holds no role proposes, then not_in_audience', () => {
    const c = stewardsOnly();
    expect(
      c.error(
        {
          type: 'SubmitProposal',
          proposalId: 'r1',
          title: 'r1',
          body: '',
          action: { kind: 'resolution', text: 'r1' },
        },
        'cy',
      ),
    ).toBe('not_in_audience');
    expect(can(c.s, 'cy', { type: 'propose' }, T0)).toMatchObject({
      allowed: false,
      code: 'not_in_audience',
      reason: "This commons' constitution lets only members holding the role Steward open proposals.",
    });
    // A steward may, until their term ends.
    expect(c.resolve('r1', 'bob', at(1))).toEqual(['ProposalOpened']);
    expect(can(c.s, 'bob', { type: 'propose' }, at(10))).toMatchObject({ code: 'not_in_audience' });
    // A stranger is not a member at all: that refusal comes first.
    expect(can(c.s, 'stranger', { type: 'propose' }, T0)).toMatchObject({ code: 'not_a_member' });
  });

  it('given no rule for invitations, then members invite and nobody else; given stewards only, then only they', () => {
    const c = Scenario.founded();
    expect(can(c.s, 'ada', { type: 'invite' }, T0)).toEqual({ allowed: true });
    expect(can(c.s, 'stranger', { type: 'invite' }, T0)).toMatchObject({ code: 'not_a_member' });
    expect(can(c.s, null, { type: 'invite' }, T0)).toMatchObject({ code: 'not_a_member' });
    const s = stewardsOnly();
    const founding = s.s.core.constitution;
    founding.participation = { ...founding.participation!, invite: { who: 'roles', roles: ['steward'] } };
    expect(can(s.s, 'bob', { type: 'invite' }, at(1))).toEqual({ allowed: true });
    expect(can(s.s, 'cy', { type: 'invite' }, at(1))).toMatchObject({
      code: 'not_in_audience',
      reason: "This commons' constitution lets only members holding the role Steward invite people.",
    });
    expect(can(s.s, 'bob', { type: 'invite' }, at(10))).toMatchObject({ code: 'not_in_audience' });
  });

  it('given only stewards may comment, when others comment, then not_in_audience, and the proposer may still withdraw', () => {
    const c = stewardsOnly();
    c.resolve('r1', 'bob', at(1));
    const comment = (id: string) =>
      ({ type: 'PostComment', proposalId: 'r1', commentId: id, text: 'hi', replyTo: null }) as const;
    expect(c.error(comment('k1'), 'cy', at(2))).toBe('not_in_audience');
    expect(c.error(comment('k1'), 'ada', at(2))).toBe('not_in_audience');
    expect(c.types(comment('k1'), 'bob', at(2))).toEqual(['CommentPosted']);
    // Everyone in the electorate still takes a position: that is the procedure's, not participation's.
    expect(can(c.s, 'cy', { type: 'take_position', proposalId: 'r1' }, at(2))).toEqual({ allowed: true });
    expect(c.types({ type: 'WithdrawProposal', proposalId: 'r1' }, 'bob', at(3))).toEqual([
      'ProposalWithdrawn',
    ]);
  });

  it('given an amendment, then the participation and the default rule carry over to the new version', () => {
    const events = foundingEvents({ members: ['bob'] });
    const founding = events[0] as Extract<DomainEvent, { type: 'CommonsCreated' }>;
    founding.data.constitution.participation = {
      ...DEFAULT_PARTICIPATION,
      comment: { who: 'roles', roles: ['steward'] },
    };
    founding.data.constitution.defaultRule = { type: 'consent', hours: 24 };
    founding.data.constitution.rules.amend_constitution = { type: 'automatic' };
    const c = new Scenario(events);
    expect(
      c.propose('a1', { kind: 'amend_constitution', rules: { resolution: { type: 'automatic' } } }),
    ).toContain('ConstitutionAmended');
    expect(c.s.core.constitution.version).toBe(2);
    expect(c.s.core.constitution.participation?.comment).toEqual({ who: 'roles', roles: ['steward'] });
    expect(c.s.core.constitution.defaultRule).toEqual({ type: 'consent', hours: 24 });
  });
});
