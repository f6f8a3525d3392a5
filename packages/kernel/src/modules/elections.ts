// Elections to roles: nominations (any member, themselves too), acceptance by the nominee, the ballot opened by time
// (or by the proposer when there is no nomination period), ranked ballots on the accepted candidates, and the count
// at the close (`tallyElection` in packages/methods) whose elected become the role's holders. Account ids from
// outside are looked up in Maps and `own`, never as keys of plain objects.
import { tallyElection } from '@peergov/methods/decision';
import type { CommandContext } from '../commands';
import { dict, own } from '../dict';
import { DomainError } from '../errors';
import type { DomainEvent } from '../events';
import { addHours } from '../input';
import { inElectorate, requireMember, requireProposal } from '../policy';
import type {
  CommonsState,
  Counts,
  ElectionState,
  PollBallot,
  Position,
  Procedure,
  Proposal,
  Reason,
} from '../types';
import { proposalIn, roleIn, type Deciders, type Evolvers } from './module';
import { carryOutPassed, recount } from './proposals';

type Election = Extract<Procedure, { type: 'election' }>;

/** The nominations of an election as they stand right after it opened. */
export function electionFromOpened(procedure: Election, openedAt: string): ElectionState {
  return {
    nominationsCloseAt: procedure.nominationHours > 0 ? addHours(openedAt, procedure.nominationHours) : null,
    ballotOpenedAt: null,
    candidates: [],
  };
}

/** Whether nominations are still open at `now` (then no ballot is taken). */
export function nominating(p: Proposal, now: string): boolean {
  const e = p.election;
  if (!e) return false;
  if (e.ballotOpenedAt !== null) return false;
  return e.nominationsCloseAt === null || now < e.nominationsCloseAt;
}

/** The accepted candidates who are still members, in order of nomination: who stands. */
export function standing(state: CommonsState, p: Proposal): string[] {
  return (p.election?.candidates ?? [])
    .filter((c) => c.accepted && own(state.core.members, c.accountId)?.status === 'member')
    .map((c) => c.accountId);
}

/** The open election `proposalId`, or the DomainError saying why it is not one. */
function requireElection(state: CommonsState, proposalId: string, now: string): Proposal {
  const p = requireProposal(state, proposalId);
  if (p.procedure.type !== 'election' || !p.election)
    throw new DomainError('not_an_election', 'This proposal is not an election.', { id: p.id });
  if (p.status !== 'open' || now >= p.closesAt)
    throw new DomainError('proposal_closed', 'This election is closed.');
  return p;
}

function requireNominating(p: Proposal, now: string): void {
  if (!nominating(p, now))
    throw new DomainError(
      'nominations_closed',
      'Nominations for this election have closed; the ballot is open.',
    );
}

const badBallot = (message: string, details: Record<string, unknown> = {}): never => {
  throw new DomainError('invalid_ballot', message, details);
};

/** A ranked ballot on the standing candidates: `{ ranking: [account ids] }`, each once; or invalid_ballot. */
export function checkElectionBallot(candidates: readonly string[], input: unknown): PollBallot {
  const b = input as Record<string, unknown> | null;
  if (typeof b !== 'object' || b === null || Array.isArray(b) || Object.keys(b).join() !== 'ranking')
    badBallot(
      'An election ballot ranks candidates from most to least preferred: { ranking: [account ids] }.',
    );
  const ranking = b!.ranking;
  if (!Array.isArray(ranking)) badBallot('The ballot ranks candidates by their account ids, in an array.');
  const known = new Set(candidates);
  const seen = new Set<string>();
  for (const id of ranking as unknown[]) {
    if (typeof id !== 'string') badBallot('Candidates are named by their account ids (text).');
    const s = (id as string).slice(0, 64);
    if (!known.has(id as string)) badBallot(`"${s}" is not a candidate in this election.`, { candidate: s });
    if (seen.has(id as string)) badBallot(`The ballot ranks "${s}" twice.`, { candidate: s });
    seen.add(id as string);
  }
  return { ranking: [...(ranking as string[])] };
}

/**
 * Counts an election (with one more ballot `extra`, not yet in state) once it is settled: at its closing time, or
 * when the whole electorate has voted after nominations closed. Ballots are counted in account order; candidates in
 * order of nomination. It passes if anyone is elected.
 */
export function settleElection(
  state: CommonsState,
  proposal: Proposal,
  extra: Position | null,
  final: boolean,
  now: string,
): DomainEvent[] {
  const procedure = proposal.procedure as Election;
  if (proposal.action.kind !== 'elect_role') throw new Error(`election ${proposal.id} does not elect a role`);
  const stored = own(state.positions, proposal.id) ?? dict<Position>();
  const counts: Counts = { ...proposal.counts };
  if (extra) recount(counts, own(stored, extra.accountId), extra);
  if (!final && (nominating(proposal, now) || counts.participants < counts.electorate)) return [];
  const counted = new Map<string, PollBallot>();
  for (const accountId of Object.keys(stored)) {
    const p = stored[accountId];
    if (p?.counted && p.ballot) counted.set(accountId, p.ballot);
  }
  if (extra) {
    counted.delete(extra.accountId);
    if (extra.counted && extra.ballot) counted.set(extra.accountId, extra.ballot);
  }
  const participants = [...counted.keys()].sort();
  const candidates = standing(state, proposal);
  const name = (id: string) => own(state.core.members, id)?.displayName ?? id;
  const seats = proposal.action.seats;
  const tally = tallyElection(
    procedure.method,
    seats,
    candidates,
    participants.map((id) => {
      const b = counted.get(id)!;
      return 'ranking' in b ? b.ranking : [];
    }),
    candidates.map(name),
  );
  const reason: Reason =
    candidates.length === 0
      ? { code: 'election_no_candidates', params: {}, text: 'No candidate stood, so no one is elected.' }
      : tally.elected.length === 0 && tally.tied.length > 0
        ? {
            code: 'election_tied',
            params: { candidates: tally.tied.join(', ') },
            text: `${tally.tied.map(name).join(', ')} tied, so no one is elected.`,
          }
        : tally.elected.length === 0
          ? {
              code: 'election_no_ballots',
              params: { ballots: tally.ballots },
              text: 'No ballot ranked a candidate, so no one is elected.',
            }
          : {
              code: 'election_won',
              params: { elected: tally.elected.join(', '), seats, ballots: tally.ballots },
              text: `Elected to ${seats} seat(s) by ${tally.ballots} ballot(s): ${tally.elected.map(name).join(', ')}.`,
            };
  const outcome = {
    passed: tally.elected.length > 0,
    ruleVersion: proposal.ruleVersion,
    procedure: proposal.procedure,
    participants,
    counts,
    reasons: [reason],
    decidedAt: now,
    decidedBy: null,
    election: tally,
  };
  const events: DomainEvent[] = [{ type: 'ProposalDecided', data: { proposalId: proposal.id, outcome } }];
  if (outcome.passed) events.push(...carryOutPassed(state, proposal, now, outcome));
  return events;
}

/** A ballot on an election as the position it becomes (as a poll's: `agree`, or `abstain` if blank). */
export function electionBallotPosition(
  state: CommonsState,
  proposal: Proposal,
  accountId: string,
  ballot: PollBallot,
  reason: string,
  at: string,
): Position {
  const blank = 'ranking' in ballot && ballot.ranking.length === 0;
  return {
    accountId,
    stance: blank ? 'abstain' : 'agree',
    reason,
    at,
    counted: inElectorate(state.core, proposal, accountId),
    ballot,
  };
}

/** CastBallot on an election: once nominations have closed, a ranking of the standing candidates. */
export function castElectionBallot(
  state: CommonsState,
  p: Proposal,
  ballotInput: unknown,
  reason: string,
  ctx: CommandContext,
): DomainEvent[] {
  if (nominating(p, ctx.now))
    throw new DomainError(
      'ballot_not_open',
      'Nominations are still open: the ballot opens when they close.',
      {
        nominationsCloseAt: p.election?.nominationsCloseAt ?? null,
      },
    );
  const ballot = checkElectionBallot(standing(state, p), ballotInput);
  const cast: DomainEvent = {
    type: 'BallotCast',
    data: { proposalId: p.id, accountId: ctx.actor!, ballot, reason },
  };
  const next = electionBallotPosition(state, p, ctx.actor!, ballot, reason, ctx.now);
  return [cast, ...settleElection(state, p, next, false, ctx.now)];
}

export const electionCommands = {
  NominateCandidate(state, command, ctx) {
    requireMember(state.core, ctx.actor);
    const p = requireElection(state, command.proposalId, ctx.now);
    requireNominating(p, ctx.now);
    const nominee =
      typeof command.accountId === 'string' ? own(state.core.members, command.accountId) : undefined;
    if (!nominee || nominee.status !== 'member')
      throw new DomainError('member_not_found', 'Only a member can be nominated.', {
        accountId: String(command.accountId).slice(0, 64),
      });
    if (p.election!.candidates.some((c) => c.accountId === nominee.accountId))
      throw new DomainError('already_nominated', `${nominee.displayName} is already nominated.`, {
        accountId: nominee.accountId,
      });
    const events: DomainEvent[] = [
      {
        type: 'CandidateNominated',
        data: { proposalId: p.id, accountId: nominee.accountId, by: ctx.actor! },
      },
    ];
    // Nominating oneself is standing: accepted at once.
    if (nominee.accountId === ctx.actor)
      events.push({ type: 'NominationAccepted', data: { proposalId: p.id, accountId: nominee.accountId } });
    return events;
  },
  AcceptNomination(state, command, ctx) {
    requireMember(state.core, ctx.actor);
    const p = requireElection(state, command.proposalId, ctx.now);
    requireNominating(p, ctx.now);
    const c = p.election!.candidates.find((x) => x.accountId === ctx.actor);
    if (!c) throw new DomainError('not_nominated', 'No one has nominated you in this election.');
    if (c.accepted) throw new DomainError('already_nominated', 'You already stand in this election.');
    return [{ type: 'NominationAccepted', data: { proposalId: p.id, accountId: ctx.actor! } }];
  },
  DeclineNomination(state, command, ctx) {
    requireMember(state.core, ctx.actor);
    const p = requireElection(state, command.proposalId, ctx.now);
    requireNominating(p, ctx.now);
    if (!p.election!.candidates.some((x) => x.accountId === ctx.actor))
      throw new DomainError('not_nominated', 'No one has nominated you in this election.');
    return [{ type: 'NominationDeclined', data: { proposalId: p.id, accountId: ctx.actor! } }];
  },
  OpenElectionBallot(state, command, ctx) {
    const p = requireElection(state, command.proposalId, ctx.now);
    if (p.proposer !== ctx.actor)
      throw new DomainError('not_proposer', 'Only the proposer can open the ballot of this election.');
    requireMember(state.core, ctx.actor);
    if (p.election!.nominationsCloseAt !== null)
      throw new DomainError(
        'nominations_closed',
        `Under its procedure, nominations close by themselves at ${p.election!.nominationsCloseAt}.`,
      );
    requireNominating(p, ctx.now);
    return [{ type: 'ElectionBallotOpened', data: { proposalId: p.id } }];
  },
} satisfies Deciders<'NominateCandidate' | 'AcceptNomination' | 'DeclineNomination' | 'OpenElectionBallot'>;

/** The election of a proposal an event refers to, as this draft's own copy. */
function electionIn(p: Proposal): ElectionState {
  if (!p.election) throw new Error(`proposal ${p.id} is not an election`);
  p.election = { ...p.election, candidates: [...p.election.candidates] };
  return p.election;
}

export const electionEvents = {
  CandidateNominated(w, e) {
    const el = electionIn(proposalIn(w, e, e.data.proposalId));
    el.candidates.push({ accountId: e.data.accountId, nominatedBy: e.data.by, accepted: false, at: e.at });
  },
  NominationAccepted(w, e) {
    const el = electionIn(proposalIn(w, e, e.data.proposalId));
    el.candidates = el.candidates.map((c) =>
      c.accountId === e.data.accountId ? { ...c, accepted: true } : c,
    );
  },
  NominationDeclined(w, e) {
    const el = electionIn(proposalIn(w, e, e.data.proposalId));
    el.candidates = el.candidates.filter((c) => c.accountId !== e.data.accountId);
  },
  ElectionBallotOpened(w, e) {
    electionIn(proposalIn(w, e, e.data.proposalId)).ballotOpenedAt = e.at;
  },
  RoleHoldersElected(w, e) {
    const r = roleIn(w, e, e.data.roleId);
    r.holders = e.data.elected.map((accountId) => ({ accountId, since: e.at, until: e.data.until }));
  },
} satisfies Evolvers<
  | 'CandidateNominated'
  | 'NominationAccepted'
  | 'NominationDeclined'
  | 'ElectionBallotOpened'
  | 'RoleHoldersElected'
>;
