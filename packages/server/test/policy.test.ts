// The views offer exactly what the kernel accepts: canTakePosition is the kernel's own policy answer, so a person is
// never shown a form that the write then refuses (before: a member who joined after a role-decided admission opened
// was shown the position form, then refused with not_in_electorate).
import { can, decide, DomainError, type Command } from '@peergov/kernel';
import { describe, expect, it } from 'vitest';
import { at, Scenario } from '../../kernel/test/scenario';
import { commonsView, proposalView } from '../src/views';
import { must } from './harness';

// Admissions decided by a membership secretary (ada) alone.
function commons(): Scenario {
  const c = Scenario.given({
    rules: { admit_member: { type: 'role', objectionHours: 0 } },
    members: ['bob'],
    roles: [
      {
        id: 'secretary',
        name: 'Secretary',
        description: '',
        mandate: ['admit_member'],
        termDays: null,
        holders: [['ada', null]],
      },
    ],
  });
  // zed applies: a role-decided admission whose electorate is ada and bob.
  c.run(
    { type: 'ApplyForMembership', proposalId: 'adm-zed', displayName: 'Zed', classes: [], statement: '' },
    'zed',
    at(0),
  );
  // cy applies later and is admitted while zed's admission is still open.
  c.run(
    { type: 'ApplyForMembership', proposalId: 'adm-cy', displayName: 'Cy', classes: [], statement: '' },
    'cy',
    at(1),
  );
  c.run({ type: 'TakePosition', proposalId: 'adm-cy', stance: 'agree', reason: '' }, 'ada', at(1));
  return c;
}

const zedAdmission = (c: Scenario) => must(c.s.proposals['adm-zed'], "zed's admission");

describe('the views ask the kernel', () => {
  it('given a member who joined after a role-decided admission opened, then they are not offered a position on it', () => {
    const c = commons();
    expect(c.s.core.members.cy?.status).toBe('member');
    const now = at(2);
    const view = proposalView(c.s, zedAdmission(c), 'cy', now);
    expect(view.canTakePosition).toBe(false);
    expect(can(c.s, 'cy', { type: 'take_position', proposalId: 'adm-zed' }, now)).toMatchObject({
      allowed: false,
      code: 'not_in_electorate',
    });
    // The holder and the members of the electorate are offered it.
    expect(proposalView(c.s, zedAdmission(c), 'ada', now).canTakePosition).toBe(true);
    expect(proposalView(c.s, zedAdmission(c), 'bob', now).canTakePosition).toBe(true);
  });

  it('tells the holder of the deciding role that their position is the decision, and no one else', () => {
    const c = commons();
    const now = at(2);
    expect(proposalView(c.s, zedAdmission(c), 'ada', now).decidesAsRole).toBe(true);
    for (const who of ['bob', 'cy', 'zed', 'stranger', null])
      expect(proposalView(c.s, zedAdmission(c), who, now).decidesAsRole, String(who)).toBe(false);
    // Once decided, there is nothing left to decide.
    expect(proposalView(c.s, must(c.s.proposals['adm-cy'], "cy's admission"), 'ada', now).decidesAsRole).toBe(
      false,
    );
  });

  it('for every actor and proposal, can() answers as decide does', () => {
    const c = commons();
    const now = at(2);
    const actors = ['ada', 'bob', 'cy', 'zed', 'stranger', '__proto__', null];
    const proposals = [...Object.keys(c.s.proposals), 'nope'];
    const refusal = (command: Command, actor: string | null): string | null => {
      try {
        decide(c.s, command, { actor, now });
        return null;
      } catch (e) {
        if (e instanceof DomainError) return e.code;
        throw e;
      }
    };
    for (const actor of actors) {
      for (const pid of proposals) {
        const pairs: [Parameters<typeof can>[2], Command][] = [
          [
            { type: 'take_position', proposalId: pid },
            { type: 'TakePosition', proposalId: pid, stance: 'agree', reason: '' },
          ],
          [
            { type: 'comment', proposalId: pid },
            { type: 'PostComment', proposalId: pid, commentId: 'kx', text: 'hi', replyTo: null },
          ],
          [
            { type: 'withdraw', proposalId: pid },
            { type: 'WithdrawProposal', proposalId: pid },
          ],
        ];
        for (const [intent, command] of pairs) {
          const answer = can(c.s, actor, intent, now);
          const code = refusal(command, actor);
          expect(answer.allowed ? null : answer.code, `${actor} ${intent.type} ${pid}`).toBe(code);
        }
      }
    }
  });

  it("every permission flag of the views is the kernel's answer", () => {
    const c = commons();
    const now = at(2);
    for (const actor of ['ada', 'bob', 'cy', 'zed', 'stranger', null]) {
      expect(commonsView(c.s, actor, { ok: true }, now).can).toEqual({
        propose: can(c.s, actor, { type: 'propose' }, now).allowed,
        leave: can(c.s, actor, { type: 'leave' }, now).allowed,
        invite: can(c.s, actor, { type: 'invite' }, now).allowed,
      });
      for (const p of Object.values(c.s.proposals)) {
        const v = proposalView(c.s, p, actor, now);
        expect([v.canTakePosition, v.canComment, v.canWithdraw], `${actor} ${p.id}`).toEqual([
          can(c.s, actor, { type: 'take_position', proposalId: p.id }, now).allowed,
          can(c.s, actor, { type: 'comment', proposalId: p.id }, now).allowed,
          can(c.s, actor, { type: 'withdraw', proposalId: p.id }, now).allowed,
        ]);
        // A read-only commons offers nothing.
        const ro = proposalView(c.s, p, actor, now, { ok: false, where: 'record', seq: 0, reason: 'x' });
        expect([ro.canTakePosition, ro.canComment, ro.canWithdraw]).toEqual([false, false, false]);
      }
    }
    // zed, the applicant, may withdraw their own application; cy, admitted, may comment but not propose for zed.
    expect(proposalView(c.s, zedAdmission(c), 'zed', now).canWithdraw).toBe(true);
    expect(commonsView(c.s, 'zed', { ok: true }, now).can.propose).toBe(false);
  });
});
