// Elections to roles (issue 11): nominations (any member, themselves too), acceptance by the nominee, a ranked
// ballot on the accepted candidates once nominations close, and the count whose elected become the role's holders
// for its term; and a Glasgow 2007 ward cast through a commons, electing the councillors Droop's reference elects.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBlt, scottishStv } from '@peergov/methods/ranked';
import {
  decodeState,
  describeProcedure,
  encodeState,
  readModelDocs,
  replay,
  validateRules,
  type Command,
  type ElectionMethod,
  type Procedure,
} from '../../src/index';
import { fixture } from '../../../methods/test/fixtures';
import { at, foundingEvents, Scenario } from '../scenario';
import { spec } from './spec';

const election = (method: ElectionMethod = 'stv', nominationHours = 24, hours = 24): Procedure => ({
  type: 'election',
  nominationHours,
  hours,
  method,
});
const board = {
  id: 'board',
  name: 'Board',
  description: 'Runs the garden',
  mandate: [],
  termDays: 365,
  holders: [['old', null]] as [string, string | null][],
};
const submit = (seats = 2, id = 'e1', roleId = 'board'): Command => ({
  type: 'SubmitProposal',
  proposalId: id,
  title: 'Elect the board',
  body: '',
  action: { kind: 'elect_role', roleId, seats },
});
const nominate = (accountId: string, proposalId = 'e1'): Command => ({
  type: 'NominateCandidate',
  proposalId,
  accountId,
});
const accept: Command = { type: 'AcceptNomination', proposalId: 'e1' };
const decline: Command = { type: 'DeclineNomination', proposalId: 'e1' };
const cast = (ranking: unknown, proposalId = 'e1'): Command => ({
  type: 'CastBallot',
  proposalId,
  ballot: { ranking },
  reason: '',
});

const PEOPLE = ['bob', 'cy', 'dee', '__proto__', 'old'];
const given = (procedure = election()) =>
  foundingEvents({ rules: { elect_role: procedure }, members: PEOPLE, roles: [board] });

/** An election e1 for `seats` seats opened by Ada at T0, the given nominations accepted. */
function withCandidates(stand: string[], procedure = election(), seats = 2): Scenario {
  const c = new Scenario(given(procedure));
  c.run(submit(seats), 'ada');
  for (const who of stand) c.run(nominate(who), who);
  return c;
}

describe('SubmitProposal elect_role', () => {
  it('given an election rule, when a member proposes an election, then it opens with nominations until the nomination period ends', () => {
    const { events, state } = spec(given()).when(submit()).thenTypes(['ProposalOpened']);
    expect(events[0]).toMatchObject({ data: { procedure: election(), closesAt: at(48) } });
    expect(state.proposals.e1?.election).toEqual({
      nominationsCloseAt: at(24),
      ballotOpenedAt: null,
      candidates: [],
    });
  });

  it('refuses an election under a rule that is not one, more seats than the method fills, an unknown role', () => {
    spec(foundingEvents({ rules: { elect_role: { type: 'consent', hours: 24 } }, roles: [board] }))
      .when(submit())
      .thenRefuses('invalid_procedure', /only an election can fill a role's seats/);
    spec(given(election('schulze')))
      .when(submit(2))
      .thenRefuses('invalid_action', /fills one seat/);
    spec(given(election('irv')))
      .when(submit(3))
      .thenRefuses('invalid_action', /need STV/);
    spec(given())
      .when(submit(1, 'e1', '__proto__'))
      .thenRefuses('role_not_found');
    spec(given())
      .when({ ...submit(), action: { kind: 'elect_role', roleId: 'board', seats: 0 } } as Command)
      .thenRefuses('invalid_action', /from 1 to 20 seats/);
  });

  it('an election decides only elect_role, and its rule is validated and described', () => {
    expect(() => validateRules({ resolution: election() })).toThrow(/can decide only "elect_role"/);
    expect(() => validateRules({ elect_role: { ...election(), hours: 0 } as Procedure })).toThrow(/hours/);
    expect(() =>
      validateRules({ elect_role: { ...election(), method: 'dots' } as unknown as Procedure }),
    ).toThrow(/method must be one of/);
    expect(describeProcedure(election('scottish_stv'))).toMatch(
      /^An election: for 24 hours members nominate/,
    );
    expect(describeProcedure(election('stv', 0))).toMatch(/until the proposer opens the ballot/);
  });
});

describe('nominations', () => {
  const opened = () => {
    const g = given();
    return [...g, ...spec(g).when(submit()).thenTypes(['ProposalOpened']).events];
  };

  it('given an open election, when a member nominates another, then the nominee is nominated, not yet standing', () => {
    const { state } = spec(opened())
      .when(nominate('cy'), 'bob', at(1))
      .then([{ type: 'CandidateNominated', data: { proposalId: 'e1', accountId: 'cy', by: 'bob' } }]);
    expect(state.proposals.e1?.election?.candidates).toEqual([
      { accountId: 'cy', nominatedBy: 'bob', accepted: false, at: at(1) },
    ]);
  });

  it('when a member nominates themselves, then they stand at once', () => {
    spec(opened())
      .when(nominate('__proto__'), '__proto__')
      .thenTypes(['CandidateNominated', 'NominationAccepted']);
  });

  it('when the nominee accepts, they stand; when they decline, they are no longer nominated', () => {
    const c = new Scenario(opened());
    c.run(nominate('cy'), 'bob');
    expect(c.error(accept, 'bob')).toBe('not_nominated');
    expect(c.types(accept, 'cy')).toEqual(['NominationAccepted']);
    expect(c.proposal('e1').election?.candidates[0]?.accepted).toBe(true);
    expect(c.error(accept, 'cy')).toBe('already_nominated');
    expect(c.types(decline, 'cy')).toEqual(['NominationDeclined']);
    expect(c.proposal('e1').election?.candidates).toEqual([]);
  });

  it('refuses a nomination by a stranger, of a non-member or hostile id, twice, and after nominations close', () => {
    const s = spec(opened());
    s.when(nominate('cy'), 'stranger').thenRefuses('not_a_member');
    s.when(nominate('nobody'), 'bob').thenRefuses('member_not_found');
    s.when(nominate('constructor'), 'bob').thenRefuses('member_not_found');
    s.when(
      { type: 'NominateCandidate', proposalId: 'e1', accountId: 42 } as unknown as Command,
      'bob',
    ).thenRefuses('member_not_found');
    s.when(nominate('cy', '__proto__'), 'bob').thenRefuses('proposal_not_found');
    s.when(nominate('cy'), 'bob', at(24)).thenRefuses('nominations_closed');
    const c = new Scenario(opened());
    c.run(nominate('cy'), 'bob');
    expect(c.error(nominate('cy'), 'dee')).toBe('already_nominated');
  });

  it('refuses a nomination on a proposal that is not an election', () => {
    const g = foundingEvents({ members: ['bob'] });
    const c = new Scenario(g);
    c.resolve('r1');
    expect(c.error(nominate('bob', 'r1'), 'bob')).toBe('not_an_election');
  });

  it('with no nomination period, the proposer opens the ballot; no one else can, nor after a timed period', () => {
    const c = withCandidates(['bob', 'cy'], election('stv', 0, 24));
    expect(c.proposal('e1').closesAt).toBe(at(24));
    expect(c.error(cast(['bob']), 'dee', at(1))).toBe('ballot_not_open');
    expect(c.error({ type: 'OpenElectionBallot', proposalId: 'e1' }, 'bob')).toBe('not_proposer');
    expect(c.types({ type: 'OpenElectionBallot', proposalId: 'e1' }, 'ada', at(1))).toEqual([
      'ElectionBallotOpened',
    ]);
    expect(c.error(nominate('dee'), 'dee', at(2))).toBe('nominations_closed');
    expect(c.types(cast(['bob']), 'dee', at(2))).toEqual(['BallotCast']);
    const timed = withCandidates(['bob']);
    expect(timed.error({ type: 'OpenElectionBallot', proposalId: 'e1' }, 'ada')).toBe('nominations_closed');
  });
});

describe('ballots and the count', () => {
  it('refuses a ballot during nominations, for a non-candidate or one who has not accepted, ranked twice, of a wrong shape, a position', () => {
    const c = withCandidates(['bob', 'cy']);
    c.run(nominate('dee'), 'bob');
    expect(c.error(cast(['bob']), 'ada', at(1))).toBe('ballot_not_open');
    const later = at(25);
    expect(c.error(cast(['zed']), 'ada', later)).toBe('invalid_ballot');
    expect(c.error(cast(['dee']), 'ada', later)).toBe('invalid_ballot');
    expect(c.error(cast(['__proto__']), 'ada', later)).toBe('invalid_ballot');
    expect(c.error(cast(['bob', 'bob']), 'ada', later)).toBe('invalid_ballot');
    expect(c.error(cast('bob'), 'ada', later)).toBe('invalid_ballot');
    expect(
      c.error(
        { type: 'CastBallot', proposalId: 'e1', ballot: { approve: ['bob'] }, reason: '' },
        'ada',
        later,
      ),
    ).toBe('invalid_ballot');
    expect(
      c.error({ type: 'TakePosition', proposalId: 'e1', stance: 'agree', reason: '' }, 'ada', later),
    ).toBe('poll_needs_ballot');
    expect(c.error(cast(['bob']), 'stranger', later)).toBe('not_a_member');
  });

  it('given candidates and ballots, when it closes, then the STV count elects two and they hold the role for its term', () => {
    const c = withCandidates(['bob', 'cy', '__proto__']);
    const t = at(25);
    c.run(cast(['bob', 'cy']), 'ada', t);
    c.run(cast(['bob', '__proto__']), 'bob', t);
    c.run(cast(['cy', 'bob']), 'cy', t);
    c.run(cast(['__proto__']), '__proto__', t);
    c.run(cast(['cy']), 'dee', t);
    expect(c.proposal('e1').status).toBe('open');
    expect(c.types({ type: 'CloseProposal', proposalId: 'e1' }, null, at(48))).toEqual([
      'ProposalDecided',
      'RoleHoldersElected',
    ]);
    const outcome = c.proposal('e1').outcome!;
    expect(outcome.passed).toBe(true);
    expect(outcome.election?.elected.sort()).toEqual(['bob', 'cy']);
    expect(outcome.election?.quota).toBeDefined();
    expect(outcome.election?.rounds.length).toBeGreaterThan(0);
    expect(outcome.reasons[0]?.code).toBe('election_won');
    expect(
      c
        .role('board')
        .holders.map((h) => h.accountId)
        .sort(),
    ).toEqual(['bob', 'cy']);
    expect(c.role('board').holders[0]?.until).toBe(
      new Date(Date.parse(at(48)) + 365 * 86_400_000).toISOString(),
    );
  });

  it('settles once the whole electorate has voted after nominations closed', () => {
    const c = withCandidates(['bob'], election('irv'), 1);
    const t = at(30);
    for (const who of ['ada', 'bob', 'cy', 'dee', '__proto__']) c.run(cast(['bob']), who, t);
    expect(c.types(cast([]), 'old', t)).toEqual(['BallotCast', 'ProposalDecided', 'RoleHoldersElected']);
    expect(c.role('board').holders.map((h) => h.accountId)).toEqual(['bob']);
    expect(c.proposal('e1').outcome?.counts).toMatchObject({ agree: 5, abstain: 1, participants: 6 });
  });

  it('with no candidate, or a Schulze tie, no one is elected and the holders stay', () => {
    const none = withCandidates([]);
    none.close('e1', at(48));
    expect(none.proposal('e1').outcome).toMatchObject({
      passed: false,
      reasons: [{ code: 'election_no_candidates' }],
    });
    expect(none.role('board').holders.map((h) => h.accountId)).toEqual(['old']);
    const tie = withCandidates(['bob', 'cy'], election('schulze'), 1);
    tie.run(cast(['bob', 'cy']), 'ada', at(25));
    tie.run(cast(['cy', 'bob']), 'dee', at(25));
    tie.close('e1', at(48));
    expect(tie.proposal('e1').outcome).toMatchObject({
      passed: false,
      reasons: [{ code: 'election_tied' }],
      election: { tied: ['bob', 'cy'], elected: [] },
    });
  });

  it('a candidate who left before the close does not stand; the state survives a snapshot and the read model', () => {
    const c = withCandidates(['bob', 'cy']);
    c.run(cast(['cy', 'bob']), 'ada', at(25));
    c.run({ type: 'LeaveCommons' }, 'cy', at(26));
    c.close('e1', at(48));
    expect(c.proposal('e1').outcome?.election?.elected).toEqual(['bob']);
    expect(decodeState(encodeState(c.s))).toEqual(c.s);
    expect(replay(c.log)).toEqual(c.s);
    expect(readModelDocs(c.s).find((d) => d.kind === 'proposal' && d.id === 'e1')).toBeDefined();
    expect(c.rebuilt().proposals.e1).toEqual(c.s.proposals.e1);
  });
});

/** Glasgow 2007 ward Springburn (Scottish STV, 3 seats), one member per ballot paper. */
describe('conformance through the commons: a Glasgow 2007 ward elected by Scottish STV', () => {
  const file = fixture('stv', 'blt', 'scotland', 'Springburn-2007.blt');
  const ref = JSON.parse(
    readFileSync(
      fixture('stv', 'ref', 'json', 'scotland', 'Springburn-2007-scotland-fixed-p5-d5.txt'),
      'utf8',
    ),
  ) as {
    quota: string;
    nballots: number;
    cdict: Record<string, { name: string }>;
    actions: { tag: string; cstate: Record<string, { state: string }> }[];
  };
  const blt = parseBlt(readFileSync(file, 'utf8'), file);

  it('casts every paper as a member, closes, and elects the councillors Droop elects, with the same quota and stages', () => {
    const candidates = blt.candidates.map((_, i) => `cand-${i + 1}`);
    const voters: string[] = [];
    const papers: string[][] = [];
    for (const b of blt.ballots)
      for (let k = 0; k < b.weight; k++) {
        voters.push(`voter-${voters.length + 1}`);
        papers.push(b.ranking.map((g) => candidates[g[0]!]!));
      }
    const c = new Scenario(
      foundingEvents({
        rules: { elect_role: election('scottish_stv', 24, 24) },
        members: [...candidates, ...voters],
        roles: [{ ...board, holders: [] }],
      }),
    );
    c.run({ ...submit(blt.seats), proposalId: 'ward' } as Command, 'ada', at(73));
    for (const id of candidates) c.run(nominate(id, 'ward'), id, at(74));
    const t = at(73 + 25);
    papers.forEach((ranking, i) => c.run(cast(ranking, 'ward'), voters[i]!, t));
    c.close('ward', at(73 + 48));
    const outcome = c.proposal('ward').outcome!;
    const name = (id: string) => blt.candidates[candidates.indexOf(id)]!;
    const end = ref.actions.find((a) => a.tag === 'end')!;
    const electedRef = Object.entries(end.cstate)
      .filter(([, s]) => s.state === 'elected')
      .map(([cid]) => ref.cdict[cid]!.name)
      .sort();
    expect(outcome.election?.elected.map(name).sort()).toEqual(electedRef);
    expect(outcome.election?.ballots).toBe(ref.nballots);
    expect(outcome.election?.quota).toBe(ref.quota);
    // The same count as `peergov tally --method scottish-stv` on the BLT file (the methods' own, conformance-tested).
    const direct = scottishStv(blt);
    expect(outcome.election?.elected.map(name)).toEqual(direct.elected);
    expect(outcome.election?.rounds.map((r) => r.tally.map((x) => x.votes))).toEqual(
      direct.stages.map((s) => Object.values(s.votes)),
    );
    expect(
      c
        .role('board')
        .holders.map((h) => name(h.accountId))
        .sort(),
    ).toEqual(electedRef);
  });
});
