// A proposal's life from opening to its effect, across the modules: every kind of action carried out exactly once,
// actions that became impossible, deciding from documents or events alike, the time of a command. Each module's
// own commands and events are in test/modules.
import { describe, expect, it } from 'vitest';
import { at, consent, role, Scenario, type EventOf } from './scenario';
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
    check: (c) => expect(c.member('cy').status).toBe('removed'),
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
      const decided = Date.parse(c.proposal('p').outcome!.decidedAt);
      const until = new Date(decided + 30 * 24 * 3_600_000).toISOString();
      expect(c.role('clerk').holders.map((h) => [h.accountId, h.until])).toEqual([
        ['bob', null],
        ['cy', until],
      ]);
    },
  },
  {
    action: { kind: 'unassign_role', roleId: 'clerk', accountId: 'bob' },
    effect: 'RoleUnassigned',
    check: (c) => expect(c.role('clerk').holders).toEqual([]),
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
      expect(c.logged('ResolutionAdopted')[0]?.data).toEqual({ proposalId: 'p', text: 'Paint the shed' }),
  },
];

describe('each kind of action is carried out exactly once', () => {
  it('covers every kind of action', () => {
    // Only an election fills a role's seats, through nominations and ballots: elect_role is in elections.test.ts.
    expect(CASES.map((x) => x.action.kind).sort()).toEqual(
      ACTION_KINDS.filter((k) => k !== 'elect_role').sort(),
    );
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
      expect(c.proposal('p').status).toBe('open');
      expect(c.close('p', at(24))).toEqual(['ProposalDecided', effect]);
      check(c);
      expect(c.proposal('p').execution).toEqual({ done: true, error: null });
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
    expect(c.role('clerk').holders.map((h) => h.accountId)).toEqual(['bob']);
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
    expect(c.member('ada').status).toBe('member');
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
    expect(c.proposal('r1').outcome!.decidedAt).toBe(at(24));
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
