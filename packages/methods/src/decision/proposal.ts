// The tally the kernel uses to decide a proposal under its constitution's procedure. Each outcome carries the
// counts and reasons (stable codes with parameters and an English sentence) so that it explains itself.

/** A fraction compared exactly by cross-multiplication, never as a float. */
export interface Ratio {
  num: number;
  den: number;
}

/** A member's stance on a proposal. `block` is an objection under consent and a block under consensus. */
export type Stance = 'agree' | 'abstain' | 'disagree' | 'block';

/** How abstentions count in a vote: toward quorum only, not at all, or as votes against. */
export type AbstentionRule = 'quorum_only' | 'ignored' | 'against';

/**
 * How a poll's ballots are counted: approval, score (range), dots (cumulative points), ranked choice by Schulze or
 * by instant-runoff under RCTab's rules, or quadratic voting with voice credits (`tallyPoll`, ./poll.ts).
 */
export type PollMethod = 'approval' | 'score' | 'dots' | 'schulze' | 'irv' | 'quadratic';

/**
 * How an election to a role's seats is counted (`tallyElection`, ./election.ts): Schulze or instant-runoff (RCTab
 * rules) for one seat; STV under RCTab's rules or the Scottish rules (SSI 2007/42) for one or more.
 */
export type ElectionMethod = 'schulze' | 'irv' | 'stv' | 'scottish_stv';

/** How one kind of action is decided. */
export type Procedure =
  | {
      type: 'automatic';
      /**
       * Do-ocracy's objection window in hours: decided at its end unless a member's objection (block) stands.
       * Absent or 0: carried out at once.
       */
      objectionHours?: number;
    }
  | { type: 'role'; objectionHours: number }
  | { type: 'consent'; hours: number }
  | { type: 'consensus'; hours: number; minParticipation: Ratio }
  | {
      type: 'vote';
      hours: number;
      threshold: Ratio;
      /** true: the agree share must be strictly above the threshold (a simple majority is > 1/2). */
      strict: boolean;
      quorum: Ratio;
      abstentions: AbstentionRule;
      /** Members may delegate their vote (liquid delegation, resolved at the close as LiquidFeedback does). */
      delegation?: boolean;
    }
  | {
      /** A question with alternatives, decided by the method at the closing time (or once everyone has voted). */
      type: 'poll';
      hours: number;
      method: PollMethod;
      /** score: the lowest and highest score a ballot may give. */
      min?: number;
      max?: number;
      /** dots: the points each ballot may spread over the options. */
      points?: number;
      /** quadratic: each ballot's voice credits (n votes on one option cost n²). */
      credits?: number;
    }
  | {
      /** Each stakeholder class votes as its own chamber by its own rule; the proposal must pass in every one. */
      type: 'chambers';
      hours: number;
      chambers: ChamberSpec[];
      /** With class weights: the weighted share of agree (each chamber's share × its weight) must also reach this. */
      weighted?: { threshold: Ratio; strict: boolean };
    }
  | {
      /**
       * An election to a role (only `elect_role`): nominations and acceptances for `nominationHours` (0: until the
       * proposer opens the ballot), then ranked ballots on the accepted candidates, counted by `method`.
       */
      type: 'election';
      nominationHours: number;
      hours: number;
      method: ElectionMethod;
    };

/** A chamber's own rule, decided on its class's positions: a vote with a quorum of its members, consent or consensus. */
export type ChamberRule =
  | { type: 'vote'; threshold: Ratio; strict: boolean; quorum: Ratio; abstentions: AbstentionRule }
  | { type: 'consent' }
  | { type: 'consensus'; minParticipation: Ratio };

/** One chamber of a `chambers` procedure: the members of one stakeholder class. */
export interface ChamberSpec {
  /** The stakeholder class whose members sit in this chamber. */
  classId: string;
  rule: ChamberRule;
  /** With `weighted`: the class's weight, a positive whole number (default 1). */
  weight?: number;
  /** Whether this class can veto: a majority of its votes cast against (disagree or block) rejects the proposal. */
  veto?: boolean;
}

export interface Reason {
  code: string;
  params: Record<string, string | number>;
  text: string;
}

export interface Counts {
  agree: number;
  abstain: number;
  disagree: number;
  block: number;
  electorate: number;
  participants: number;
}

export interface ProposalTallyInput {
  procedure: Procedure;
  /** Who may take a position (account ids). Positions from anyone else are ignored. */
  electorate: readonly string[];
  /** One position per account; if an account is listed twice, the later entry replaces the earlier one. */
  positions: readonly { accountId: string; stance: Stance }[];
  /** For `role`: the holders of a role whose mandate covers the action. */
  deciders?: readonly string[];
  /** true at the closing time; false when checking whether the outcome is already settled. */
  final: boolean;
}

export interface ProposalTally {
  /** Whether the outcome is settled (always true when final). */
  decided: boolean;
  passed: boolean;
  counts: Counts;
  participants: string[];
  reasons: Reason[];
}

/** True when a/b >= n/d (or > when strict), by integer cross-multiplication. */
export function meetsRatio(a: number, b: number, ratio: Ratio, strict: boolean): boolean {
  if (b === 0) return false;
  let left: number | bigint = a * ratio.den;
  let right: number | bigint = ratio.num * b;
  // Past 2^53 a float product is rounded, and products a unit apart compare equal: redo them as integers.
  if (
    (!Number.isSafeInteger(left) || !Number.isSafeInteger(right)) &&
    [a, b, ratio.num, ratio.den].every(Number.isSafeInteger)
  ) {
    left = BigInt(a) * BigInt(ratio.den);
    right = BigInt(ratio.num) * BigInt(b);
  }
  return strict ? left > right : left >= right;
}

function fmt(r: Ratio): string {
  return `${r.num}/${r.den}`;
}

/**
 * Decides a proposal under one of the kernel's procedures: automatic, role decides (with an optional objection
 * window), consent (no standing objection), consensus (no block, minimum participation) or a vote with
 * threshold, quorum and abstention rule (Robert's Rules of Order, 12th ed., §44 for majority and two-thirds;
 * abstentions as the constitution says). Early settlement only when every eligible member has taken a position
 * (or, for a role decision without objection window, when a holder has decided).
 */
export function tallyProposal(input: ProposalTallyInput): ProposalTally {
  const eligible = new Set(input.electorate);
  const counts: Counts = {
    agree: 0,
    abstain: 0,
    disagree: 0,
    block: 0,
    electorate: eligible.size,
    participants: 0,
  };
  const latest = new Map<string, Stance>();
  for (const p of input.positions) latest.set(p.accountId, p.stance);
  const participants: string[] = [];
  for (const [accountId, stance] of latest) {
    if (!eligible.has(accountId)) continue;
    counts[stance] += 1;
    participants.push(accountId);
  }
  counts.participants = participants.length;
  const deciders = new Set(input.deciders ?? []);
  const deciderPositions: DeciderPosition[] = [];
  for (const [accountId, stance] of latest) {
    if (deciders.has(accountId))
      deciderPositions.push({ accountId, stance, counted: eligible.has(accountId) });
  }
  return { ...tallyCounts({ ...input, counts, deciderPositions }), participants };
}

/** A position of a holder of the deciding role, and whether it is in the counts (its holder is in the electorate). */
export interface DeciderPosition {
  accountId: string;
  stance: Stance;
  counted: boolean;
}

export interface CountsTallyInput {
  procedure: Procedure;
  /** The positions of the electorate, counted by stance, and the electorate's size. */
  counts: Counts;
  /** For `role`: the holders of a role whose mandate covers the action. */
  deciders?: readonly string[];
  /** For `role`: the deciders' positions in the order they were taken (one per decider). */
  deciderPositions?: readonly DeciderPosition[];
  final: boolean;
}

/**
 * The same decision as `tallyProposal`, from counts kept as positions arrive (the kernel keeps them per proposal,
 * so a position costs the same on a proposal of ten members as of a hundred thousand): every procedure needs only
 * the counts, and `role` the few positions of the mandate's holders.
 */
export function tallyCounts(input: CountsTallyInput): Omit<ProposalTally, 'participants'> {
  const counts = input.counts;
  const everyone = counts.participants === counts.electorate;
  const settled = input.final || everyone;
  const proc = input.procedure;

  const result = (decided: boolean, passed: boolean, reasons: Reason[]) => ({
    decided,
    passed: decided && passed,
    counts,
    reasons,
  });

  switch (proc.type) {
    case 'automatic':
      if (proc.objectionHours !== undefined && proc.objectionHours > 0) {
        // Settled at the window's end, or once everyone has taken a position; an objection stands until then.
        if (counts.block > 0) {
          return result(settled, false, [
            {
              code: 'objection_stands',
              params: { objections: counts.block },
              text: `${counts.block} objection(s) stood at the end of the objection window, so it is not done.`,
            },
          ]);
        }
        return result(settled, true, [
          {
            code: 'no_objection_in_window',
            params: { hours: proc.objectionHours },
            text: `No member objected within ${proc.objectionHours} hours, so it is done.`,
          },
        ]);
      }
      return result(true, true, [
        { code: 'automatic', params: {}, text: 'This kind of action is automatic under the constitution.' },
      ]);

    case 'consent': {
      if (counts.block > 0) {
        return result(settled, false, [
          {
            code: 'objection_stands',
            params: { objections: counts.block },
            text: `${counts.block} objection(s) stood at close, so consent was not given.`,
          },
        ]);
      }
      return result(settled, true, [
        {
          code: 'no_objection',
          params: { participants: counts.participants, electorate: counts.electorate },
          text: `No objection stood at close (${counts.participants} of ${counts.electorate} members took a position).`,
        },
      ]);
    }

    case 'consensus': {
      const reasons: Reason[] = [];
      const enough = meetsRatio(counts.participants, counts.electorate, proc.minParticipation, false);
      if (counts.block > 0) {
        reasons.push({
          code: 'blocked',
          params: { blocks: counts.block },
          text: `${counts.block} member(s) blocked, so there is no consensus.`,
        });
      }
      if (!enough) {
        reasons.push({
          code: 'participation_short',
          params: {
            participants: counts.participants,
            electorate: counts.electorate,
            required: fmt(proc.minParticipation),
          },
          text: `Only ${counts.participants} of ${counts.electorate} members took part; consensus needs at least ${fmt(proc.minParticipation)}.`,
        });
      }
      if (reasons.length > 0) return result(settled, false, reasons);
      return result(settled, true, [
        {
          code: 'consensus_reached',
          params: { participants: counts.participants, electorate: counts.electorate },
          text: `No block and ${counts.participants} of ${counts.electorate} members took part: consensus reached.`,
        },
      ]);
    }

    case 'vote': {
      const reasons: Reason[] = [];
      const against = counts.disagree + counts.block + (proc.abstentions === 'against' ? counts.abstain : 0);
      const turnout =
        proc.abstentions === 'ignored' ? counts.agree + counts.disagree + counts.block : counts.participants;
      const quorumMet = meetsRatio(turnout, counts.electorate, proc.quorum, false) || proc.quorum.num === 0;
      const denominator = counts.agree + against;
      const thresholdMet = meetsRatio(counts.agree, denominator, proc.threshold, proc.strict);
      if (!quorumMet) {
        reasons.push({
          code: 'quorum_not_met',
          params: { turnout, electorate: counts.electorate, quorum: fmt(proc.quorum) },
          text: `Quorum not met: ${turnout} of ${counts.electorate} took part, ${fmt(proc.quorum)} needed.`,
        });
      }
      reasons.push(
        thresholdMet
          ? {
              code: 'threshold_met',
              params: { agree: counts.agree, against, threshold: fmt(proc.threshold) },
              text: `${counts.agree} agreed and ${against} did not: ${proc.strict ? 'more than' : 'at least'} ${fmt(proc.threshold)} agreed.`,
            }
          : {
              code: 'threshold_not_met',
              params: { agree: counts.agree, against, threshold: fmt(proc.threshold) },
              text: `${counts.agree} agreed and ${against} did not: ${proc.strict ? 'more than' : 'at least'} ${fmt(proc.threshold)} was needed.`,
            },
      );
      return result(settled, quorumMet && thresholdMet, reasons);
    }

    case 'poll':
      // A poll's outcome depends on its ballots, which counts by stance do not hold.
      throw new Error('a poll is tallied from its ballots by tallyPoll, not from counts');

    case 'election':
      throw new Error('an election is tallied from its ranked ballots by tallyElection, not from counts');
    case 'chambers':
      // Chambers need the counts of each class, which the counts of the whole electorate do not hold.
      throw new Error('chambers are tallied from the counts of each class by tallyChambers');

    case 'role': {
      const deciders = new Set(input.deciders ?? []);
      let approvals = 0;
      let refusals = 0;
      let decidedBy = '';
      // Objections are the electorate's blocks, less those of holders (a holder's block is a refusal).
      let objections = counts.block;
      for (const p of input.deciderPositions ?? []) {
        if (!deciders.has(p.accountId)) continue;
        if (p.counted && p.stance === 'block') objections -= 1;
        if (p.stance === 'agree') {
          approvals += 1;
          decidedBy ||= p.accountId;
        } else if (p.stance === 'disagree' || p.stance === 'block') {
          refusals += 1;
          decidedBy = p.accountId;
        }
      }
      if (refusals > 0) {
        return result(true, false, [
          {
            code: 'role_refused',
            params: { by: decidedBy },
            text: 'A holder of the mandate decided against it.',
          },
        ]);
      }
      if (approvals === 0) {
        return result(input.final, false, [
          {
            code: 'role_no_decision',
            params: { deciders: deciders.size },
            text:
              deciders.size === 0
                ? 'No one holds a role whose mandate covers this action.'
                : 'No holder of the mandate decided before the closing time.',
          },
        ]);
      }
      if (proc.objectionHours > 0) {
        if (objections > 0) {
          return result(input.final, false, [
            {
              code: 'objection_stands',
              params: { objections },
              text: `A holder of the mandate approved, but ${objections} member objection(s) stood at the end of the objection window.`,
            },
          ]);
        }
        return result(input.final, true, [
          {
            code: 'role_approved_no_objection',
            params: { by: decidedBy, hours: proc.objectionHours },
            text: `A holder of the mandate approved and no member objected within ${proc.objectionHours} hours.`,
          },
        ]);
      }
      return result(true, true, [
        { code: 'role_approved', params: { by: decidedBy }, text: 'A holder of the mandate approved it.' },
      ]);
    }
  }
}
