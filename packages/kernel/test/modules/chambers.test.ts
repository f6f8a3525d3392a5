// Chambers (issue 11): each stakeholder class decides as its own chamber by its own rule; the proposal passes when
// it passes in every chamber and no class with a veto turns it down; optional weights add a weighted share.
import { describe, expect, it } from 'vitest';
import {
  decodeState,
  describeProcedure,
  encodeState,
  stateFromDocs,
  TEMPLATES,
  validateRules,
  type ChamberRule,
  type Command,
  type CommonsCore,
  type DomainEvent,
  type EventEnvelope,
  type Procedure,
  type Stance,
  type StakeholderClass,
} from '../../src/index';
import { at, Scenario, T0 } from '../scenario';
import { spec, stamped } from './spec';

const majority: ChamberRule = {
  type: 'vote',
  threshold: { num: 1, den: 2 },
  strict: true,
  quorum: { num: 1, den: 2 },
  abstentions: 'quorum_only',
};
const consentRule: ChamberRule = { type: 'consent' };

/** The co-operative's four classes, each a majority with a half quorum, the guardians with a veto. */
const chambers = (more: Partial<Extract<Procedure, { type: 'chambers' }>> = {}): Procedure => ({
  type: 'chambers',
  hours: 24,
  chambers: [
    { classId: 'workers', rule: majority },
    { classId: 'users', rule: majority },
    { classId: 'community', rule: consentRule },
    { classId: 'guardians', rule: majority, veto: true },
  ],
  ...more,
});

/**
 * A multi-stakeholder co-operative: ada and bob are workers, cy and dan users, fay is a worker and a user, eve
 * the community, gil and hal guardians. Resolutions are decided by `procedure`.
 */
function coop(procedure: Procedure, classes?: StakeholderClass[]): DomainEvent[] {
  const tpl = TEMPLATES['multi-stakeholder-coop'];
  const members: [string, string[]][] = [
    ['bob', ['workers']],
    ['cy', ['users']],
    ['dan', ['users']],
    ['fay', ['workers', 'users']],
    ['eve', ['community']],
    ['gil', ['guardians']],
    ['hal', ['guardians']],
  ];
  return [
    {
      type: 'CommonsCreated',
      data: {
        id: 'c1',
        name: 'Co-op',
        purpose: 'Grow and share',
        charter: '',
        template: 'multi-stakeholder-coop',
        classes: structuredClone(classes ?? tpl.classes),
        constitution: {
          version: 1,
          rules: { ...structuredClone(tpl.rules), resolution: procedure },
          adoptedAt: T0,
          adoptedBy: null,
        },
        founder: { accountId: 'ada', displayName: 'Ada', classes: ['workers'], status: 'member', since: T0 },
        roles: [],
      },
    },
    ...members.map(([m, cls]): DomainEvent => ({
      type: 'MemberAdmitted',
      data: { proposalId: 'seed', accountId: m, displayName: m, classes: cls },
    })),
  ];
}

const submit: Command = {
  type: 'SubmitProposal',
  proposalId: 'p1',
  title: 'Build on the meadow',
  body: '',
  action: { kind: 'resolution', text: 'We build the shed on the meadow' },
};
const close: Command = { type: 'CloseProposal', proposalId: 'p1' };

/** The co-operative with p1 open, then these positions (each by its member at T0 + 1h), and its closing after a day. */
function closeAfter(procedure: Procedure, positions: [string, Stance][], classes?: StakeholderClass[]) {
  const given = coop(procedure, classes);
  const opened = spec(given).when(submit).thenTypes(['ProposalOpened']);
  const history: (DomainEvent | EventEnvelope)[] = [...given, ...opened.events];
  for (const [who, stance] of positions)
    history.push(
      stamped(
        { type: 'PositionTaken', data: { proposalId: 'p1', accountId: who, stance, reason: '' } },
        at(1),
        who,
      ),
    );
  return { history, close: spec(history).when(close, 'ada', at(24)) };
}

type Decided = Extract<DomainEvent, { type: 'ProposalDecided' }>;
const outcomeOf = (events: DomainEvent[]) =>
  (events.find((e) => e.type === 'ProposalDecided') as Decided).data.outcome;
const chamber = (events: DomainEvent[], classId: string) =>
  outcomeOf(events).chambers!.chambers.find((c) => c.classId === classId)!;

const everyoneAgrees: [string, Stance][] = ['ada', 'bob', 'cy', 'dan', 'fay', 'eve', 'gil', 'hal'].map(
  (m) => [m, 'agree'],
);

describe('chambers of stakeholder classes', () => {
  it('given every chamber agrees, when the proposal closes, then it passes in each and its resolution is adopted', () => {
    const { close: c } = closeAfter(chambers(), everyoneAgrees.slice(0, 7));
    const { events } = c.thenTypes(['ProposalDecided', 'ResolutionAdopted']);
    const outcome = outcomeOf(events);
    expect(outcome.passed).toBe(true);
    expect(outcome.reasons.map((r) => r.code)).toEqual(['chambers_passed']);
    expect(outcome.chambers!.chambers.map((x) => [x.classId, x.passed])).toEqual([
      ['workers', true],
      ['users', true],
      ['community', true],
      ['guardians', true],
    ]);
    expect(chamber(events, 'guardians').counts).toEqual({
      agree: 1,
      abstain: 0,
      disagree: 0,
      block: 0,
      electorate: 2,
      participants: 1,
    });
    expect(outcome.chambers!.weighted).toBeNull();
  });

  it('given everyone has taken a position, when the last one comes in, then it is decided at once', () => {
    const given = coop(chambers());
    const opened = spec(given).when(submit).thenTypes(['ProposalOpened']);
    const history: (DomainEvent | EventEnvelope)[] = [...given, ...opened.events];
    for (const [who, stance] of everyoneAgrees.slice(0, 7))
      history.push(
        stamped(
          { type: 'PositionTaken', data: { proposalId: 'p1', accountId: who, stance, reason: '' } },
          at(1),
          who,
        ),
      );
    spec(history)
      .when({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'hal', at(2))
      .thenTypes(['PositionTaken', 'ProposalDecided', 'ResolutionAdopted']);
  });

  it('given the users disagree, when it closes, then it fails in that chamber only, and says why', () => {
    const { close: c } = closeAfter(chambers(), [
      ['ada', 'agree'],
      ['bob', 'agree'],
      ['cy', 'disagree'],
      ['dan', 'disagree'],
      ['eve', 'agree'],
      ['gil', 'agree'],
    ]);
    const { events } = c.thenTypes(['ProposalDecided']);
    const outcome = outcomeOf(events);
    expect(outcome.passed).toBe(false);
    expect(outcome.reasons).toEqual([
      expect.objectContaining({ code: 'chamber_failed', params: { chamber: 'users' } }),
    ]);
    expect(outcome.reasons[0]!.text).toMatch(/did not pass in Users: 0 agreed and 2 did not/);
    const users = chamber(events, 'users');
    expect(users).toMatchObject({ passed: false, vetoed: false });
    expect(users.counts).toMatchObject({ electorate: 3, agree: 0, disagree: 2, participants: 2 });
    expect(users.reasons.map((r) => r.code)).toEqual(['threshold_not_met']);
    expect(chamber(events, 'workers').passed).toBe(true);
    // The whole electorate's counts are there too.
    expect(outcome.counts).toMatchObject({ agree: 4, disagree: 2, electorate: 8, participants: 6 });
  });

  it('given a community member objects, when it closes, then consent is not given in the community chamber', () => {
    const { close: c } = closeAfter(chambers(), [
      ...everyoneAgrees.filter(([m]) => m !== 'eve'),
      ['eve', 'block'],
    ]);
    const { events } = c.thenTypes(['ProposalDecided']);
    expect(chamber(events, 'community')).toMatchObject({
      passed: false,
      reasons: [expect.objectContaining({ code: 'objection_stands', params: { objections: 1 } })],
    });
  });

  it('given the guardians disagree by a majority, when it closes, then they veto it although every other chamber agreed', () => {
    const { close: c } = closeAfter(chambers(), [
      ...everyoneAgrees.filter(([m]) => m !== 'gil' && m !== 'hal'),
      ['gil', 'block'],
      ['hal', 'disagree'],
    ]);
    const { events } = c.thenTypes(['ProposalDecided']);
    const outcome = outcomeOf(events);
    expect(outcome.passed).toBe(false);
    const guardians = chamber(events, 'guardians');
    expect(guardians).toMatchObject({ vetoed: true, passed: false });
    expect(guardians.reasons.find((r) => r.code === 'vetoed')).toMatchObject({
      params: { chamber: 'guardians', against: 2, cast: 2 },
    });
    expect(outcome.reasons.map((r) => r.code)).toEqual(['chamber_failed', 'vetoed']);
  });

  it('given a veto class whose chamber passes by a quorum but half its votes are against, then no veto (a majority is needed)', () => {
    // A chamber with a 1/2 non-strict threshold passes 1 to 1; the veto needs more than half against.
    const even: ChamberRule = { ...majority, strict: false } as ChamberRule;
    const p = chambers();
    const procedure = {
      ...p,
      chambers: (p as Extract<Procedure, { type: 'chambers' }>).chambers.map((c) =>
        c.classId === 'guardians' ? { ...c, rule: even } : c,
      ),
    } as Procedure;
    const { close: c } = closeAfter(procedure, [
      ...everyoneAgrees.filter(([m]) => m !== 'hal'),
      ['hal', 'disagree'],
    ]);
    const { events } = c.thenTypes(['ProposalDecided', 'ResolutionAdopted']);
    expect(chamber(events, 'guardians')).toMatchObject({ vetoed: false, passed: true });
  });

  it('given only one of three users takes part, when it closes, then the quorum is not met in the users chamber', () => {
    const { close: c } = closeAfter(chambers(), [
      ['ada', 'agree'],
      ['bob', 'agree'],
      ['cy', 'agree'],
      ['eve', 'agree'],
      ['gil', 'agree'],
    ]);
    const { events } = c.thenTypes(['ProposalDecided']);
    const users = chamber(events, 'users');
    expect(users.passed).toBe(false);
    expect(users.reasons[0]).toMatchObject({
      code: 'quorum_not_met',
      params: { turnout: 1, electorate: 3, quorum: '1/2' },
    });
    expect(outcomeOf(events).reasons[0]).toMatchObject({
      code: 'chamber_failed',
      params: { chamber: 'users' },
    });
  });

  it('given a member in two classes, then their position counts in both chambers', () => {
    const { close: c } = closeAfter(chambers(), [['fay', 'disagree']]);
    const { events } = c.thenTypes(['ProposalDecided']);
    expect(chamber(events, 'workers').counts).toMatchObject({ disagree: 1, electorate: 3, participants: 1 });
    expect(chamber(events, 'users').counts).toMatchObject({ disagree: 1, electorate: 3, participants: 1 });
    expect(outcomeOf(events).counts).toMatchObject({ disagree: 1, participants: 1 });
  });

  it('given weights, then the weighted share of agree is reported and must be reached too', () => {
    const weighted = (num: number, den: number) =>
      ({
        type: 'chambers',
        hours: 24,
        chambers: [
          { classId: 'workers', rule: consentRule, weight: 3 },
          { classId: 'users', rule: consentRule, weight: 1 },
          { classId: 'community', rule: consentRule, weight: 1 },
          { classId: 'guardians', rule: consentRule, weight: 1 },
        ],
        weighted: { threshold: { num, den }, strict: false },
      }) as Procedure;
    // Workers all agree (share 1 × 3), users 1 of 3 against (2/3 × 1), community agrees (1), guardians 1 of 2 (1/2).
    const positions: [string, Stance][] = [
      ['ada', 'agree'],
      ['bob', 'agree'],
      ['fay', 'agree'],
      ['cy', 'agree'],
      ['dan', 'disagree'],
      ['eve', 'agree'],
      ['gil', 'agree'],
      ['hal', 'disagree'],
    ];
    // fay is a worker and a user: users are fay, cy agree and dan against, 2/3. (3 + 2/3 + 1 + 1/2) / 6 = 31/36.
    const passes = closeAfter(weighted(5, 6), positions).close.thenTypes([
      'ProposalDecided',
      'ResolutionAdopted',
    ]);
    expect(outcomeOf(passes.events).chambers!.weighted).toEqual({
      share: '31/36',
      approx: '0.8611',
      threshold: '5/6',
      met: true,
    });
    expect(outcomeOf(passes.events).reasons.map((r) => r.code)).toEqual(['chambers_passed', 'weighted_met']);
    const fails = closeAfter(weighted(7, 8), positions).close.thenTypes(['ProposalDecided']);
    const outcome = outcomeOf(fails.events);
    expect(outcome.passed).toBe(false);
    expect(outcome.chambers!.chambers.every((x) => x.passed)).toBe(true);
    expect(outcome.reasons.find((r) => r.code === 'weighted_not_met')).toMatchObject({
      params: { share: '31/36', threshold: '7/8' },
    });
    expect(outcome.chambers!.chambers.map((x) => x.weight)).toEqual([3, 1, 1, 1]);
  });

  it('given a class without members, then its chamber has no say and says so', () => {
    const classes = [
      ...TEMPLATES['multi-stakeholder-coop'].classes,
      { id: 'future', name: 'Future generations', description: '', speaksFor: null },
    ];
    const procedure = {
      type: 'chambers',
      hours: 24,
      chambers: [
        ...(chambers() as Extract<Procedure, { type: 'chambers' }>).chambers,
        { classId: 'future', rule: majority, veto: true },
      ],
    } as Procedure;
    const { close: c } = closeAfter(procedure, everyoneAgrees, classes);
    const { events } = c.thenTypes(['ProposalDecided', 'ResolutionAdopted']);
    expect(chamber(events, 'future')).toMatchObject({
      passed: true,
      vetoed: false,
      counts: { electorate: 0 },
      reasons: [expect.objectContaining({ code: 'chamber_empty' })],
    });
  });

  it('given hostile class ids, then they are counted like any other and nothing reaches Object.prototype', () => {
    const hostile: StakeholderClass[] = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'].map(
      (id) => ({
        id,
        name: id,
        description: '',
        speaksFor: null,
      }),
    );
    const given: DomainEvent[] = [
      {
        type: 'CommonsCreated',
        data: {
          id: 'c1',
          name: 'Hostile',
          purpose: '',
          charter: '',
          template: 'multi-stakeholder-coop',
          classes: hostile,
          constitution: {
            version: 1,
            rules: {
              ...structuredClone(TEMPLATES['multi-stakeholder-coop'].rules),
              resolution: {
                type: 'chambers',
                hours: 24,
                chambers: hostile.map((c, i) => ({
                  classId: c.id,
                  rule: majority,
                  weight: i + 1,
                  veto: i === 0,
                })),
                weighted: { threshold: { num: 1, den: 2 }, strict: true },
              },
            },
            adoptedAt: T0,
            adoptedBy: null,
          },
          founder: {
            accountId: 'ada',
            displayName: 'Ada',
            classes: ['__proto__', 'constructor'],
            status: 'member',
            since: T0,
          },
          roles: [],
        },
      },
      {
        type: 'MemberAdmitted',
        data: { proposalId: 'seed', accountId: 'bob', displayName: 'bob', classes: ['toString'] },
      },
      {
        type: 'MemberAdmitted',
        data: {
          proposalId: 'seed',
          accountId: 'cy',
          displayName: 'cy',
          classes: ['hasOwnProperty', '__proto__'],
        },
      },
    ];
    const opened = spec(given).when(submit).thenTypes(['ProposalOpened']);
    const history: (DomainEvent | EventEnvelope)[] = [...given, ...opened.events];
    history.push(
      stamped(
        { type: 'PositionTaken', data: { proposalId: 'p1', accountId: 'ada', stance: 'agree', reason: '' } },
        at(1),
        'ada',
      ),
      stamped(
        { type: 'PositionTaken', data: { proposalId: 'p1', accountId: 'bob', stance: 'agree', reason: '' } },
        at(1),
        'bob',
      ),
    );
    const { events } = spec(history)
      .when({ type: 'TakePosition', proposalId: 'p1', stance: 'disagree', reason: '' }, 'cy', at(2))
      .thenTypes(['PositionTaken', 'ProposalDecided']);
    const outcome = outcomeOf(events);
    // __proto__: ada agrees, cy disagrees: not a majority, and not a veto (1 of 2 against).
    expect(chamber(events, '__proto__')).toMatchObject({
      passed: false,
      vetoed: false,
      counts: { agree: 1, disagree: 1, electorate: 2 },
    });
    expect(chamber(events, 'constructor').counts).toMatchObject({ agree: 1, electorate: 1 });
    expect(chamber(events, 'toString').counts).toMatchObject({ agree: 1, electorate: 1 });
    expect(chamber(events, 'hasOwnProperty').counts).toMatchObject({ disagree: 1, electorate: 1 });
    // (1/2 × 1 + 1 × 2 + 1 × 3 + 0 × 4) / 10 = 11/20.
    expect(outcome.chambers!.weighted).toMatchObject({ share: '11/20', met: true });
    expect(outcome.passed).toBe(false);
    expect(({} as Record<string, unknown>).agree).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('yes');
  });
});

describe('a chambers outcome is kept', () => {
  it('in a snapshot and in the read-model documents, as it was decided', () => {
    const c = new Scenario(coop(chambers()));
    c.run(submit, 'ada');
    for (const who of ['ada', 'bob', 'dan', 'fay', 'eve', 'gil']) {
      c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, who, at(1));
    }
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'disagree', reason: '' }, 'cy', at(1));
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'block', reason: '' }, 'hal', at(1));
    const outcome = c.proposal('p1').outcome!;
    // Users: fay and dan agree, cy disagrees; guardians: gil agrees, hal blocks (1 of 2, no veto, not a majority).
    expect(outcome.chambers!.chambers.map((x) => [x.classId, x.passed, x.vetoed])).toEqual([
      ['workers', true, false],
      ['users', true, false],
      ['community', true, false],
      ['guardians', false, false],
    ]);
    expect(decodeState(encodeState(c.s)).proposals.p1!.outcome).toEqual(outcome);
    const docs = [...c.docs.values()];
    const rebuilt = stateFromDocs({
      core: docs.find((d) => d.kind === 'commons')!.body,
      members: docs.filter((d) => d.kind === 'member').map((d) => d.body),
      proposals: docs.filter((d) => d.kind === 'proposal').map((d) => d.body),
      positions: docs.filter((d) => d.kind === 'position').map((d) => d.body),
      comments: docs.filter((d) => d.kind === 'comment').map((d) => d.body),
    });
    expect(rebuilt.proposals.p1!.outcome).toEqual(outcome);
  });
});

describe('a chambers rule is checked against the commons', () => {
  const core = (): CommonsCore => spec(coop({ type: 'consent', hours: 24 })).state!.core;
  const amend = (rule: unknown): Command => ({
    type: 'SubmitProposal',
    proposalId: 'a1',
    title: 'Chambers for the charter',
    body: '',
    action: { kind: 'amend_constitution', rules: { adopt_charter: rule as Procedure } },
  });
  const given = () => coop({ type: 'consent', hours: 24 });

  it('given a valid chambers rule, when amending, then the amendment opens with the rule normalised', () => {
    const { events } = spec(given()).when(amend(chambers())).thenTypes(['ProposalOpened']);
    expect(events[0]).toMatchObject({
      data: { action: { rules: { adopt_charter: chambers() } } },
    });
  });

  it.each([
    [
      'an unknown class',
      {
        ...chambers(),
        chambers: [
          ...(chambers() as { chambers: unknown[] }).chambers,
          { classId: 'robots', rule: consentRule },
        ],
      },
      /no stakeholder class "robots" in this commons/,
    ],
    [
      'a chamber missing for a class',
      { ...chambers(), chambers: (chambers() as { chambers: unknown[] }).chambers.slice(0, 3) },
      /every stakeholder class needs a chamber: "guardians" has none/,
    ],
    [
      'a class with two chambers',
      {
        ...chambers(),
        chambers: [
          ...(chambers() as { chambers: unknown[] }).chambers,
          { classId: 'users', rule: consentRule },
        ],
      },
      /the class "users" has two chambers/,
    ],
    [
      'a weight that is not positive',
      {
        ...chambers(),
        weighted: { threshold: { num: 1, den: 2 }, strict: true },
        chambers: (chambers() as { chambers: object[] }).chambers.map((c) => ({ ...c, weight: 0 })),
      },
      /the weight of "workers" must be a positive whole number/,
    ],
    [
      'weights without a weighted threshold',
      {
        ...chambers(),
        chambers: (chambers() as { chambers: object[] }).chambers.map((c) => ({ ...c, weight: 2 })),
      },
      /weights need a weighted threshold/,
    ],
    ['no chambers', { type: 'chambers', hours: 24, chambers: [] }, /at least one chamber/],
    [
      'a bad chamber rule',
      {
        ...chambers(),
        chambers: [{ classId: 'workers', rule: { ...majority, threshold: { num: 0, den: 2 } } }],
      },
      /the chamber of "workers": threshold must be a fraction above 0/,
    ],
    [
      'a rule type chambers cannot hold',
      { ...chambers(), chambers: [{ classId: 'workers', rule: { type: 'poll' } }] },
      /rule must be a vote, consent or consensus/,
    ],
    [
      'a hostile class id',
      {
        ...chambers(),
        chambers: [
          ...(chambers() as { chambers: unknown[] }).chambers,
          { classId: '__proto__', rule: consentRule },
        ],
      },
      /no stakeholder class "__proto__"/,
    ],
  ])('given %s, when amending, then it is refused and says what is wrong', (_what, rule, message) => {
    spec(given()).when(amend(rule)).thenRefuses('invalid_procedure', message);
  });

  it('validateRules without a commons checks the shape only; with one, its classes', () => {
    const rule = { ...chambers(), chambers: [{ classId: 'robots', rule: consentRule }] } as Procedure;
    expect(() => validateRules({ resolution: rule })).not.toThrow();
    expect(() => validateRules({ resolution: rule }, core())).toThrow(/no stakeholder class "robots"/);
  });

  it('describes the rule in plain words, chamber by chamber', () => {
    expect(describeProcedure(chambers())).toBe(
      'Each stakeholder class votes as its own chamber over 24 hours; it passes only if it passes in every chamber: ' +
        'in workers, more than half of its votes agree, with at least half of its members taking part; ' +
        'in users, more than half of its votes agree, with at least half of its members taking part; ' +
        'in community, none of its members objects; ' +
        'in guardians, more than half of its votes agree, with at least half of its members taking part; its members can veto by a majority against.',
    );
  });

  it('names the classes by their names in the commons', () => {
    expect(describeProcedure(chambers(), core())).toMatch(
      /^Each stakeholder class .*: in Workers, .*; in Users, .*; in Local community, none of its members objects; in Guardians of the natural environment, .*veto by a majority against\.$/,
    );
  });
});
