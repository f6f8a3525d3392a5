// Replay of a commons' recorded history under a draft constitution: each decided proposal counted again by the
// rule the draft gives its kind, with the positions and ballots as they stood at its close, and every outcome that
// would have differed listed beside the recorded one. (Not `../replay.ts`, which folds stored records into state.)
//
// What "under the draft" means: the draft is an amendment's rules (some kinds of action, each with a procedure).
// Each named kind is replayed as if the draft's rule had been in force for the whole history, whatever version of
// the constitution decided a proposal then; a kind the draft does not name keeps the rule it was decided by, and a
// proposal whose recorded rule is the draft's own keeps its recorded outcome. Each decision is replayed on the
// history as it happened: a different outcome's consequences are not followed (an admission that would have
// failed still leaves its member in the later electorates; an amendment that would have failed still changed the
// later rules). Positions are those taken by the decision, counted as at the closing time: a draft procedure that
// would have settled earlier, before the later positions came, is not modelled. Roles and stakeholder classes are
// the commons' own as they are now, read at each decision's time where they keep one (a holder's term); under a
// draft that gives a kind to a role, a holder's recorded position is their decision (agree approves, disagree or
// block refuses), as it is when a role decides live.
import { checkAction } from '../actions';
import { dict, own } from '../dict';
import { DomainError } from '../errors';
import { classCounts, decidedByOf, decidersInOrder, pollDecision, tallyDecision } from '../modules/proposals';
import { checkBallot } from '../poll';
import type {
  ActionKind,
  ChambersTally,
  CommonsCore,
  CommonsState,
  Counts,
  Member,
  PollBallot,
  PollTally,
  Position,
  Procedure,
  Proposal,
  Question,
  Reason,
} from '../types';

/** A draft's rules: the shape of an amendment's (`amend_constitution`'s `rules`). */
export type DraftRules = Partial<Record<ActionKind, Procedure>>;

/** One decision as it was recorded or as the draft would have taken it: the procedure, the counts and why. */
export interface ReplayOutcome {
  passed: boolean;
  procedure: Procedure;
  counts: Counts;
  reasons: Reason[];
  /** Under a role procedure, the holder who decided. */
  decidedBy: string | null;
  poll?: PollTally;
  chambers?: ChambersTally;
}

/** A decided proposal whose outcome the draft would have changed. */
export interface ReplayDifference {
  proposalId: string;
  title: string;
  kind: ActionKind;
  decidedAt: string;
  /** The constitution version it was decided under. */
  ruleVersion: number;
  /** A poll's question, for its options' labels. */
  question?: Question;
  recorded: ReplayOutcome;
  draft: ReplayOutcome;
}

/** Why a decided proposal could not be counted again under the draft. */
export type NotReplayableCode =
  /** The draft gives its kind to a role, and no holder of that role took a position on it. */
  | 'role_never_acted'
  /** The draft makes it a poll, but it was asked as a yes or no: there are no options or ballots to count. */
  | 'no_question'
  /** It was a poll, and the draft asks a yes or no: ballots on options are not positions on the action. */
  | 'ballots_not_positions'
  /** It was a poll, and its ballots do not fit the draft's poll (another method, another range). */
  | 'ballots_do_not_fit';

export interface NotReplayable {
  proposalId: string;
  title: string;
  kind: ActionKind;
  code: NotReplayableCode;
  /** One plain English sentence (the web app renders its own from the code). */
  reason: string;
}

export interface ReplayResult {
  /** The draft's rules, normalised as an amendment's are. */
  rules: DraftRules;
  summary: {
    /** Decided proposals in the history (passed or rejected); open and withdrawn ones decided nothing. */
    decided: number;
    /** Decided proposals the draft leaves as they were: their kind keeps the rule that decided it. */
    unchanged: number;
    /** Decided proposals counted again under another rule the draft gives their kind. */
    replayed: number;
    /** Of those, how many would have gone the other way (or chosen another option). */
    differ: number;
    /** Decided proposals that could not be replayed (listed in `notReplayable`). */
    notReplayable: number;
  };
  /** In the order they were decided (then by id). */
  differences: ReplayDifference[];
  notReplayable: NotReplayable[];
}

/**
 * The draft's rules checked and normalised exactly as an amendment's are (`amend_constitution`'s check against the
 * commons: known kinds, valid procedures, a poll only for resolutions, chambers naming its classes), or the
 * DomainError an amendment with these rules would get.
 */
export function checkDraftRules(core: CommonsCore, rules: unknown): DraftRules {
  const action = checkAction(core, { kind: 'amend_constitution', rules: rules as DraftRules }, null);
  return (action as Extract<typeof action, { kind: 'amend_constitution' }>).rules;
}

/** Whether two JSON values are equal (objects by their keys in any order): two rules, as stored and as drafted. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(y, k) && sameJson(x[k], y[k]));
}

/**
 * The electorate's standing on a decided proposal at its close: the counts it kept and its positions, by account.
 * Positions cannot change after a decision, so the state's are those at the close.
 * Delegation (issue 11) enters here: where a member's vote was cast by a delegate, resolve it into these counts
 * and positions, and the draft counts what the live path counted.
 */
function standingAtClose(
  state: CommonsState,
  proposal: Proposal,
): { counts: Counts; positions: Record<string, Position> } {
  return {
    counts: { ...proposal.counts },
    positions: own(state.positions, proposal.id) ?? dict<Position>(),
  };
}

/**
 * Holders at `at` of a role whose mandate covers `kind`, as the roles remember them now: in their term then and
 * still members (a holder who left since is no longer listed).
 */
function holdersAt(core: CommonsCore, kind: ActionKind, at: string): string[] {
  const out = new Set<string>();
  for (const roleId of Object.keys(core.roles)) {
    const role = core.roles[roleId]!;
    if (!role.mandate.includes(kind)) continue;
    for (const h of role.holders)
      if (
        h.since <= at &&
        (h.until === null || h.until > at) &&
        own(core.members, h.accountId)?.status === 'member'
      )
        out.add(h.accountId);
  }
  return [...out];
}

/** Whether `m` is a member now, admitted up to an electorate's number. */
const admittedBy = (m: Member | undefined, upTo: number) =>
  m !== undefined && m.status === 'member' && m.admission > 0 && m.admission <= upTo;

/** The admission numbers of each stakeholder class's current members, ascending: a class's electorate by search. */
interface ClassIndex {
  admissions: Map<string, number[]>;
  /** The classes' names by id, for a chamber's reasons. */
  names: Map<string, string>;
}

function classIndex(core: CommonsCore): ClassIndex {
  const out = new Map<string, number[]>(core.classes.map((c) => [c.id, []]));
  for (const accountId of Object.keys(core.members)) {
    const m = core.members[accountId]!;
    if (m.status !== 'member' || m.admission <= 0) continue;
    for (const classId of new Set(m.classes)) out.get(classId)?.push(m.admission);
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return { admissions: out, names: new Map(core.classes.map((c) => [c.id, c.name])) };
}

/** How many of the ascending `list` are at most `n`. */
function atMost(list: readonly number[], n: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! <= n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Each stakeholder class's electorate and counted positions at the close, as the membership remembers it: the
 * members of the class admitted up to the electorate's number, and whoever's position was counted (a member who
 * left since without taking a position is not known to have been one then, and is left out of the class's count).
 * The same counts the live path's `classCounts` reads from the membership at the decision, found from the
 * proposal's positions and a search per class, so that a proposal costs its positions, not the membership.
 */
function classCountsAtClose(
  index: ClassIndex,
  core: CommonsCore,
  proposal: Proposal,
  positions: Record<string, Position>,
): Map<string, Counts> {
  const e = proposal.electorate;
  const positionOf = (accountId: string) => own(positions, accountId);
  // An electorate listed by account (before record version 2): from the membership, as the live path counted it.
  if ('accounts' in e)
    return classCounts(core, (id) => positionOf(id)?.counted === true || e.accounts.includes(id), positionOf);
  const out = new Map<string, Counts>();
  for (const c of core.classes)
    out.set(c.id, {
      agree: 0,
      abstain: 0,
      disagree: 0,
      block: 0,
      electorate: atMost(index.admissions.get(c.id) ?? [], e.admittedUpTo),
      participants: 0,
    });
  for (const accountId of Object.keys(positions)) {
    const position = positions[accountId]!;
    if (!position.counted) continue;
    const m = own(core.members, accountId);
    if (!m) continue;
    const counted = admittedBy(m, e.admittedUpTo);
    const classes = m.classes;
    for (let i = 0; i < classes.length; i++) {
      const classId = classes[i]!;
      // Each class once (a member's list is short: no Set per position).
      if (classes.indexOf(classId) !== i) continue;
      const c = out.get(classId);
      if (!c) continue;
      if (!counted) c.electorate += 1;
      c[position.stance] += 1;
      c.participants += 1;
    }
  }
  return out;
}

function recordedOf(proposal: Proposal): ReplayOutcome {
  const o = proposal.outcome!;
  return {
    passed: o.passed,
    procedure: o.procedure,
    counts: o.counts,
    reasons: o.reasons,
    decidedBy: o.decidedBy,
    ...(o.poll ? { poll: o.poll } : {}),
    ...(o.chambers ? { chambers: o.chambers } : {}),
  };
}

type Replayed = { outcome: ReplayOutcome } | { code: NotReplayableCode; reason: string };

/** One decided proposal counted under `procedure` (through the live path's tallies) from its standing at close. */
function replayOne(
  state: CommonsState,
  proposal: Proposal,
  procedure: Procedure,
  index: () => ClassIndex,
): Replayed {
  const core = state.core;
  const { counts, positions } = standingAtClose(state, proposal);
  const positionOf = (accountId: string) => own(positions, accountId);
  const decidedAt = proposal.outcome!.decidedAt;
  if (procedure.type === 'poll') {
    const question = proposal.question;
    if (proposal.procedure.type !== 'poll' || !question)
      return {
        code: 'no_question',
        reason: 'It was asked as a yes or no; a poll needs options and ballots, which it has none of.',
      };
    // Ballots in account order, as the live path counts them.
    const ballots: PollBallot[] = [];
    for (const accountId of Object.keys(positions).sort()) {
      const p = positions[accountId]!;
      if (!p.counted || !p.ballot) continue;
      try {
        ballots.push(checkBallot(procedure, question, p.ballot));
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        return {
          code: 'ballots_do_not_fit',
          reason: `Its ballots were cast for ${proposal.procedure.method} and do not fit the draft's poll: ${e.message}`,
        };
      }
    }
    const { passed, reason, tally } = pollDecision(procedure, question, ballots);
    return { outcome: { passed, procedure, counts, reasons: [reason], decidedBy: null, poll: tally } };
  }
  if (proposal.procedure.type === 'poll')
    return {
      code: 'ballots_not_positions',
      reason:
        'It was a poll: its ballots chose between options and are not positions for or against the action.',
    };
  const deciders = procedure.type === 'role' ? holdersAt(core, proposal.action.kind, decidedAt) : [];
  // A holder who decided it then was one, even if no longer listed (who left a role leaves its holders).
  const by = proposal.outcome!.decidedBy;
  if (procedure.type === 'role' && by !== null && !deciders.includes(by)) deciders.push(by);
  const deciderPositions = decidersInOrder(deciders, positionOf);
  if (procedure.type === 'role' && deciders.length > 0 && deciderPositions.length === 0)
    return {
      code: 'role_never_acted',
      reason: 'The draft gives it to a role, and no holder of that role took a position on it.',
    };
  const { chambers, ...tally } = tallyDecision({
    procedure,
    counts,
    deciders,
    deciderPositions,
    classCounts: () => classCountsAtClose(index(), core, proposal, positions),
    names: index().names,
    final: true,
  });
  return {
    outcome: {
      passed: tally.passed,
      procedure,
      counts: tally.counts,
      reasons: tally.reasons,
      decidedBy: decidedByOf(procedure, tally.reasons, deciderPositions),
      ...(chambers ? { chambers } : {}),
    },
  };
}

/** Whether the draft's outcome differs: passed or not, or for a poll that passed both ways the option chosen. */
function differs(a: ReplayOutcome, b: ReplayOutcome): boolean {
  if (a.passed !== b.passed) return true;
  if (a.passed && a.poll && b.poll) return a.poll.winners.join('\u0000') !== b.poll.winners.join('\u0000');
  return false;
}

/**
 * Replays every decided proposal of the commons under the draft's rules (checked as an amendment's: a bad draft
 * throws its DomainError) and lists the outcomes that would have differed, each beside the recorded one, with a
 * summary. Pure: it reads the state and changes nothing.
 */
export function replayUnderDraft(state: CommonsState, draft: unknown): ReplayResult {
  const rules = checkDraftRules(state.core, draft);
  const decided: Proposal[] = [];
  for (const id of Object.keys(state.proposals)) {
    const p = state.proposals[id]!;
    if ((p.status === 'passed' || p.status === 'rejected') && p.outcome) decided.push(p);
  }
  decided.sort((a, b) => {
    const x = a.outcome!.decidedAt;
    const y = b.outcome!.decidedAt;
    return x !== y ? (x < y ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  const differences: ReplayDifference[] = [];
  const notReplayable: NotReplayable[] = [];
  let replayed = 0;
  // The classes' admission numbers and names, built once if a chamber is counted.
  let classes: ClassIndex | undefined;
  const index = () => (classes ??= classIndex(state.core));
  for (const proposal of decided) {
    const kind = proposal.action.kind;
    const procedure = own(rules, kind);
    if (!procedure || sameJson(procedure, proposal.outcome!.procedure)) continue;
    const result = replayOne(state, proposal, procedure, index);
    if ('code' in result) {
      notReplayable.push({ proposalId: proposal.id, title: proposal.title, kind, ...result });
      continue;
    }
    replayed += 1;
    const recorded = recordedOf(proposal);
    if (!differs(recorded, result.outcome)) continue;
    differences.push({
      proposalId: proposal.id,
      title: proposal.title,
      kind,
      decidedAt: proposal.outcome!.decidedAt,
      ruleVersion: proposal.outcome!.ruleVersion,
      ...(proposal.question ? { question: proposal.question } : {}),
      recorded,
      draft: result.outcome,
    });
  }
  return {
    rules,
    summary: {
      decided: decided.length,
      unchanged: decided.length - replayed - notReplayable.length,
      replayed,
      differ: differences.length,
      notReplayable: notReplayable.length,
    },
    differences,
    notReplayable,
  };
}
