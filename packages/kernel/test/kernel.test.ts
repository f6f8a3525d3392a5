import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  decide,
  DomainError,
  readModelChanges,
  stateFromDocs,
  type Command,
  type CommonsState,
  type DomainEvent,
  type EventEnvelope,
} from '../src/index';

const T0 = '2026-01-01T00:00:00.000Z';
const hours = (h: number) => new Date(Date.parse(T0) + h * 3_600_000).toISOString();

/** given events (as envelopes) / when a command by an actor at a time / then the events or an error code. */
function given(...history: [DomainEvent, string | null, string?][]) {
  let state: CommonsState | null = null;
  for (const [e, actor, at] of history)
    state = applyEvent(state, { ...e, actor, at: at ?? T0 } as EventEnvelope);
  return {
    state: () => state!,
    when(command: Command, actor: string | null, at = T0) {
      return {
        then: () => decide(state, command, { actor, now: at }),
        thenError: () => {
          try {
            decide(state, command, { actor, now: at });
          } catch (e) {
            if (e instanceof DomainError) return e.code;
            throw e;
          }
          throw new Error('expected a DomainError');
        },
      };
    },
  };
}

/** Runs a command and folds its events in: a tiny in-memory commons for scenario tests. */
function commons(template: 'single-class' | 'multi-stakeholder-coop' | 'do-ocracy' = 'single-class') {
  let state: CommonsState | null = null;
  const log: EventEnvelope[] = [];
  const run = (command: Command, actor: string | null, at = T0) => {
    const events = decide(state, command, { actor, now: at });
    for (const e of events) {
      const env = { ...e, actor, at } as EventEnvelope;
      log.push(env);
      state = applyEvent(state, env);
    }
    return events.map((e) => e.type);
  };
  run(
    {
      type: 'CreateCommons',
      commonsId: 'c1',
      name: 'Garden',
      purpose: 'Grow food together',
      charter: '',
      template,
      displayName: 'Ada',
      classes: [],
    },
    'ada',
  );
  return { run, state: () => state!, log };
}

function admit(c: ReturnType<typeof commons>, who: string, pid: string, at = T0) {
  c.run(
    {
      type: 'SubmitProposal',
      proposalId: pid,
      title: `Admit ${who}`,
      body: '',
      action: { kind: 'admit_member', accountId: who, displayName: who, classes: [] },
    },
    'ada',
    at,
  );
}

describe('founding a commons', () => {
  it('given nothing, when Ada creates a commons, then she is its first member under the template rules', () => {
    const events = given()
      .when(
        {
          type: 'CreateCommons',
          commonsId: 'c1',
          name: 'Garden',
          purpose: '',
          charter: '',
          template: 'single-class',
          displayName: 'Ada',
          classes: [],
        },
        'ada',
      )
      .then();
    expect(events.map((e) => e.type)).toEqual(['CommonsCreated']);
    const created = events[0] as Extract<DomainEvent, { type: 'CommonsCreated' }>;
    expect(created.data.founder).toMatchObject({ accountId: 'ada', status: 'member', classes: ['member'] });
    expect(created.data.constitution.version).toBe(1);
    expect(created.data.constitution.rules.admit_member).toEqual({ type: 'consent', hours: 72 });
  });

  it('rejects an unknown template and an empty name', () => {
    const bad = {
      type: 'CreateCommons',
      commonsId: 'c',
      name: 'x',
      purpose: '',
      charter: '',
      displayName: 'A',
      classes: [],
    };
    expect(
      given()
        .when({ ...bad, template: 'nope' } as unknown as Command, 'ada')
        .thenError(),
    ).toBe('invalid_input');
    expect(
      given()
        .when({ ...bad, name: '  ', template: 'single-class' } as Command, 'ada')
        .thenError(),
    ).toBe('invalid_input');
  });
});

describe('consent', () => {
  it('passes at close when no objection stands, and carries the action out exactly once', () => {
    const c = commons();
    admit(c, 'bob', 'p1');
    expect(c.state().proposals.p1.status).toBe('open');
    expect(c.state().proposals.p1.closesAt).toBe(hours(72));
    expect(() => c.run({ type: 'CloseProposal', proposalId: 'p1' }, null, hours(1))).toThrow(/closes at/);
    expect(c.run({ type: 'CloseProposal', proposalId: 'p1' }, null, hours(72))).toEqual([
      'ProposalDecided',
      'MemberAdmitted',
    ]);
    expect(c.state().core.members.bob.status).toBe('member');
    expect(() => c.run({ type: 'CloseProposal', proposalId: 'p1' }, null, hours(73))).toThrow(
      /already closed/,
    );
  });

  it('settles early when every eligible member has taken a position', () => {
    const c = commons();
    admit(c, 'bob', 'p1');
    const types = c.run(
      { type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: 'welcome' },
      'ada',
    );
    expect(types).toEqual(['PositionTaken', 'ProposalDecided', 'MemberAdmitted']);
    const p = c.state().proposals.p1;
    expect(p.status).toBe('passed');
    expect(p.outcome).toMatchObject({ passed: true, ruleVersion: 1, participants: ['ada'] });
    expect(p.outcome!.reasons[0].code).toBe('no_objection');
    expect(c.state().core.members.bob.status).toBe('member');
    // carried out exactly once: a closed proposal cannot be closed or voted again
    expect(() => c.run({ type: 'CloseProposal', proposalId: 'p1' }, null, hours(100))).toThrow(
      /already closed/,
    );
  });

  it('fails at close when an objection stands, naming the objections', () => {
    const c = commons();
    admit(c, 'bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    admit(c, 'cy', 'p2');
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'block', reason: 'not yet' }, 'bob');
    expect(c.state().proposals.p2.status).toBe('open');
    expect(c.run({ type: 'CloseProposal', proposalId: 'p2' }, null, hours(72))).toEqual(['ProposalDecided']);
    expect(c.state().proposals.p2.outcome!.reasons[0]).toMatchObject({
      code: 'objection_stands',
      params: { objections: 1 },
    });
    expect(c.state().core.members.cy).toBeUndefined();
  });

  it('lets a member change a position until close, and refuses after it', () => {
    const c = commons();
    admit(c, 'bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    admit(c, 'cy', 'p2');
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'block', reason: '' }, 'bob');
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'abstain', reason: 'ok then' }, 'bob', hours(1));
    expect(c.state().proposals.p2.positionCount).toBe(1);
    expect(() =>
      c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'agree', reason: '' }, 'bob', hours(73)),
    ).toThrow(DomainError);
    c.run({ type: 'CloseProposal', proposalId: 'p2' }, null, hours(73));
    expect(c.state().core.members.cy.status).toBe('member');
  });
});

describe('who may act', () => {
  it('refuses a proposal from someone who is not a member, and writes nothing', () => {
    const c = commons();
    const g = given([c.log[0], 'ada']);
    expect(
      g
        .when(
          {
            type: 'SubmitProposal',
            proposalId: 'p',
            title: 't',
            body: '',
            action: { kind: 'resolution', text: 'x' },
          },
          'mallory',
        )
        .thenError(),
    ).toBe('not_a_member');
  });

  it('keeps a member who joined after a proposal opened out of its electorate', () => {
    const c = commons();
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'r1',
        title: 'Paint the shed',
        body: '',
        action: { kind: 'resolution', text: 'Paint it' },
      },
      'ada',
    );
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'p1',
        title: 'Bob',
        body: '',
        action: { kind: 'admit_member', accountId: 'bob', displayName: 'Bob', classes: [] },
      },
      'ada',
    );
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    expect(() =>
      c.run({ type: 'TakePosition', proposalId: 'r1', stance: 'agree', reason: '' }, 'bob'),
    ).toThrow(/joined after/);
  });

  it('the last member cannot leave; others can', () => {
    const c = commons();
    expect(() => c.run({ type: 'LeaveCommons' }, 'ada')).toThrow(/last member/);
    admit(c, 'bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    expect(c.run({ type: 'LeaveCommons' }, 'bob')).toEqual(['MemberLeft']);
  });

  it('only the proposer withdraws', () => {
    const c = commons();
    admit(c, 'bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    admit(c, 'cy', 'p2');
    expect(() => c.run({ type: 'WithdrawProposal', proposalId: 'p2' }, 'bob')).toThrow(/Only the proposer/);
    expect(c.run({ type: 'WithdrawProposal', proposalId: 'p2' }, 'ada')).toEqual(['ProposalWithdrawn']);
  });
});

describe('applications', () => {
  it('under do-ocracy an applicant is admitted at once', () => {
    const c = commons('do-ocracy');
    const types = c.run(
      { type: 'ApplyForMembership', proposalId: 'a1', displayName: 'Dee', classes: [], statement: 'hi' },
      'dee',
    );
    expect(types).toEqual(['MembershipApplied', 'ProposalOpened', 'ProposalDecided', 'MemberAdmitted']);
    expect(c.state().core.members.dee.status).toBe('member');
  });

  it('under the co-operative template the membership secretary admits, after an objection window', () => {
    const c = commons('multi-stakeholder-coop');
    c.run(
      {
        type: 'ApplyForMembership',
        proposalId: 'a1',
        displayName: 'Eve',
        classes: ['guardians'],
        statement: '',
      },
      'eve',
    );
    expect(c.state().core.members.eve.status).toBe('applicant');
    c.run({ type: 'TakePosition', proposalId: 'a1', stance: 'agree', reason: 'speaks for the river' }, 'ada');
    expect(c.state().proposals.a1.status).toBe('open');
    c.run({ type: 'CloseProposal', proposalId: 'a1' }, null, hours(72));
    expect(c.state().proposals.a1.outcome!.reasons[0].code).toBe('role_approved_no_objection');
    expect(c.state().core.members.eve).toMatchObject({ status: 'member', classes: ['guardians'] });
  });

  it('rejects an unknown stakeholder class', () => {
    const c = commons('multi-stakeholder-coop');
    expect(() =>
      c.run(
        {
          type: 'ApplyForMembership',
          proposalId: 'a1',
          displayName: 'Eve',
          classes: ['owners'],
          statement: '',
        },
        'eve',
      ),
    ).toThrow(/no stakeholder class "owners"/);
  });
});

describe('votes', () => {
  function threeMembers() {
    const c = commons();
    admit(c, 'bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    admit(c, 'cy', 'p2');
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'agree', reason: '' }, 'ada');
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'agree', reason: '' }, 'bob');
    return c;
  }

  it('removing a member needs two thirds with a quorum of half', () => {
    const c = threeMembers();
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'r',
        title: 'Remove Cy',
        body: '',
        action: { kind: 'remove_member', accountId: 'cy' },
      },
      'ada',
    );
    c.run({ type: 'TakePosition', proposalId: 'r', stance: 'agree', reason: '' }, 'ada');
    c.run({ type: 'CloseProposal', proposalId: 'r' }, null, hours(168));
    // 1 of 3 took part: quorum of 1/2 not met
    expect(c.state().proposals.r.outcome!.reasons.map((x) => x.code)).toEqual([
      'quorum_not_met',
      'threshold_met',
    ]);
    expect(c.state().core.members.cy.status).toBe('member');
  });

  it('amending the constitution is decided under the rules in force when it opened', () => {
    const c = threeMembers();
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'a',
        title: 'Admit by automatic',
        body: '',
        action: { kind: 'amend_constitution', rules: { admit_member: { type: 'automatic' } } },
      },
      'ada',
    );
    admit(c, 'dan', 'p3', hours(1));
    for (const who of ['ada', 'bob'])
      c.run({ type: 'TakePosition', proposalId: 'a', stance: 'agree', reason: '' }, who, hours(2));
    c.run({ type: 'TakePosition', proposalId: 'a', stance: 'disagree', reason: 'too open' }, 'cy', hours(2));
    const a = c.state().proposals.a;
    expect(a.status).toBe('passed');
    expect(a.outcome).toMatchObject({ ruleVersion: 1, counts: { agree: 2, disagree: 1, electorate: 3 } });
    expect(c.state().core.constitution).toMatchObject({ version: 2, adoptedBy: 'a' });
    expect(c.state().core.history).toHaveLength(1);
    // the admission opened under version 1 is still decided by consent
    expect(c.state().proposals.p3.procedure.type).toBe('consent');
    // a new one is automatic under version 2
    admit(c, 'eve', 'p4', hours(3));
    expect(c.state().proposals.p4).toMatchObject({ status: 'passed', ruleVersion: 2 });
  });

  it('refuses an amendment with an invalid rule, naming it', () => {
    const c = threeMembers();
    expect(() =>
      c.run(
        {
          type: 'SubmitProposal',
          proposalId: 'a',
          title: 'x',
          body: '',
          action: {
            kind: 'amend_constitution',
            rules: {
              resolution: {
                type: 'vote',
                hours: 1,
                threshold: { num: 3, den: 2 },
                strict: false,
                quorum: { num: 0, den: 1 },
                abstentions: 'ignored',
              },
            },
          },
        },
        'ada',
      ),
    ).toThrow(/rule for "resolution" is invalid: threshold/);
  });
});

describe('roles', () => {
  it('a role is created, assigned and recalled by proposals; its holder then decides alone', () => {
    const c = commons('do-ocracy');
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
    expect(c.state().core.roles.treasurer.holders[0]).toMatchObject({
      accountId: 'bob',
      until: hours(365 * 24),
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
    expect(c.state().core.roles.treasurer.holders).toEqual([]);
  });
});

describe('read models', () => {
  it('rebuild the same state from documents, without replaying history', () => {
    const c = commons();
    admit(c, 'bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: 'yes' }, 'ada');
    c.run({ type: 'PostComment', proposalId: 'p1', commentId: 'k1', text: 'Welcome!', replyTo: null }, 'bob');
    const docs = readModelChanges(c.state(), c.log);
    const by = (k: string) => docs.filter((d) => d.kind === k).map((d) => d.body);
    const rebuilt = stateFromDocs({
      core: by('commons')[0],
      proposals: by('proposal'),
      positions: by('position'),
      comments: by('comment'),
    });
    expect(rebuilt).toEqual(c.state());
  });
});

describe('text the stores can keep', () => {
  it('refuses NUL and unpaired surrogates, and counts length in code points', () => {
    const c = commons();
    const propose = (title: string) =>
      c.run(
        {
          type: 'SubmitProposal',
          proposalId: `p${title.length}`,
          title,
          body: '',
          action: { kind: 'resolution', text: 'x' },
        },
        'ada',
      );
    expect(() => propose('a\u0000b')).toThrow(/NUL or an unpaired surrogate/);
    expect(() => propose('a\uD800b')).toThrow(/NUL or an unpaired surrogate/);
    // 200 emoji are 400 UTF-16 units but 200 characters: within the title limit.
    expect(propose('😀'.repeat(200))).toContain('ProposalOpened');
    expect(() => propose('😀'.repeat(201))).toThrow(/longer than 200/);
  });
});
