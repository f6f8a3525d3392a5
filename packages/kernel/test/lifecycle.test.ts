// A proposal's life from opening to its effect: every kind of action carried out exactly once, actions that became
// impossible, withdrawal, constitution amendments, leaving, applications and the electorate.
import { describe, expect, it } from 'vitest';
import { at, consent, role, Scenario, T0, vote, type EventOf } from './scenario';
import {
  ACTION_KINDS,
  decide,
  type Action,
  type ActionKind,
  type DomainEvent,
  type Procedure,
} from '../src/index';

const automatic = Object.fromEntries(ACTION_KINDS.map((k) => [k, { type: 'automatic' }])) as Record<
  ActionKind,
  Procedure
>;
const consentAll = Object.fromEntries(ACTION_KINDS.map((k) => [k, consent(24)])) as Record<
  ActionKind,
  Procedure
>;

const clerk = {
  id: 'clerk',
  name: 'Clerk',
  description: '',
  mandate: ['resolution' as const],
  termDays: 30,
  holders: [['bob', null]] as [string, string | null][],
};

/** For each kind: an action, the one effect event it must produce, and a check of the state after it. */
const CASES: { action: Action; effect: DomainEvent['type']; check: (c: Scenario) => void }[] = [
  {
    action: { kind: 'admit_member', accountId: 'dan', displayName: ' Dan ', classes: [] },
    effect: 'MemberAdmitted',
    check: (c) =>
      expect(c.s.core.members.dan).toMatchObject({
        status: 'member',
        displayName: 'Dan',
        classes: ['member'],
      }),
  },
  {
    action: { kind: 'remove_member', accountId: 'cy' },
    effect: 'MemberRemoved',
    check: (c) => expect(c.s.core.members.cy.status).toBe('removed'),
  },
  {
    action: {
      kind: 'create_role',
      roleId: 'scribe',
      name: 'Scribe',
      description: '',
      mandate: ['resolution', 'resolution'],
      termDays: null,
    },
    effect: 'RoleCreated',
    check: (c) =>
      expect(c.s.core.roles.scribe).toEqual({
        id: 'scribe',
        name: 'Scribe',
        description: '',
        mandate: ['resolution'],
        termDays: null,
        holders: [],
      }),
  },
  {
    action: { kind: 'change_role', roleId: 'clerk', name: 'Chief clerk', termDays: null },
    effect: 'RoleChanged',
    check: (c) =>
      expect(c.s.core.roles.clerk).toMatchObject({
        name: 'Chief clerk',
        termDays: null,
        mandate: ['resolution'],
      }),
  },
  {
    action: { kind: 'assign_role', roleId: 'clerk', accountId: 'cy' },
    effect: 'RoleAssigned',
    check: (c) => {
      // a term runs from the decision
      const decided = Date.parse(c.s.proposals.p.outcome!.decidedAt);
      const until = new Date(decided + 30 * 24 * 3_600_000).toISOString();
      expect(c.s.core.roles.clerk.holders.map((h) => [h.accountId, h.until])).toEqual([
        ['bob', null],
        ['cy', until],
      ]);
    },
  },
  {
    action: { kind: 'unassign_role', roleId: 'clerk', accountId: 'bob' },
    effect: 'RoleUnassigned',
    check: (c) => expect(c.s.core.roles.clerk.holders).toEqual([]),
  },
  {
    action: { kind: 'adopt_charter', purpose: 'Feed the street', charter: 'We share.' },
    effect: 'CharterAdopted',
    check: (c) => expect(c.s.core).toMatchObject({ purpose: 'Feed the street', charter: 'We share.' }),
  },
  {
    action: { kind: 'amend_constitution', rules: { resolution: consent(12) } },
    effect: 'ConstitutionAmended',
    check: (c) => {
      expect(c.s.core.constitution).toMatchObject({
        version: 2,
        adoptedBy: 'p',
        rules: { resolution: consent(12) },
      });
      expect(c.s.core.history.map((h) => h.version)).toEqual([1]);
    },
  },
  {
    action: { kind: 'resolution', text: 'Paint the shed' },
    effect: 'ResolutionAdopted',
    check: (c) =>
      expect(c.logged('ResolutionAdopted')[0].data).toEqual({ proposalId: 'p', text: 'Paint the shed' }),
  },
];

describe('each kind of action is carried out exactly once', () => {
  it('covers every kind of action', () => {
    expect(CASES.map((x) => x.action.kind).sort()).toEqual([...ACTION_KINDS].sort());
  });

  describe.each(CASES)('$action.kind', ({ action, effect, check }) => {
    it('automatic: at opening', () => {
      const c = Scenario.given({ rules: automatic, members: ['bob', 'cy'], roles: [clerk] });
      expect(c.propose('p', action)).toEqual(['ProposalOpened', 'ProposalDecided', effect]);
      check(c);
      expect(c.error({ type: 'CloseProposal', proposalId: 'p' }, null, at(1000))).toBe('proposal_closed');
    });

    it('consent: at close, then never again', () => {
      const c = Scenario.given({ rules: consentAll, members: ['bob', 'cy'], roles: [clerk] });
      c.propose('p', action);
      expect(c.s.proposals.p.status).toBe('open');
      expect(c.close('p', at(24))).toEqual(['ProposalDecided', effect]);
      check(c);
      expect(c.s.proposals.p.execution).toEqual({ done: true, error: null });
      expect(c.error({ type: 'CloseProposal', proposalId: 'p' }, null, at(25))).toBe('proposal_closed');
      expect(
        c.error({ type: 'TakePosition', proposalId: 'p', stance: 'agree', reason: '' }, 'ada', at(10)),
      ).toBe('proposal_closed');
      expect(c.logged(effect, 'p')).toHaveLength(1);
    });

    it('when rejected, nothing is carried out', () => {
      const c = Scenario.given({ rules: consentAll, members: ['bob', 'cy'], roles: [clerk] });
      c.propose('p', action);
      c.position('p', 'ada', 'block');
      expect(c.close('p', at(24))).toEqual(['ProposalDecided']);
      expect(c.s.proposals.p).toMatchObject({ status: 'rejected', execution: null });
      expect(c.logged(effect, 'p')).toHaveLength(0);
    });
  });
});

describe('an action that became impossible before it passed', () => {
  function twoProposals(first: Action, second: Action) {
    const c = Scenario.given({ rules: consentAll, members: ['bob', 'cy'], roles: [clerk] });
    c.propose('p1', first);
    c.propose('p2', second);
    c.close('p1', at(24));
    return c;
  }

  it('given a member removed before their role assignment passes, then ActionFailed and no holder', () => {
    const c = twoProposals(
      { kind: 'remove_member', accountId: 'cy' },
      { kind: 'assign_role', roleId: 'clerk', accountId: 'cy' },
    );
    expect(c.close('p2', at(24))).toEqual(['ProposalDecided', 'ActionFailed']);
    expect(c.s.proposals.p2).toMatchObject({
      status: 'passed',
      execution: { done: false, error: 'That person is not a member.' },
    });
    expect(c.s.core.roles.clerk.holders.map((h) => h.accountId)).toEqual(['bob']);
  });

  it.each([
    [
      'a role created twice',
      { kind: 'create_role', roleId: 'scribe', name: 'S', description: '', mandate: [], termDays: null },
      { kind: 'create_role', roleId: 'scribe', name: 'S2', description: '', mandate: [], termDays: null },
    ],
    [
      'a member admitted twice',
      { kind: 'admit_member', accountId: 'dan', displayName: 'Dan', classes: [] },
      { kind: 'admit_member', accountId: 'dan', displayName: 'Dan', classes: [] },
    ],
    [
      'a member removed twice',
      { kind: 'remove_member', accountId: 'cy' },
      { kind: 'remove_member', accountId: 'cy' },
    ],
    [
      'a holder recalled twice',
      { kind: 'unassign_role', roleId: 'clerk', accountId: 'bob' },
      { kind: 'unassign_role', roleId: 'clerk', accountId: 'bob' },
    ],
    [
      'a role given twice',
      { kind: 'assign_role', roleId: 'clerk', accountId: 'cy' },
      { kind: 'assign_role', roleId: 'clerk', accountId: 'cy' },
    ],
    [
      'a holder recalled after leaving',
      { kind: 'remove_member', accountId: 'bob' },
      { kind: 'unassign_role', roleId: 'clerk', accountId: 'bob' },
    ],
  ] as [string, Action, Action][])('%s: the second yields ActionFailed and no effect', (_, first, second) => {
    const c = twoProposals(first, second);
    const before = JSON.stringify(c.s.core);
    expect(c.close('p2', at(24))).toEqual(['ProposalDecided', 'ActionFailed']);
    expect(JSON.stringify(c.s.core)).toBe(before);
  });

  it('given the only other member is removed first, then removing the last member fails', () => {
    const c = Scenario.given({ rules: consentAll, members: ['bob'] });
    c.propose('p1', { kind: 'remove_member', accountId: 'bob' });
    c.propose('p2', { kind: 'remove_member', accountId: 'ada' });
    c.close('p1', at(24));
    expect(c.close('p2', at(24))).toEqual(['ProposalDecided', 'ActionFailed']);
    expect(c.s.core.members.ada.status).toBe('member');
  });

  it('the last member cannot be removed: refused at opening', () => {
    const c = Scenario.given({ rules: automatic });
    expect(
      c.error(
        {
          type: 'SubmitProposal',
          proposalId: 'p',
          title: 'x',
          body: '',
          action: { kind: 'remove_member', accountId: 'ada' },
        },
        'ada',
      ),
    ).toBe('last_member');
  });
});

describe('withdrawal', () => {
  it('a withdrawn proposal cannot be voted on, closed or withdrawn again, even after its closing time', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) }, members: ['bob'] });
    c.resolve('r1');
    c.position('r1', 'bob', 'agree');
    expect(c.types({ type: 'WithdrawProposal', proposalId: 'r1' }, 'ada', at(1))).toEqual([
      'ProposalWithdrawn',
    ]);
    expect(c.s.proposals.r1).toMatchObject({ status: 'withdrawn', outcome: null, execution: null });
    expect(
      c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'agree', reason: '' }, 'ada', at(2)),
    ).toBe('proposal_closed');
    expect(c.error({ type: 'CloseProposal', proposalId: 'r1' }, null, at(24))).toBe('proposal_closed');
    expect(c.error({ type: 'WithdrawProposal', proposalId: 'r1' }, 'ada', at(2))).toBe('proposal_closed');
    expect(c.logged('ProposalDecided')).toHaveLength(0);
  });

  it('only the proposer withdraws', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) }, members: ['bob'] });
    c.resolve('r1');
    expect(c.error({ type: 'WithdrawProposal', proposalId: 'r1' }, 'bob')).toBe('not_proposer');
    expect(c.error({ type: 'WithdrawProposal', proposalId: 'r1' }, null)).toBe('not_proposer');
  });

  it('a proposal past its closing time can no longer be withdrawn: its outcome is already fixed', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) }, members: ['bob'] });
    c.resolve('r1');
    c.position('r1', 'bob', 'block');
    expect(c.error({ type: 'WithdrawProposal', proposalId: 'r1' }, 'ada', at(24))).toBe('proposal_closed');
    expect(c.close('r1', at(25))).toEqual(['ProposalDecided']);
  });

  it('an applicant who withdraws their application is declined', () => {
    const c = Scenario.given({ rules: { admit_member: consent(24) } });
    c.types(
      { type: 'ApplyForMembership', proposalId: 'a1', displayName: 'Eve', classes: [], statement: '' },
      'eve',
    );
    expect(c.types({ type: 'WithdrawProposal', proposalId: 'a1' }, 'eve')).toEqual([
      'ProposalWithdrawn',
      'ApplicationDeclined',
    ]);
    expect(c.s.core.members.eve.status).toBe('declined');
  });
});

describe('constitution amendments', () => {
  const amend = (rules: Record<string, unknown>): Action => ({ kind: 'amend_constitution', rules }) as Action;

  it('a proposal is decided under the version in force when it opened', () => {
    const c = Scenario.given({
      rules: { resolution: consent(24), amend_constitution: { type: 'automatic' } },
      members: ['bob', 'cy'],
    });
    c.resolve('r1');
    c.position('r1', 'bob', 'block');
    c.propose('a1', amend({ resolution: vote([1, 2], { hours: 24 }) }), 'ada', at(1));
    expect(c.s.core.constitution.version).toBe(2);
    // under version 2 a resolution is a vote: bob's block would be one vote against two
    c.resolve('r2', 'ada', at(2));
    c.position('r2', 'ada', 'agree', at(2));
    c.position('r2', 'cy', 'agree', at(2));
    c.position('r2', 'bob', 'block', at(2));
    expect(c.s.proposals.r2.outcome).toMatchObject({
      passed: true,
      ruleVersion: 2,
      procedure: { type: 'vote' },
    });
    // r1 is still decided by consent, so the block stands
    c.close('r1', at(24));
    expect(c.s.proposals.r1.outcome).toMatchObject({ passed: false, ruleVersion: 1, procedure: consent(24) });
  });

  it('keeps every earlier version, merges rules, and amendments open together both take effect', () => {
    const c = Scenario.given({ rules: { amend_constitution: consent(24) }, members: ['bob'] });
    const v1 = structuredClone(c.s.core.constitution);
    c.propose('a1', amend({ resolution: { type: 'automatic' } }));
    c.propose('a2', amend({ create_role: role(0) }));
    c.close('a1', at(24));
    c.close('a2', at(25));
    const { constitution, history } = c.s.core;
    expect(history).toEqual([
      v1,
      {
        ...v1,
        version: 2,
        adoptedAt: at(24),
        adoptedBy: 'a1',
        rules: { ...v1.rules, resolution: { type: 'automatic' } },
      },
    ]);
    expect(constitution).toEqual({
      version: 3,
      adoptedAt: at(25),
      adoptedBy: 'a2',
      rules: { ...v1.rules, resolution: { type: 'automatic' }, create_role: role(0) },
    });
  });

  it.each([
    ['no rule at all', {}, 'invalid_action'],
    ['an unknown kind of action', { spend_money: { type: 'automatic' } }, 'invalid_procedure'],
    ['an unknown procedure', { resolution: { type: 'lottery' } }, 'invalid_procedure'],
    ['a procedure that is not an object', { resolution: 'automatic' }, 'invalid_procedure'],
    ['a null procedure', { resolution: null }, 'invalid_procedure'],
    ['consent over zero hours', { resolution: { type: 'consent', hours: 0 } }, 'invalid_procedure'],
    ['consent over fractional hours', { resolution: { type: 'consent', hours: 1.5 } }, 'invalid_procedure'],
    [
      'consent over more than a year',
      { resolution: { type: 'consent', hours: 24 * 365 + 1 } },
      'invalid_procedure',
    ],
    [
      'a negative objection window',
      { resolution: { type: 'role', objectionHours: -1 } },
      'invalid_procedure',
    ],
    [
      'participation above one',
      { resolution: { type: 'consensus', hours: 1, minParticipation: { num: 3, den: 2 } } },
      'invalid_procedure',
    ],
    [
      'participation over zero',
      { resolution: { type: 'consensus', hours: 1, minParticipation: { num: 1, den: 0 } } },
      'invalid_procedure',
    ],
    ['a zero threshold', { resolution: vote([0, 2]) }, 'invalid_procedure'],
    ['a strict threshold of one', { resolution: vote([1, 1], { strict: true }) }, 'invalid_procedure'],
    [
      'a fractional quorum numerator',
      { resolution: vote([1, 2], { quorum: [0.5, 1] }) },
      'invalid_procedure',
    ],
    [
      'an unknown abstention rule',
      { resolution: { ...vote([1, 2]), abstentions: 'maybe' } },
      'invalid_procedure',
    ],
    ['strict given as text', { resolution: { ...vote([1, 2]), strict: 'true' } }, 'invalid_procedure'],
  ] as [string, Record<string, unknown>, string][])('refuses an amendment with %s', (_, rules, code) => {
    const c = Scenario.given({ rules: { amend_constitution: { type: 'automatic' } } });
    expect(
      c.error({ type: 'SubmitProposal', proposalId: 'a', title: 'x', body: '', action: amend(rules) }, 'ada'),
    ).toBe(code);
    expect(c.s.core.constitution.version).toBe(1);
  });

  it.each([null, 'automatic', ['automatic']])(
    'refuses rules that are not a record of kinds (%j)',
    (rules) => {
      const c = Scenario.given({ rules: { amend_constitution: { type: 'automatic' } } });
      expect(
        c.error(
          {
            type: 'SubmitProposal',
            proposalId: 'a',
            title: 'x',
            body: '',
            action: { kind: 'amend_constitution', rules } as unknown as Action,
          },
          'ada',
        ),
      ).toMatch(/^invalid_/);
    },
  );

  it('keeps only the fields a procedure has', () => {
    const c = Scenario.given({ rules: { amend_constitution: { type: 'automatic' } } });
    c.propose(
      'a',
      amend({
        resolution: { type: 'automatic', hours: 3, note: 'x' },
        admit_member: { ...consent(5), extra: true },
      }),
    );
    expect(c.s.core.constitution.rules.resolution).toEqual({ type: 'automatic' });
    expect(c.s.core.constitution.rules.admit_member).toEqual(consent(5));
  });
});

describe('leaving and removal end role holdings', () => {
  it('when a holder leaves, then they hold no role and cannot decide', () => {
    const c = Scenario.given({ rules: { resolution: role(0) }, members: ['bob', 'cy'], roles: [clerk] });
    c.resolve('r1');
    expect(c.types({ type: 'LeaveCommons' }, 'bob')).toEqual(['MemberLeft']);
    expect(c.s.core.members.bob.status).toBe('left');
    expect(c.s.core.roles.clerk.holders).toEqual([]);
    expect(c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'agree', reason: '' }, 'bob')).toBe(
      'not_a_member',
    );
    expect(c.error({ type: 'LeaveCommons' }, 'bob')).toBe('not_a_member');
  });

  it('when a holder is removed, then they hold no role', () => {
    const c = Scenario.given({
      rules: { remove_member: { type: 'automatic' } },
      members: ['bob'],
      roles: [clerk],
    });
    c.propose('p', { kind: 'remove_member', accountId: 'bob' });
    expect(c.s.core.roles.clerk.holders).toEqual([]);
    expect(c.s.core.members.bob.status).toBe('removed');
  });

  it('given a term that has ended, then the holder can be given the role again for a new term', () => {
    const c = Scenario.given({
      rules: { assign_role: { type: 'automatic' } },
      members: ['bob'],
      roles: [{ ...clerk, holders: [['bob', at(24)]] }],
    });
    expect(
      c.error(
        {
          type: 'SubmitProposal',
          proposalId: 'early',
          title: 'x',
          body: '',
          action: { kind: 'assign_role', roleId: 'clerk', accountId: 'bob' },
        },
        'ada',
        at(23),
      ),
    ).toBe('already_holder');
    expect(
      c.propose('renew', { kind: 'assign_role', roleId: 'clerk', accountId: 'bob' }, 'ada', at(24)),
    ).toContain('RoleAssigned');
    expect(c.s.core.roles.clerk.holders).toEqual([
      { accountId: 'bob', since: at(24), until: at(24 + 30 * 24) },
    ]);
  });
});

describe('applications', () => {
  const apply = (c: Scenario, who: string, pid: string, when = T0) =>
    c.types(
      { type: 'ApplyForMembership', proposalId: pid, displayName: who, classes: [], statement: 'hello' },
      who,
      when,
    );

  it('an applicant is not in the electorate of their own application, and cannot act as a member', () => {
    const c = Scenario.given({ rules: { admit_member: consent(24) }, members: ['bob'] });
    expect(apply(c, 'eve', 'a1')).toEqual(['MembershipApplied', 'ProposalOpened']);
    expect(c.s.proposals.a1).toMatchObject({ proposer: 'eve', electorate: ['ada', 'bob'], body: 'hello' });
    expect(c.error({ type: 'TakePosition', proposalId: 'a1', stance: 'agree', reason: '' }, 'eve')).toBe(
      'not_a_member',
    );
    expect(
      c.error({ type: 'PostComment', proposalId: 'a1', commentId: 'k', text: 'hi', replyTo: null }, 'eve'),
    ).toBe('not_a_member');
    expect(
      c.error(
        { type: 'ApplyForMembership', proposalId: 'a2', displayName: 'Eve', classes: [], statement: '' },
        'eve',
      ),
    ).toBe('already_applied');
  });

  it('when the admission fails, then the applicant is declined, and may apply again', () => {
    const c = Scenario.given({ rules: { admit_member: consent(24) }, members: ['bob'] });
    apply(c, 'eve', 'a1');
    c.position('a1', 'bob', 'block');
    expect(c.close('a1', at(24))).toEqual(['ProposalDecided', 'ApplicationDeclined']);
    expect(c.s.core.members.eve.status).toBe('declined');
    expect(apply(c, 'eve', 'a2', at(25))).toEqual(['MembershipApplied', 'ProposalOpened']);
    expect(c.s.core.members.eve).toMatchObject({ status: 'applicant', since: at(25) });
    expect(c.close('a2', at(49))).toEqual(['ProposalDecided', 'MemberAdmitted']);
    expect(c.s.core.members.eve).toMatchObject({ status: 'member', since: at(49) });
  });

  it('given no one holds the mandate to admit, then applications are declined at close', () => {
    const c = Scenario.given({ rules: { admit_member: role(72) } });
    apply(c, 'eve', 'a1');
    expect(c.close('a1', at(72))).toEqual(['ProposalDecided', 'ApplicationDeclined']);
  });

  it('given a member also proposed to admit the applicant, when that fails, then the open application still stands', () => {
    const c = Scenario.given({ rules: { admit_member: consent(24) }, members: ['bob'] });
    apply(c, 'eve', 'a1', at(1));
    c.propose('m1', { kind: 'admit_member', accountId: 'eve', displayName: 'Eve', classes: [] }, 'bob');
    c.position('m1', 'ada', 'block');
    expect(c.close('m1', at(24))).toEqual(['ProposalDecided']);
    expect(c.s.core.members.eve.status).toBe('applicant');
    expect(c.close('a1', at(25))).toEqual(['ProposalDecided', 'MemberAdmitted']);
  });

  it('given a member also proposed to admit the applicant, when it is withdrawn, then the application still stands', () => {
    const c = Scenario.given({ rules: { admit_member: consent(24) }, members: ['bob'] });
    apply(c, 'eve', 'a1');
    c.propose('m1', { kind: 'admit_member', accountId: 'eve', displayName: 'Eve', classes: [] }, 'bob');
    expect(c.types({ type: 'WithdrawProposal', proposalId: 'm1' }, 'bob')).toEqual(['ProposalWithdrawn']);
    expect(c.s.core.members.eve.status).toBe('applicant');
  });

  it('given the applicant was admitted by another proposal, then their own application passing fails harmlessly', () => {
    const c = Scenario.given({ rules: { admit_member: consent(24) }, members: ['bob'] });
    apply(c, 'eve', 'a1');
    c.propose('m1', { kind: 'admit_member', accountId: 'eve', displayName: 'Eve', classes: [] }, 'bob');
    c.position('m1', 'ada', 'agree');
    c.position('m1', 'bob', 'agree');
    expect(c.s.core.members.eve.status).toBe('member');
    expect(c.close('a1', at(24))).toEqual(['ProposalDecided', 'ActionFailed']);
    expect(c.s.core.members.eve.status).toBe('member');
  });
});

describe('the electorate is fixed when a proposal opens', () => {
  it('members admitted later cannot take a position; the count stays as it was', () => {
    const c = Scenario.given({
      rules: { resolution: consent(24), admit_member: { type: 'automatic' } },
      members: ['cy', 'bob'],
    });
    c.resolve('r1');
    expect(c.s.proposals.r1.electorate).toEqual(['ada', 'bob', 'cy']);
    c.propose('p', { kind: 'admit_member', accountId: 'dan', displayName: 'Dan', classes: [] });
    expect(c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'block', reason: '' }, 'dan')).toBe(
      'not_in_electorate',
    );
    c.close('r1', at(24));
    expect(c.s.proposals.r1.outcome!.counts.electorate).toBe(3);
  });

  it('refuses a position from someone who is not a member at all', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) } });
    c.resolve('r1');
    expect(c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'block', reason: '' }, 'mallory')).toBe(
      'not_a_member',
    );
    expect(
      c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'maybe' as never, reason: '' }, 'ada'),
    ).toBe('invalid_input');
  });
});

describe('comments', () => {
  it('a comment id is used once per proposal; a reply names an existing comment', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) }, members: ['bob'] });
    c.resolve('r1');
    c.types({ type: 'PostComment', proposalId: 'r1', commentId: 'k1', text: 'Why?', replyTo: null }, 'bob');
    expect(
      c.error(
        { type: 'PostComment', proposalId: 'r1', commentId: 'k1', text: 'Again', replyTo: null },
        'ada',
      ),
    ).toBe('invalid_input');
    expect(
      c.error({ type: 'PostComment', proposalId: 'r1', commentId: 'k2', text: 'x', replyTo: 'k9' }, 'ada'),
    ).toBe('comment_not_found');
    c.types(
      { type: 'PostComment', proposalId: 'r1', commentId: 'k2', text: 'Because.', replyTo: 'k1' },
      'ada',
    );
    expect(c.s.proposals.r1.commentCount).toBe(2);
    expect(c.rebuilt()).toEqual(c.s);
  });
});

describe('decided from documents or from events alike', () => {
  it('a state rebuilt from read-model documents decides the same events as the live one', () => {
    const c = Scenario.given({
      rules: { resolution: role(24) },
      members: ['bob', 'cy', 'dan'],
      roles: [
        {
          ...clerk,
          holders: [
            ['dan', null],
            ['bob', null],
          ],
        },
      ],
    });
    c.resolve('r1');
    c.position('r1', 'dan', 'agree', at(1));
    c.position('r1', 'cy', 'abstain', at(1));
    c.position('r1', 'bob', 'agree', at(2));
    const rebuilt = c.rebuilt();
    expect(rebuilt).toEqual(c.s);
    const cmd = { type: 'CloseProposal', proposalId: 'r1' } as const;
    const live = decide(c.s, cmd, { actor: null, now: at(24) });
    expect(decide(rebuilt, cmd, { actor: null, now: at(24) })).toEqual(live);
    const decided = live[0] as EventOf<'ProposalDecided'>;
    expect(decided.data.outcome).toMatchObject({ decidedBy: 'dan', participants: ['bob', 'cy', 'dan'] });
  });
});

describe('the time of a command', () => {
  it('is compared as an instant, whatever its written form', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) }, members: ['bob'] });
    c.resolve('r1');
    // 01:00 at +02:00 is 23:00 UTC the day before the closing time (2026-01-02T00:00:00.000Z)
    const before = '2026-01-02T01:00:00+02:00';
    expect(c.position('r1', 'bob', 'block', before)).toEqual(['PositionTaken']);
    expect(c.error({ type: 'CloseProposal', proposalId: 'r1' }, null, before)).toBe('proposal_still_open');
    // the closing time itself, without milliseconds
    expect(
      c.error(
        { type: 'TakePosition', proposalId: 'r1', stance: 'agree', reason: '' },
        'bob',
        '2026-01-02T00:00:00Z',
      ),
    ).toBe('proposal_closed');
    expect(c.close('r1', '2026-01-02T00:00:00Z')).toEqual(['ProposalDecided']);
    expect(c.s.proposals.r1.outcome!.decidedAt).toBe(at(24));
  });

  it('must be a date and time', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) } });
    expect(
      c.error(
        {
          type: 'SubmitProposal',
          proposalId: 'r',
          title: 't',
          body: '',
          action: { kind: 'resolution', text: 'x' },
        },
        'ada',
        'soon',
      ),
    ).toBe('invalid_input');
  });
});
