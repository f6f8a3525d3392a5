// The roles module (src/modules/roles.ts): RoleCreated, RoleChanged, RoleAssigned and RoleUnassigned. It has no
// command of its own: each event is carried out from a passed proposal, so the commands here are SubmitProposal of
// create_role, change_role, assign_role and unassign_role (under an automatic rule, decided at once), refused
// with the codes their checks give (src/actions).
import { describe, expect, it } from 'vitest';
import type { Action, ActionKind, Procedure } from '../../src/index';
import { at, foundingEvents, Scenario, T0, type Given } from '../scenario';
import { spec, stamped, submit, type Expected } from './spec';

const automatic: Procedure = { type: 'automatic' };
const clerk = {
  id: 'clerk',
  name: 'Clerk',
  description: 'Keeps the minutes',
  mandate: ['resolution' as const],
  termDays: 30,
  holders: [['bob', null]] as [string, string | null][],
};

/** A commons of Ada, Bob and Cy where every role action is automatic, with a clerk (Bob) unless told. */
const commons = (g: Given = {}) =>
  foundingEvents({
    rules: {
      create_role: automatic,
      change_role: automatic,
      assign_role: automatic,
      unassign_role: automatic,
    },
    members: ['bob', 'cy'],
    roles: [clerk],
    ...g,
  });

/** The events of a passed automatic proposal `p`, then its effect. */
const passed = (effect: Expected): Expected[] => [
  { type: 'ProposalOpened', data: { id: 'p' } },
  { type: 'ProposalDecided', data: { proposalId: 'p', outcome: { passed: true } } },
  effect,
];

describe('creating a role', () => {
  const create = (o: Partial<Extract<Action, { kind: 'create_role' }>> = {}): Action => ({
    kind: 'create_role',
    roleId: 'scribe',
    name: 'Scribe',
    description: 'Writes things down',
    mandate: ['resolution'],
    termDays: 90,
    ...o,
  });

  it('given a commons, when a role is created, then RoleCreated with no holders, its mandate deduplicated', () => {
    const { state } = spec(commons())
      .when(
        submit('p', create({ name: ' Scribe ', mandate: ['resolution', 'adopt_charter', 'resolution'] })),
        'ada',
      )
      .thenMatch(
        passed({
          type: 'RoleCreated',
          data: {
            proposalId: 'p',
            role: {
              id: 'scribe',
              name: 'Scribe',
              description: 'Writes things down',
              mandate: ['resolution', 'adopt_charter'],
              termDays: 90,
              holders: [],
            },
          },
        }),
      );
    expect(state.core.roles.scribe).toEqual({
      id: 'scribe',
      name: 'Scribe',
      description: 'Writes things down',
      mandate: ['resolution', 'adopt_charter'],
      termDays: 90,
      holders: [],
    });
    expect(state.core.roles.clerk?.holders).toHaveLength(1);
  });

  it('given a role clerk, when another clerk is created, then role_exists', () => {
    spec(commons())
      .when(submit('p', create({ roleId: 'clerk' })), 'ada')
      .thenRefuses('role_exists');
  });

  it.each([
    ['an id with capitals', { roleId: 'Scribe' }],
    ['an id with a space', { roleId: 'head scribe' }],
    ['a mandate that is not a list', { mandate: 'resolution' as never }],
    ['an unknown kind in its mandate', { mandate: ['spend_money' as ActionKind] }],
    ['a term of no days', { termDays: 0 }],
    ['a term of part of a day', { termDays: 1.5 }],
    ['a term over ten years', { termDays: 3651 }],
  ])('given a commons, when a role is created with %s, then invalid_action', (_, o) => {
    spec(commons())
      .when(submit('p', create(o)), 'ada')
      .thenRefuses('invalid_action');
  });

  it('given a commons, when a role is created without a name, then invalid_input', () => {
    spec(commons())
      .when(submit('p', create({ name: ' ' })), 'ada')
      .thenRefuses('invalid_input');
  });
});

describe('changing a role', () => {
  it('given a clerk, when its name and term change, then RoleChanged with only those, and the rest stays', () => {
    const { events, state } = spec(commons())
      .when(
        submit('p', { kind: 'change_role', roleId: 'clerk', name: ' Chief clerk ', termDays: null }),
        'ada',
      )
      .thenMatch(passed({ type: 'RoleChanged' }));
    expect(events[2]).toEqual({
      type: 'RoleChanged',
      data: { proposalId: 'p', roleId: 'clerk', name: 'Chief clerk', termDays: null },
    });
    expect(state.core.roles.clerk).toEqual({
      id: 'clerk',
      name: 'Chief clerk',
      description: 'Keeps the minutes',
      mandate: ['resolution'],
      termDays: null,
      holders: [{ accountId: 'bob', since: T0, until: null }],
    });
  });

  it('given a clerk, when its mandate and description change, then only those change', () => {
    const { state } = spec(commons())
      .when(
        submit('p', { kind: 'change_role', roleId: 'clerk', description: '', mandate: ['create_role'] }),
        'ada',
      )
      .thenMatch(passed({ type: 'RoleChanged', data: { description: '', mandate: ['create_role'] } }));
    expect(state.core.roles.clerk).toMatchObject({
      name: 'Clerk',
      description: '',
      mandate: ['create_role'],
    });
  });

  it('given no role scribe, when it is changed, then role_not_found', () => {
    spec(commons())
      .when(submit('p', { kind: 'change_role', roleId: 'scribe', name: 'S' }), 'ada')
      .thenRefuses('role_not_found');
  });

  it.each([
    ['nothing', {}],
    ['a bad term', { termDays: -1 }],
    ['a bad mandate', { mandate: ['nope'] }],
  ])('given a clerk, when the change gives %s, then invalid_action', (_, o) => {
    spec(commons())
      .when(submit('p', { kind: 'change_role', roleId: 'clerk', ...o } as Action), 'ada')
      .thenRefuses('invalid_action');
  });
});

describe('giving a role', () => {
  it('given a clerk with a 30-day term, when Cy is given it, then RoleAssigned until the term ends', () => {
    const { state } = spec(commons())
      .when(submit('p', { kind: 'assign_role', roleId: 'clerk', accountId: 'cy' }), 'ada', at(2))
      .thenMatch(
        passed({
          type: 'RoleAssigned',
          data: { proposalId: 'p', roleId: 'clerk', accountId: 'cy', until: at(2 + 30 * 24) },
        }),
      );
    expect(state.core.roles.clerk?.holders).toEqual([
      { accountId: 'bob', since: T0, until: null },
      { accountId: 'cy', since: at(2), until: at(2 + 30 * 24) },
    ]);
  });

  it('given a role with no term, when it is given, then it is held without end', () => {
    spec(commons({ roles: [{ ...clerk, termDays: null }] }))
      .when(submit('p', { kind: 'assign_role', roleId: 'clerk', accountId: 'cy' }), 'ada')
      .thenMatch(passed({ type: 'RoleAssigned', data: { until: null } }));
  });

  it('given Bob holds the clerk, when he is given it again, then already_holder', () => {
    spec(commons())
      .when(submit('p', { kind: 'assign_role', roleId: 'clerk', accountId: 'bob' }), 'ada')
      .thenRefuses('already_holder', /already holds Clerk/);
  });

  it('given no role scribe, when it is given, then role_not_found', () => {
    spec(commons())
      .when(submit('p', { kind: 'assign_role', roleId: 'scribe', accountId: 'cy' }), 'ada')
      .thenRefuses('role_not_found');
  });

  it.each(['mallory', 'eve'])('given %s is not a member, when given a role, then member_not_found', (who) => {
    spec([
      ...commons(),
      {
        type: 'MembershipApplied',
        data: { accountId: 'eve', displayName: 'Eve', classes: [], statement: '' },
      },
    ])
      .when(submit('p', { kind: 'assign_role', roleId: 'clerk', accountId: who }), 'ada')
      .thenRefuses('member_not_found');
  });

  it('given a term that has ended, then the holder can be given the role again for a new term', () => {
    const c = Scenario.given({
      rules: { assign_role: { type: 'automatic' } },
      members: ['bob'],
      roles: [{ ...clerk, description: '', holders: [['bob', at(24)]] }],
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
    expect(c.role('clerk').holders).toEqual([{ accountId: 'bob', since: at(24), until: at(24 + 30 * 24) }]);
  });
});

describe('recalling a role', () => {
  it('given Bob holds the clerk, when he is recalled, then RoleUnassigned and no holder', () => {
    const { state } = spec(commons())
      .when(submit('p', { kind: 'unassign_role', roleId: 'clerk', accountId: 'bob' }), 'ada')
      .thenMatch(
        passed({ type: 'RoleUnassigned', data: { proposalId: 'p', roleId: 'clerk', accountId: 'bob' } }),
      );
    expect(state.core.roles.clerk?.holders).toEqual([]);
  });

  it('given Cy does not hold the clerk, when she is recalled, then not_a_holder', () => {
    spec(commons())
      .when(submit('p', { kind: 'unassign_role', roleId: 'clerk', accountId: 'cy' }), 'ada')
      .thenRefuses('not_a_holder', /does not hold Clerk/);
  });

  it('given a holder whose term has ended, when recalled, then the holding is removed', () => {
    spec(commons({ roles: [{ ...clerk, holders: [['bob', at(1)]] }] }))
      .when(submit('p', { kind: 'unassign_role', roleId: 'clerk', accountId: 'bob' }), 'ada', at(5))
      .thenMatch(passed({ type: 'RoleUnassigned' }));
  });

  it('given no role scribe, when someone is recalled from it, then role_not_found', () => {
    spec(commons())
      .when(submit('p', { kind: 'unassign_role', roleId: 'scribe', accountId: 'bob' }), 'ada')
      .thenRefuses('role_not_found');
  });

  it('given a member who left, when recalled, then member_not_found', () => {
    spec([...commons(), stamped({ type: 'MemberLeft', data: { accountId: 'cy' } }, at(1), 'cy')])
      .when(submit('p', { kind: 'unassign_role', roleId: 'clerk', accountId: 'cy' }), 'ada', at(2))
      .thenRefuses('member_not_found');
  });
});

describe('the role events', () => {
  it('given RoleAssigned to a holder again, then the holder is listed once, with the new term', () => {
    const { state } = spec([
      ...commons(),
      stamped(
        { type: 'RoleAssigned', data: { proposalId: 'p', roleId: 'clerk', accountId: 'bob', until: at(9) } },
        at(3),
      ),
    ]);
    expect(state?.core.roles.clerk?.holders).toEqual([{ accountId: 'bob', since: at(3), until: at(9) }]);
  });

  it('given RoleChanged, then the proposal it came from is not written into the role', () => {
    const { state } = spec([
      ...commons(),
      { type: 'RoleChanged', data: { proposalId: 'p', roleId: 'clerk', name: 'Scribe' } },
    ]);
    expect(state?.core.roles.clerk).not.toHaveProperty('proposalId');
    expect(state?.core.roles.clerk?.name).toBe('Scribe');
  });

  it('an event about a role that does not exist is a bug, not a state', () => {
    expect(() =>
      spec([
        ...commons(),
        { type: 'RoleUnassigned', data: { proposalId: 'p', roleId: 'nope', accountId: 'bob' } },
      ]),
    ).toThrow(/refers to role "nope"/);
  });
});

describe('roles through the commons', () => {
  it('a role is created, assigned and recalled by proposals; its holder then decides alone', () => {
    const c = Scenario.founded('do-ocracy');
    c.run(
      { type: 'ApplyForMembership', proposalId: 'a1', displayName: 'Bob', classes: [], statement: '' },
      'bob',
    );
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'r1',
        title: 'Treasurer',
        body: '',
        action: {
          kind: 'create_role',
          roleId: 'treasurer',
          name: 'Treasurer',
          description: '',
          mandate: ['resolution'],
          termDays: 365,
        },
      },
      'ada',
    );
    for (const who of ['ada', 'bob'])
      c.run({ type: 'TakePosition', proposalId: 'r1', stance: 'agree', reason: '' }, who);
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'r2',
        title: 'Bob treasurer',
        body: '',
        action: { kind: 'assign_role', roleId: 'treasurer', accountId: 'bob' },
      },
      'ada',
    );
    for (const who of ['ada', 'bob'])
      c.run({ type: 'TakePosition', proposalId: 'r2', stance: 'agree', reason: '' }, who);
    expect(c.role('treasurer').holders[0]).toMatchObject({
      accountId: 'bob',
      until: at(365 * 24),
    });
    expect(() =>
      c.run(
        {
          type: 'SubmitProposal',
          proposalId: 'r3',
          title: 'again',
          body: '',
          action: { kind: 'assign_role', roleId: 'treasurer', accountId: 'bob' },
        },
        'ada',
      ),
    ).toThrow(/already holds/);
    const recall = {
      type: 'SubmitProposal',
      proposalId: 'r4',
      title: 'Recall',
      body: '',
      action: { kind: 'unassign_role', roleId: 'treasurer', accountId: 'bob' },
    } as const;
    c.run(recall, 'ada');
    for (const who of ['ada', 'bob'])
      c.run({ type: 'TakePosition', proposalId: 'r4', stance: 'agree', reason: '' }, who);
    expect(c.role('treasurer').holders).toEqual([]);
  });
});
