// Polls (issue 11): a proposal with a question of several options, decided by the poll procedure's method, ballots
// checked per method, the outcome carrying the winner and the method's explanation.
import { describe, expect, it } from 'vitest';
import {
  describeProcedure,
  DomainError,
  readModelDocs,
  replay,
  validateRules,
  type Command,
  type DomainEvent,
  type EventEnvelope,
  type PollMethod,
  type Procedure,
  type QuestionInput,
} from '../../src/index';
import { at, foundingEvents, Scenario } from '../scenario';
import { spec } from './spec';

const poll = (method: PollMethod, more: Partial<Procedure> = {}): Procedure =>
  ({ type: 'poll', hours: 24, method, ...more }) as Procedure;
const question: QuestionInput = {
  options: [
    { id: 'oak', label: 'Plant an oak' },
    { id: 'pond', label: 'Dig a pond' },
    { id: '__proto__', label: 'A hostile id' },
    { id: 'none', label: 'None of these', statusQuo: true },
  ],
};
const submit = (q: unknown = question, id = 'p1'): Command =>
  ({
    type: 'SubmitProposal',
    proposalId: id,
    title: 'What to do with the corner',
    body: '',
    action: { kind: 'resolution', text: 'The corner of the garden' },
    question: q,
  }) as Command;
const cast = (ballot: unknown, proposalId = 'p1'): Command => ({
  type: 'CastBallot',
  proposalId,
  ballot,
  reason: '',
});
const close: Command = { type: 'CloseProposal', proposalId: 'p1' };

/** Ada, Bob and Cy under a poll rule for resolutions, with p1 opened by Ada at T0. */
function withPoll(procedure: Procedure) {
  const given = foundingEvents({ rules: { resolution: procedure }, members: ['bob', 'cy'] });
  const opened = spec(given).when(submit()).thenTypes(['ProposalOpened']);
  return [...given, ...opened.events];
}

describe('SubmitProposal under a poll', () => {
  it('given a poll rule, when a member proposes with options, then ProposalOpened carries the question', () => {
    const given = foundingEvents({ rules: { resolution: poll('irv') }, members: ['bob'] });
    const { events, state } = spec(given).when(submit()).thenTypes(['ProposalOpened']);
    expect(events[0]).toMatchObject({
      data: {
        procedure: poll('irv'),
        question: {
          options: [{ id: 'oak', statusQuo: false }, {}, { id: '__proto__' }, { statusQuo: true }],
        },
        closesAt: at(24),
      },
    });
    expect(state.proposals.p1?.question?.options).toHaveLength(4);
  });

  it('refuses a poll without a question, with one option, twice the same id, two status quos, a reserved id', () => {
    const s = spec(foundingEvents({ rules: { resolution: poll('approval') } }));
    s.when({ ...(submit() as object), question: undefined } as Command).thenRefuses(
      'invalid_question',
      /needs a question/,
    );
    s.when(submit({ options: [{ id: 'a', label: 'A' }] })).thenRefuses('invalid_question', /from 2 to 20/);
    s.when(
      submit({
        options: [
          { id: 'a', label: 'A' },
          { id: 'a', label: 'B' },
        ],
      }),
    ).thenRefuses('invalid_question', /Two options have the id "a"/);
    s.when(
      submit({
        options: [
          { id: 'a', label: 'A', statusQuo: true },
          { id: 'b', label: 'B', statusQuo: true },
        ],
      }),
    ).thenRefuses('invalid_question', /At most one option/);
    s.when(
      submit({
        options: [
          { id: 'exhausted', label: 'A' },
          { id: 'b', label: 'B' },
        ],
      }),
    ).thenRefuses('invalid_question', /ranked-choice count uses itself/);
    s.when(
      submit({
        options: [
          { id: 'a b', label: 'A' },
          { id: 'b', label: ' ' },
        ],
      }),
    ).thenRefuses('invalid_question', /its id must be/);
  });

  it('refuses a question where the rule answers yes or no', () => {
    spec(foundingEvents())
      .when(submit())
      .thenRefuses('invalid_question', /only a poll has options/);
  });
});

describe('CastBallot', () => {
  it('refuses a ballot on a yes/no proposal, and a position on a poll', () => {
    const given = foundingEvents({ members: ['bob'] });
    const opened = spec(given)
      .when({ ...(submit() as object), question: undefined } as Command)
      .thenTypes(['ProposalOpened']);
    spec([...given, ...opened.events])
      .when(cast({ ranking: [] }))
      .thenRefuses('not_a_poll');
    spec(withPoll(poll('irv')))
      .when({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' })
      .thenRefuses('poll_needs_ballot');
  });

  it('refuses the ballots each method forbids, with what is wrong', () => {
    const ranked = spec(withPoll(poll('irv')));
    ranked.when(cast({ ranking: ['oak', 'oak'] })).thenRefuses('invalid_ballot', /ranks "oak" twice/);
    ranked.when(cast({ ranking: ['elm'] })).thenRefuses('invalid_ballot', /no option "elm"/);
    ranked.when(cast({ approve: ['oak'] })).thenRefuses('invalid_ballot', /counted by irv.*ranking/);
    ranked.when(cast({ ranking: ['constructor'] })).thenRefuses('invalid_ballot', /no option "constructor"/);
    const approval = spec(withPoll(poll('approval')));
    approval.when(cast({ approve: ['pond', 'pond'] })).thenRefuses('invalid_ballot', /approves "pond" twice/);
    const score = spec(withPoll(poll('score', { min: 0, max: 5 })));
    score
      .when(cast({ values: [{ option: 'oak', value: 6 }] }))
      .thenRefuses('invalid_ballot', /score for "oak" is 6; scores go from 0 to 5/);
    score
      .when(cast({ values: [{ option: 'oak', value: 1.5 }] }))
      .thenRefuses('invalid_ballot', /whole number/);
    const dots = spec(withPoll(poll('dots', { points: 5 })));
    dots
      .when(
        cast({
          values: [
            { option: 'oak', value: 3 },
            { option: '__proto__', value: 3 },
          ],
        }),
      )
      .thenRefuses('invalid_ballot', /spends 6 points, more than the 5/);
    const quadratic = spec(withPoll(poll('quadratic', { credits: 8 })));
    quadratic
      .when(
        cast({
          values: [
            { option: 'oak', value: 2 },
            { option: 'pond', value: -2 },
            { option: 'none', value: 1 },
          ],
        }),
      )
      .thenRefuses('invalid_ballot', /costs 9 voice credits .* more than the 8/);
    quadratic
      .when(
        cast({
          values: [
            { option: 'oak', value: 3 },
            { option: 'pond', value: 1 },
          ],
        }),
      )
      .thenRefuses('invalid_ballot', /costs 10 voice credits/);
  });

  it('given a poll, when a member votes, then BallotCast; a second ballot replaces the first', () => {
    const s = spec(withPoll(poll('approval')));
    const first = s.when(cast({ approve: ['__proto__', 'oak'] }), 'bob').then([
      {
        type: 'BallotCast',
        data: { proposalId: 'p1', accountId: 'bob', ballot: { approve: ['__proto__', 'oak'] }, reason: '' },
      },
    ]);
    expect(first.state.positions.p1?.bob).toMatchObject({
      stance: 'agree',
      ballot: { approve: ['__proto__', 'oak'] },
    });
    expect(first.state.proposals.p1?.counts).toMatchObject({ agree: 1, participants: 1 });
    const again = spec([...withPoll(poll('approval')), ...first.events]).when(cast({ approve: [] }), 'bob');
    const replaced = again.thenTypes(['BallotCast']);
    expect(replaced.state.proposals.p1?.counts).toMatchObject({ agree: 0, abstain: 1, participants: 1 });
    expect(replaced.state.proposals.p1?.positionCount).toBe(1);
  });
});

/** Runs a poll to its end: each ballot by its voter, then the close at its closing time; the decision's events. */
function decideWith(procedure: Procedure, ballots: [string, unknown][]): DomainEvent[] {
  const s = new Scenario(foundingEvents({ rules: { resolution: procedure }, members: ['bob', 'cy', 'dee'] }));
  s.run(submit(), 'ada', at(0));
  for (const [who, ballot] of ballots) s.run(cast(ballot), who, at(1));
  return ballots.length === 4 ? s.log.slice(-2) : s.run(close, null, at(24));
}

const decision = (events: DomainEvent[]) => {
  const d = events.find((e) => e.type === 'ProposalDecided');
  if (d?.type !== 'ProposalDecided') throw new Error('no decision');
  return d.data.outcome;
};

describe('the decision of a poll', () => {
  it('ranked choice by IRV: rounds with eliminations and transfers, the winner carried out', () => {
    const events = decideWith(poll('irv'), [
      ['ada', { ranking: ['oak', 'pond'] }],
      ['bob', { ranking: ['pond', 'oak'] }],
      ['cy', { ranking: ['__proto__', 'pond'] }],
    ]);
    const o = decision(events);
    expect(o.passed).toBe(true);
    expect(o.poll?.winners).toEqual(['pond']);
    // Round 1: oak, pond and __proto__ 1 each, none 0 (out); round 2: oak and __proto__ tie, and the one listed
    // later goes out (RCTab's useCandidateOrder); round 3: pond 2 of 3.
    expect(o.poll?.rounds.map((r) => r.eliminated)).toEqual([['none'], ['__proto__'], []]);
    expect(o.poll?.rounds[2]?.elected).toEqual(['pond']);
    expect(o.poll?.rounds[0]?.tally).toContainEqual({ option: '__proto__', votes: '1' });
    expect(o.poll?.rounds.flatMap((r) => r.transfers)).toContainEqual({
      from: '__proto__',
      to: 'pond',
      votes: '1',
    });
    expect(o.reasons[0]).toMatchObject({ code: 'poll_won', params: { option: 'pond' } });
    expect(events.map((e) => e.type)).toContain('ResolutionAdopted');
  });

  it('Schulze: the pairwise matrix in the options order', () => {
    const o = decision(
      decideWith(poll('schulze'), [
        ['ada', { ranking: ['oak', 'pond', 'none'] }],
        ['bob', { ranking: ['pond', 'oak'] }],
        ['cy', { ranking: ['oak', '__proto__'] }],
      ]),
    );
    expect(o.poll?.winners).toEqual(['oak']);
    // oak over pond: Ada and Cy; pond over oak: Bob.
    expect(o.poll?.pairwise[0]?.[1]).toBe(2);
    expect(o.poll?.pairwise[1]?.[0]).toBe(1);
    expect(o.poll?.pairwise[2]?.[3]).toBe(1);
    expect(o.poll?.explanation.join('\n')).toMatch(/Schulze method/);
  });

  it('the status quo winning passes nothing; a tie passes nothing', () => {
    const sq = decision(
      decideWith(poll('approval'), [
        ['ada', { approve: ['none'] }],
        ['bob', { approve: ['none', 'oak'] }],
      ]),
    );
    expect(sq).toMatchObject({ passed: false, reasons: [{ code: 'poll_status_quo' }] });
    expect(sq.poll?.totals[0]).toEqual({ option: 'none', total: '2' });
    const tie = decision(
      decideWith(poll('score', { min: 0, max: 5 }), [
        ['ada', { values: [{ option: 'oak', value: 5 }] }],
        ['bob', { values: [{ option: '__proto__', value: 5 }] }],
      ]),
    );
    expect(tie).toMatchObject({ passed: false, reasons: [{ code: 'poll_tied' }] });
    expect(tie.poll?.winners).toEqual(['oak', '__proto__']);
  });

  it('an option called __proto__ is counted like any other, and nothing reaches Object.prototype', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const o = decision(
      decideWith(poll('score', { min: 0, max: 5 }), [
        [
          'ada',
          {
            values: [
              { option: '__proto__', value: 5 },
              { option: 'oak', value: 1 },
            ],
          },
        ],
        ['bob', { values: [{ option: '__proto__', value: 4 }] }],
      ]),
    );
    expect(o.poll?.winners).toEqual(['__proto__']);
    expect(o.poll?.totals[0]).toEqual({ option: '__proto__', total: '9' });
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).oak).toBeUndefined();
  });

  it('dots and quadratic: totals of points and net votes', () => {
    const dots = decision(
      decideWith(poll('dots', { points: 10 }), [
        ['ada', { values: [{ option: 'pond', value: 10 }] }],
        [
          'bob',
          {
            values: [
              { option: 'oak', value: 6 },
              { option: 'pond', value: 4 },
            ],
          },
        ],
      ]),
    );
    expect(dots.poll?.winners).toEqual(['pond']);
    expect(dots.poll?.totals.find((t) => t.option === 'pond')?.total).toBe('14');
    const qv = decision(
      decideWith(poll('quadratic', { credits: 25 }), [
        ['ada', { values: [{ option: 'oak', value: 5 }] }],
        [
          'bob',
          {
            values: [
              { option: 'oak', value: -3 },
              { option: 'pond', value: 4 },
            ],
          },
        ],
      ]),
    );
    expect(qv.poll?.totals.slice(0, 2)).toEqual([
      { option: 'pond', total: '4' },
      { option: 'oak', total: '2' },
    ]);
    expect(qv.passed).toBe(true);
  });

  it('is decided as soon as the whole electorate has voted', () => {
    const events = decideWith(poll('approval'), [
      ['ada', { approve: ['oak'] }],
      ['bob', { approve: ['oak'] }],
      ['cy', { approve: [] }],
      ['dee', { approve: ['pond'] }],
    ]);
    expect(decision(events)).toMatchObject({ passed: true, participants: ['ada', 'bob', 'cy', 'dee'] });
  });

  it('no ballot: nothing passes', () => {
    expect(decision(decideWith(poll('irv'), []))).toMatchObject({
      passed: false,
      reasons: [{ code: 'poll_no_ballots' }],
    });
  });

  it('replays from its stored (JSON) log, and its read models rebuild the same state', () => {
    const s = new Scenario(foundingEvents({ rules: { resolution: poll('irv') }, members: ['bob'] }));
    s.run(submit(), 'ada', at(0));
    s.run(cast({ ranking: ['__proto__', 'oak'] }), 'bob', at(1));
    s.run(cast({ ranking: ['pond'] }), 'ada', at(2));
    const docs = readModelDocs(s.s);
    expect(docs.find((d) => d.id === 'p1/bob')?.body).toMatchObject({
      ballot: { ranking: ['__proto__', 'oak'] },
    });
    const stored = JSON.parse(JSON.stringify(s.log)) as EventEnvelope[];
    expect(JSON.stringify(replay(stored))).toBe(JSON.stringify(s.s));
    expect(s.rebuilt().positions).toEqual(s.s.positions);
    expect(s.s.proposals.p1).toMatchObject({ status: 'passed', outcome: { poll: { winners: ['pond'] } } });
  });
});

describe('the constitution and a poll rule', () => {
  it('a poll can decide resolutions only, and its parameters must fit its method', () => {
    expect(() => validateRules({ resolution: poll('approval') })).not.toThrow();
    const wrong = (rules: Record<string, unknown>, message: RegExp) => {
      try {
        validateRules(rules as never);
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        expect((e as DomainError).code).toBe('invalid_procedure');
        expect((e as Error).message).toMatch(message);
      }
    };
    wrong({ admit_member: poll('approval') }, /a poll can decide only "resolution", not "admit_member"/);
    wrong({ resolution: poll('score') }, /needs min and max/);
    wrong({ resolution: poll('score', { min: 3, max: 3 }) }, /min below max/);
    wrong({ resolution: poll('dots') }, /needs points/);
    wrong({ resolution: poll('quadratic', { credits: 0 }) }, /needs credits/);
    wrong({ resolution: { type: 'poll', hours: 24, method: 'borda' } }, /method must be one of/);
  });

  it('describes itself in plain words', () => {
    expect(describeProcedure(poll('irv'))).toMatch(/instant-runoff count \(RCTab rules\)/);
    expect(describeProcedure(poll('score', { min: 0, max: 5 }))).toMatch(/scores the options from 0 to 5/);
  });
});
