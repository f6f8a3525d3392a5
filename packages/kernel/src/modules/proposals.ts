// Proposals: opening one under the rule in force, positions, discussion, withdrawal, closing, and the decision with
// the events that carry its action out.
import {
  electionFills,
  tallyChambers,
  tallyCounts,
  tallyPoll,
  type ChambersTally,
} from '@peergov/methods/decision';
import { actionDefinition, checkAction, type ActionDefinition, type ActionOf } from '../actions';
import type { CommandContext } from '../commands';
import { decidersFor, openHours, ruleFor, validateProcedure } from '../constitution';
import { procedureForAction } from '../procedures';
import { dict, dictOf, own } from '../dict';
import { DomainError } from '../errors';
import type { DomainEvent, EventEnvelope } from '../events';
import { addHours, text } from '../input';
import { blankBallot, checkBallot, checkQuestion } from '../poll';
import { isoDate } from '../rules/triggers';
import { authorise, inElectorate, requireComment, requireProposal } from '../policy';
import type {
  Action,
  ActionKind,
  Comment,
  CommonsState,
  Counts,
  DelegationTally,
  Outcome,
  PollBallot,
  Position,
  PollTally,
  Procedure,
  Proposal,
  Question,
  Reason,
  Stance,
} from '../types';
import type { Writer } from '../evolve';
import { delegatedCounts } from './delegation';
import { castElectionBallot, electionFromOpened, settleElection } from './elections';
import { proposalIn, type Deciders, type Evolvers } from './module';

/**
 * The events that carry out a passed action (exactly once: only ever emitted with ProposalDecided, the `outcome`
 * given when the action reads it: an election's elected).
 */
export function carryOutPassed(
  state: CommonsState,
  proposal: Proposal,
  now: string,
  outcome?: Outcome,
): DomainEvent[] {
  let action: Action;
  try {
    action = checkAction(state.core, proposal.action, now, state);
  } catch (e) {
    if (e instanceof DomainError) {
      return [{ type: 'ActionFailed', data: { proposalId: proposal.id, error: e.message } }];
    }
    throw e;
  }
  return actionDefinition(action.kind).carryOut(
    state.core,
    action as ActionOf<ActionKind>,
    proposal.id,
    now,
    outcome,
    state,
  );
}

// An applicant stays an applicant while any proposal to admit them is still open (theirs, or a member's).
function otherOpenAdmission(state: CommonsState, accountId: string, proposalId: string): boolean {
  return Object.values(state.proposals).some(
    (p) =>
      p.id !== proposalId &&
      p.status === 'open' &&
      p.action.kind === 'admit_member' &&
      p.action.accountId === accountId,
  );
}

/** Moves one account's position in the counts from `prev` (if any) to `next`. */
export function recount(counts: Counts, prev: Position | undefined, next: Position): void {
  if (prev?.counted) {
    counts[prev.stance] -= 1;
    counts.participants -= 1;
  }
  if (next.counted) {
    counts[next.stance] += 1;
    counts.participants += 1;
  }
}

// In time order, then by account: the order positions were taken in, total and the same in every state.
const byTime = (a: Position, b: Position) =>
  a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0;

/**
 * Tallies an open proposal (with `extra` positions not yet in state) and, if settled, returns the decision and
 * the events that carry it out. `final` is true at or after the closing time. The tally starts from the counts the
 * proposal keeps, so a position costs the same whatever the size of the electorate; only a decision lists its
 * participants.
 */
function settle(
  state: CommonsState,
  proposal: Proposal,
  extra: { accountId: string; stance: Stance }[],
  final: boolean,
  now: string,
): DomainEvent[] {
  if (proposal.procedure.type === 'poll') return settlePoll(state, proposal, null, final, now);
  if (proposal.procedure.type === 'election') return settleElection(state, proposal, null, final, now);
  const stored = own(state.positions, proposal.id) ?? dict<Position>();
  const counts: Counts = { ...proposal.counts };
  const replaced = new Map<string, Position>();
  for (const p of extra) {
    const next: Position = {
      accountId: p.accountId,
      stance: p.stance,
      reason: '',
      at: now,
      counted: inElectorate(state.core, proposal, p.accountId),
    };
    recount(counts, replaced.get(p.accountId) ?? own(stored, p.accountId), next);
    replaced.set(p.accountId, next);
  }
  const positionOf = (accountId: string) => replaced.get(accountId) ?? own(stored, accountId);
  const kind = proposal.action.kind;
  // Separation of duties: under a role that excludes the proposer, the proposer is not among the deciders.
  const deciders =
    proposal.procedure.type === 'role'
      ? decidersFor(state.core, kind, now).filter(
          (id) =>
            !(
              proposal.procedure.type === 'role' &&
              proposal.procedure.excludeProposer &&
              id === proposal.proposer
            ),
        )
      : [];
  const deciderPositions = decidersInOrder(deciders, positionOf);
  let delegation: DelegationTally | undefined;
  let weighed = counts;
  if (proposal.procedure.type === 'vote' && proposal.procedure.delegation) {
    // With delegation, votes weigh what is delegated to them, which only the close knows.
    if (!final) return [];
    const weighted = delegatedCounts(state, proposal, positionOf);
    delegation = weighted.tally;
    weighed = weighted.counts;
  }
  const { chambers, ...tally } = tallyDecision({
    procedure: proposal.procedure,
    counts: weighed,
    deciders,
    deciderPositions,
    classCounts: () =>
      classCounts(state.core, (accountId) => inElectorate(state.core, proposal, accountId), positionOf),
    names: new Map(state.core.classes.map((c) => [c.id, c.name])),
    final,
  });
  if (!tally.decided) return [];
  const decidedBy = decidedByOf(proposal.procedure, tally.reasons, deciderPositions);
  // Who took part: the counted positions, once, at the decision.
  const participants: string[] = [];
  for (const accountId of Object.keys(stored))
    if (!replaced.has(accountId) && stored[accountId]?.counted) participants.push(accountId);
  for (const p of replaced.values()) if (p.counted) participants.push(p.accountId);
  const events: DomainEvent[] = [
    {
      type: 'ProposalDecided',
      data: {
        proposalId: proposal.id,
        outcome: {
          passed: tally.passed,
          ruleVersion: proposal.ruleVersion,
          procedure: proposal.procedure,
          participants: participants.sort(),
          counts: tally.counts,
          reasons: tally.reasons,
          decidedAt: now,
          decidedBy,
          ...(chambers ? { chambers } : {}),
          ...(delegation ? { delegation } : {}),
        },
      },
    },
  ];
  if (tally.passed) {
    events.push(...carryOutPassed(state, proposal, now));
  } else if (proposal.action.kind === 'admit_member') {
    const m = own(state.core.members, proposal.action.accountId);
    if (m?.status === 'applicant' && !otherOpenAdmission(state, m.accountId, proposal.id)) {
      events.push({ type: 'ApplicationDeclined', data: { proposalId: proposal.id, accountId: m.accountId } });
    }
  }
  return events;
}

/** The positions of the deciding role's holders, in the order they were taken (a refusal wins over an earlier approval). */
export function decidersInOrder(
  deciders: readonly string[],
  positionOf: (accountId: string) => Position | undefined,
): Position[] {
  return deciders
    .map(positionOf)
    .filter((p): p is Position => p !== undefined)
    .sort(byTime);
}

/**
 * Who decided under a role procedure: the holder the tally names (a refusal wins over an earlier approval), else
 * the first who approved (an approval overruled by an objection was still the holder's decision); null otherwise.
 */
export function decidedByOf(
  procedure: Procedure,
  reasons: readonly Reason[],
  deciderPositions: readonly Position[],
): string | null {
  if (procedure.type !== 'role') return null;
  const by = reasons.find((r) => typeof r.params.by === 'string')?.params.by as string | undefined;
  return by ?? deciderPositions.find((p) => p.stance === 'agree')?.accountId ?? null;
}

/**
 * How a yes-or-no proposal is counted under `procedure`: by chambers (`tallyChambers`, each class's counts read only
 * when it settles) or by `tallyCounts`. The live path (`settle`) and the replay of history under a draft
 * (`rules/replay.ts`) both count through here, so that a decision is counted one way only.
 */
export function tallyDecision(input: {
  procedure: Exclude<Procedure, { type: 'poll' }>;
  counts: Counts;
  deciders: readonly string[];
  deciderPositions: readonly Position[];
  classCounts: () => Map<string, Counts>;
  /** The commons' stakeholder classes by id, for a chamber's name. */
  names?: ReadonlyMap<string, string>;
  final: boolean;
}): Omit<ReturnType<typeof tallyCounts>, 'counts'> & { counts: Counts; chambers?: ChambersTally } {
  const { procedure, counts, final } = input;
  if (procedure.type === 'chambers') {
    // Chambers settle at the closing time or once everyone has voted; only then are the classes counted.
    if (!final && counts.participants < counts.electorate)
      return { decided: false, passed: false, counts, reasons: [] };
    return tallyChambers({
      procedure,
      counts,
      classCounts: input.classCounts(),
      names: new Map(input.names ?? []),
      final,
    });
  }
  return tallyCounts({
    procedure,
    counts,
    deciders: input.deciders,
    deciderPositions: input.deciderPositions,
    final,
  });
}

/**
 * Each stakeholder class's eligible members and their counted positions: a member of several classes counts in
 * each. Read once, at the decision, from the membership and the proposal's positions.
 */
export function classCounts(
  core: CommonsState['core'],
  eligible: (accountId: string) => boolean,
  positionOf: (accountId: string) => Position | undefined,
): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const c of core.classes)
    out.set(c.id, { agree: 0, abstain: 0, disagree: 0, block: 0, electorate: 0, participants: 0 });
  for (const accountId of Object.keys(core.members)) {
    const member = core.members[accountId]!;
    if (!eligible(accountId)) continue;
    const position = positionOf(accountId);
    for (const classId of new Set(member.classes)) {
      const c = out.get(classId);
      if (!c) continue;
      c.electorate += 1;
      if (position?.counted) {
        c[position.stance] += 1;
        c.participants += 1;
      }
    }
  }
  return out;
}

type Poll = Extract<Procedure, { type: 'poll' }>;

/** A ballot as the position it becomes: `agree` if it expresses a preference, `abstain` if blank. */
function ballotPosition(
  state: CommonsState,
  proposal: Proposal,
  accountId: string,
  ballot: PollBallot,
  reason: string,
  at: string,
): Position {
  return {
    accountId,
    stance: blankBallot(ballot) ? 'abstain' : 'agree',
    reason,
    at,
    counted: inElectorate(state.core, proposal, accountId),
    ballot,
  };
}

/**
 * A poll's ballots counted by its method (`tallyPoll`) and the reason of the outcome: a single winner other than
 * the status quo passes; a tie, the status quo or no preference passes nothing. The live path and the replay of
 * history under a draft (`rules/replay.ts`) both count a poll through here.
 */
export function pollDecision(
  procedure: Poll,
  question: Question,
  ballots: readonly PollBallot[],
): { passed: boolean; reason: Reason; tally: PollTally } {
  const tally = tallyPoll(
    procedure,
    question.options.map((o) => o.id),
    ballots,
  );
  const label = (id: string) => question.options.find((o) => o.id === id)?.label ?? id;
  const statusQuo = question.options.find((o) => o.statusQuo)?.id;
  const winner = tally.winners.length === 1 ? tally.winners[0]! : null;
  const reason: Reason =
    tally.winners.length === 0
      ? {
          code: 'poll_no_ballots',
          params: { ballots: tally.ballots },
          text: 'No ballot expressed a preference, so no option won.',
        }
      : winner === null
        ? {
            code: 'poll_tied',
            params: { options: tally.winners.join(', ') },
            text: `${tally.winners.map(label).join(', ')} tied for first place, so nothing was chosen.`,
          }
        : winner === statusQuo
          ? {
              code: 'poll_status_quo',
              params: { option: winner },
              text: `The status quo ("${label(winner)}") won, so nothing changes.`,
            }
          : {
              code: 'poll_won',
              params: { option: winner, ballots: tally.ballots },
              text: `"${label(winner)}" won (${tally.ballots} ballot(s), ${procedure.method}).`,
            };
  const passed = reason.code === 'poll_won';
  return { passed, reason, tally };
}

/**
 * Tallies a poll (with one more ballot `extra`, not yet in state) once it is settled: at its closing time, or when
 * the whole electorate has voted. The method's count (packages/methods, `tallyPoll`) names the winner; a tie or the
 * status quo winning passes nothing. Ballots are counted in account order, so the count is the same however the
 * state was loaded.
 */
function settlePoll(
  state: CommonsState,
  proposal: Proposal,
  extra: Position | null,
  final: boolean,
  now: string,
): DomainEvent[] {
  const procedure = proposal.procedure as Poll;
  const question = proposal.question;
  if (!question) throw new Error(`poll ${proposal.id} has no question`);
  const stored = own(state.positions, proposal.id) ?? dict<Position>();
  const counts: Counts = { ...proposal.counts };
  if (extra) recount(counts, own(stored, extra.accountId), extra);
  if (!final && counts.participants < counts.electorate) return [];
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
  const { passed, reason, tally } = pollDecision(
    procedure,
    question,
    participants.map((id) => counted.get(id)!),
  );
  const events: DomainEvent[] = [
    {
      type: 'ProposalDecided',
      data: {
        proposalId: proposal.id,
        outcome: {
          passed,
          ruleVersion: proposal.ruleVersion,
          procedure: proposal.procedure,
          participants,
          counts,
          reasons: [reason],
          decidedAt: now,
          decidedBy: null,
          poll: tally,
        },
      },
    },
  ];
  if (passed) events.push(...carryOutPassed(state, proposal, now));
  return events;
}

export function openProposal(
  state: CommonsState,
  ctx: CommandContext,
  input: {
    proposalId: string;
    title: string;
    body: string;
    action: Action;
    closesAt?: string;
    question?: unknown;
    reviewAt?: string;
  },
): DomainEvent[] {
  const core = state.core;
  const id = text('id', input.proposalId);
  if (own(state.proposals, id))
    throw new DomainError('proposal_exists', `A proposal ${id} already exists.`, { id });
  if (!input.action || typeof input.action !== 'object') {
    throw new DomainError('invalid_action', 'A proposal needs an action.');
  }
  const action = checkAction(core, input.action, ctx.now, state);
  const definition = actionDefinition(action.kind) as ActionDefinition<ActionKind>;
  definition.checkProposed?.(core, action as ActionOf<ActionKind>, ctx.now);
  const rule =
    definition.procedure?.(core, action as ActionOf<ActionKind>) ?? ruleFor(core.constitution, action.kind);
  validateProcedure(action.kind, rule, core);
  // A rule by amount names the procedure of the band the action's amount falls in (resources, issue 15).
  const procedure = procedureForAction(rule, action, state);
  // A poll asks its question; any other procedure answers yes or no to the action.
  if (procedure.type !== 'poll' && input.question !== undefined) {
    throw new DomainError(
      'invalid_question',
      `Under the constitution "${action.kind}" is decided by ${procedure.type}, a yes or no: only a poll has options.`,
      { kind: action.kind },
    );
  }
  const question = procedure.type === 'poll' ? checkQuestion(input.question) : undefined;
  // An election fills a role's seats; nothing else can (validateProcedure keeps an election to elect_role).
  if (action.kind === 'elect_role') {
    if (procedure.type !== 'election')
      throw new DomainError(
        'invalid_procedure',
        `Under the constitution "elect_role" is decided by ${procedure.type}: only an election can fill a role's seats; amend the rule first.`,
        { kind: action.kind },
      );
    if (!electionFills(procedure.method, action.seats))
      throw new DomainError(
        'invalid_action',
        `This commons elects by ${procedure.method}, which fills one seat; ${action.seats} seats need STV.`,
        { field: 'seats' },
      );
  }
  const earliest = addHours(ctx.now, openHours(procedure));
  let closesAt = earliest;
  if (input.closesAt !== undefined) {
    const t = Date.parse(input.closesAt);
    if (Number.isNaN(t)) throw new DomainError('invalid_input', 'closesAt must be a date and time.');
    if (t < Date.parse(earliest)) {
      throw new DomainError(
        'invalid_input',
        `Under the constitution this proposal stays open until at least ${earliest}.`,
        { earliest },
      );
    }
    if (t > Date.parse(addHours(ctx.now, 24 * 366))) {
      throw new DomainError('invalid_input', 'A proposal can stay open for at most a year.');
    }
    closesAt = new Date(t).toISOString();
  }
  // A review date (rules for rules): after the closing time, within ten years.
  let reviewAt: string | undefined;
  if (input.reviewAt !== undefined) {
    reviewAt = isoDate(input.reviewAt, 'reviewAt', 'invalid_review');
    if (reviewAt <= closesAt || reviewAt > addHours(ctx.now, 24 * 3660))
      throw new DomainError(
        'invalid_review',
        'A decision comes up for review after it is taken (after the closing time) and within ten years.',
        { field: 'reviewAt' },
      );
  }
  // The members now: everyone admitted so far who is still a member (a rule and a number, never a list).
  const electorate = { admittedUpTo: core.admissions, size: core.memberCount };
  const opened: DomainEvent = {
    type: 'ProposalOpened',
    data: {
      id,
      title: text('title', input.title),
      body: text('body', input.body ?? '', false),
      action,
      ...(question ? { question } : {}),
      ...(reviewAt ? { reviewAt } : {}),
      proposer: ctx.actor ?? '',
      closesAt,
      ruleVersion: core.constitution.version,
      procedure,
      electorate,
    },
  };
  const events: DomainEvent[] = [opened];
  const proposal = proposalFromOpened(opened.data, ctx.now);
  const extra: { accountId: string; stance: 'agree' }[] = [];
  // A proposer who holds the mandate decides by proposing.
  if (
    procedure.type === 'role' &&
    !procedure.excludeProposer &&
    ctx.actor &&
    decidersFor(core, action.kind, ctx.now).includes(ctx.actor)
  ) {
    extra.push({ accountId: ctx.actor, stance: 'agree' });
    events.push({
      type: 'PositionTaken',
      data: { proposalId: id, accountId: ctx.actor, stance: 'agree', reason: '' },
    });
  }
  const proposals = dictOf(state.proposals);
  proposals[id] = proposal;
  const withProposal: CommonsState = { ...state, proposals };
  // Automatic without an objection window is decided at once; with one, at the window's end.
  const atOnce = procedure.type === 'automatic' && !procedure.objectionHours;
  events.push(...settle(withProposal, proposal, extra, atOnce, ctx.now));
  return events;
}

/** The proposal as it stands right after ProposalOpened (shared by decide and evolve). */
export function proposalFromOpened(
  d: Extract<DomainEvent, { type: 'ProposalOpened' }>['data'],
  at: string,
): Proposal {
  return {
    id: d.id,
    title: d.title,
    body: d.body,
    action: d.action,
    ...(d.question ? { question: d.question } : {}),
    ...(d.reviewAt ? { reviewAt: d.reviewAt } : {}),
    ...(d.procedure.type === 'election' ? { election: electionFromOpened(d.procedure, at) } : {}),
    proposer: d.proposer,
    openedAt: at,
    closesAt: d.closesAt,
    ruleVersion: d.ruleVersion,
    procedure: d.procedure,
    electorate: d.electorate,
    counts: {
      agree: 0,
      abstain: 0,
      disagree: 0,
      block: 0,
      electorate: d.electorate.size,
      participants: 0,
    },
    status: 'open',
    outcome: null,
    execution: null,
    positionCount: 0,
    commentCount: 0,
  };
}

export const proposalCommands = {
  SubmitProposal(state, command, ctx) {
    authorise(state, ctx.actor, { type: 'propose' }, ctx.now);
    return openProposal(state, ctx, command);
  },
  TakePosition(state, command, ctx) {
    const p = authorise(
      state,
      ctx.actor,
      { type: 'take_position', proposalId: command.proposalId },
      ctx.now,
    )!;
    if (p.procedure.type === 'poll' || p.procedure.type === 'election') {
      throw new DomainError(
        'poll_needs_ballot',
        p.procedure.type === 'poll'
          ? 'This proposal is a poll: cast a ballot on its options instead.'
          : 'This proposal is an election: cast a ranked ballot on its candidates instead.',
      );
    }
    if (!['agree', 'abstain', 'disagree', 'block'].includes(command.stance)) {
      throw new DomainError('invalid_input', 'A position is agree, abstain, disagree or block.');
    }
    const reason = text('reason', command.reason ?? '', false);
    const taken: DomainEvent = {
      type: 'PositionTaken',
      data: { proposalId: p.id, accountId: ctx.actor!, stance: command.stance, reason },
    };
    return [taken, ...settle(state, p, [{ accountId: ctx.actor!, stance: command.stance }], false, ctx.now)];
  },
  CastBallot(state, command, ctx) {
    const p = authorise(
      state,
      ctx.actor,
      { type: 'take_position', proposalId: command.proposalId },
      ctx.now,
    )!;
    if (p.procedure.type === 'election')
      return castElectionBallot(state, p, command.ballot, text('reason', command.reason ?? '', false), ctx);
    if (p.procedure.type !== 'poll' || !p.question) {
      throw new DomainError('not_a_poll', 'This proposal is a yes or no question: take a position instead.');
    }
    const ballot = checkBallot(p.procedure, p.question, command.ballot);
    const reason = text('reason', command.reason ?? '', false);
    const cast: DomainEvent = {
      type: 'BallotCast',
      data: { proposalId: p.id, accountId: ctx.actor!, ballot, reason },
    };
    const next = ballotPosition(state, p, ctx.actor!, ballot, reason, ctx.now);
    return [cast, ...settlePoll(state, p, next, false, ctx.now)];
  },
  PostComment(state, command, ctx) {
    const p = authorise(state, ctx.actor, { type: 'comment', proposalId: command.proposalId }, ctx.now)!;
    const id = text('id', command.commentId);
    const existing = own(state.comments, p.id) ?? [];
    // Ids key the stored comment documents: a second comment with the same id would overwrite the first there.
    if (existing.some((c) => c.id === id)) {
      throw new DomainError('invalid_input', `There is already a comment ${id} on this proposal.`, {
        field: 'id',
      });
    }
    if (
      command.replyTo !== null &&
      command.replyTo !== undefined &&
      !existing.some((c) => c.id === command.replyTo)
    ) {
      throw new DomainError('comment_not_found', 'The comment you reply to does not exist.');
    }
    return [
      {
        type: 'CommentPosted',
        data: {
          id,
          proposalId: p.id,
          accountId: ctx.actor!,
          text: text('comment', command.text),
          replyTo: command.replyTo ?? null,
        },
      },
    ];
  },
  EditComment(state, command, ctx) {
    const intent = {
      type: 'edit_comment',
      proposalId: command.proposalId,
      commentId: command.commentId,
    } as const;
    const p = authorise(state, ctx.actor, intent, ctx.now)!;
    const c = requireComment(state, p.id, command.commentId);
    const next = text('comment', command.text);
    // An edit that changes nothing would only lengthen the history.
    if (next === c.text) return [];
    if ((c.edits?.length ?? 0) >= MAX_COMMENT_EDITS) {
      throw new DomainError(
        'invalid_input',
        `A comment can be edited at most ${MAX_COMMENT_EDITS} times; post a new one instead.`,
        { field: 'text' },
      );
    }
    return [{ type: 'CommentEdited', data: { proposalId: p.id, commentId: c.id, text: next } }];
  },
  DeleteComment(state, command, ctx) {
    const intent = {
      type: 'delete_comment',
      proposalId: command.proposalId,
      commentId: command.commentId,
    } as const;
    const p = authorise(state, ctx.actor, intent, ctx.now)!;
    return [{ type: 'CommentDeleted', data: { proposalId: p.id, commentId: command.commentId } }];
  },
  WithdrawProposal(state, command, ctx) {
    const core = state.core;
    const p = authorise(state, ctx.actor, { type: 'withdraw', proposalId: command.proposalId }, ctx.now)!;
    const events: DomainEvent[] = [{ type: 'ProposalWithdrawn', data: { proposalId: p.id } }];
    if (
      p.action.kind === 'admit_member' &&
      own(core.members, p.action.accountId)?.status === 'applicant' &&
      !otherOpenAdmission(state, p.action.accountId, p.id)
    ) {
      events.push({
        type: 'ApplicationDeclined',
        data: { proposalId: p.id, accountId: p.action.accountId },
      });
    }
    return events;
  },
  CloseProposal(state, command, ctx) {
    const p = requireProposal(state, command.proposalId);
    if (p.status !== 'open') throw new DomainError('proposal_closed', 'This proposal is already closed.');
    if (ctx.now < p.closesAt) {
      throw new DomainError('proposal_still_open', `This proposal closes at ${p.closesAt}.`, {
        closesAt: p.closesAt,
      });
    }
    return settle(state, p, [], true, ctx.now);
  },
} satisfies Deciders<
  | 'SubmitProposal'
  | 'TakePosition'
  | 'CastBallot'
  | 'PostComment'
  | 'EditComment'
  | 'DeleteComment'
  | 'WithdrawProposal'
  | 'CloseProposal'
>;

/** How many times one comment can be edited (its history is kept whole in the state). */
export const MAX_COMMENT_EDITS = 50;

/**
 * The comment `id` of a proposal, replaced in the draft's list by a copy (the list and the comment may still be the
 * published state's), for an evolver to change.
 */
function commentIn(w: Writer, e: EventEnvelope, proposalId: string, id: string): Comment {
  const list = w.comments(proposalId);
  const i = list.findIndex((c) => c.id === id);
  if (i < 0)
    throw new Error(
      `event ${e.type} refers to comment "${id}" of proposal "${proposalId}", which does not exist`,
    );
  const copy = { ...list[i]! };
  list[i] = copy;
  return copy;
}

/** Writes a position (or ballot), replacing the account's earlier one, and moves it in the counts. */
function putPosition(w: Writer, p: Proposal, next: Position): void {
  const positions = w.positions(p.id);
  const prev = own(positions, next.accountId);
  if (!prev) p.positionCount += 1;
  // A fresh counts object: the proposal is this draft's copy, but its counts may still be the published state's.
  const counts = { ...p.counts };
  recount(counts, prev, next);
  p.counts = counts;
  positions[next.accountId] = next;
}

export const proposalEvents = {
  ProposalOpened(w, e) {
    const id = e.data.id;
    w.proposals()[id] = proposalFromOpened(e.data, e.at);
    w.positions(id);
    w.comments(id);
  },
  PositionTaken(w, e) {
    const d = e.data;
    const p = proposalIn(w, e, d.proposalId);
    putPosition(w, p, {
      accountId: d.accountId,
      stance: d.stance,
      reason: d.reason,
      at: e.at,
      counted: inElectorate(w.state.core, p, d.accountId),
    });
  },
  BallotCast(w, e) {
    const d = e.data;
    const p = proposalIn(w, e, d.proposalId);
    putPosition(w, p, ballotPosition(w.state, p, d.accountId, d.ballot, d.reason, e.at));
  },
  CommentPosted(w, e) {
    proposalIn(w, e, e.data.proposalId).commentCount += 1;
    w.comments(e.data.proposalId).push({ ...e.data, at: e.at });
  },
  CommentEdited(w, e) {
    const c = commentIn(w, e, e.data.proposalId, e.data.commentId);
    c.edits = [...(c.edits ?? []), { text: c.text, until: e.at }];
    c.text = e.data.text;
  },
  CommentDeleted(w, e) {
    const c = commentIn(w, e, e.data.proposalId, e.data.commentId);
    // The state keeps the place in the discussion (replies to it stay) and drops what was said.
    c.text = '';
    delete c.edits;
    c.deletedAt = e.at;
  },
  ProposalWithdrawn(w, e) {
    proposalIn(w, e, e.data.proposalId).status = 'withdrawn';
  },
  ProposalDecided(w, e) {
    const p = proposalIn(w, e, e.data.proposalId);
    p.status = e.data.outcome.passed ? 'passed' : 'rejected';
    p.outcome = e.data.outcome;
    if (e.data.outcome.passed) p.execution = { done: true, error: null };
  },
  ActionFailed(w, e) {
    proposalIn(w, e, e.data.proposalId).execution = { done: false, error: e.data.error };
  },
  // A resolution changes nothing but the record of it, which is the log.
  ResolutionAdopted() {},
} satisfies Evolvers<
  | 'ProposalOpened'
  | 'PositionTaken'
  | 'BallotCast'
  | 'CommentPosted'
  | 'CommentEdited'
  | 'CommentDeleted'
  | 'ProposalWithdrawn'
  | 'ProposalDecided'
  | 'ActionFailed'
  | 'ResolutionAdopted'
>;
