import { step, plural, DecisionInputError, type ExplanationStep } from './explain';
import { formatFraction, needed, reaches, type Fraction } from './fraction';

/** A yes/no question's choices; `abstain` is a recorded abstention (present, not voting). */
export type YesNoChoice = 'yes' | 'no' | 'abstain';

/** One ballot on a yes/no question, with an optional integer weight (default 1). */
export interface YesNoBallot {
  voter?: string;
  choice: YesNoChoice;
  weight?: number;
}

/** The counts of a yes/no question (weighted when ballots carry weights). */
export interface YesNoCounts {
  yes: number;
  no: number;
  abstain: number;
}

/**
 * What the threshold is a share of: `cast` (yes + no; abstentions do not count, Robert's Rules), `present`
 * (yes + no + abstain: an abstention works as a no) or `electorate` (every eligible member: silence works as a no).
 */
export type ThresholdBase = 'cast' | 'present' | 'electorate';

/** Options of a majority or supermajority vote. */
export interface MajorityOptions {
  /** Share of the base that must vote yes; default 1/2. */
  threshold?: Fraction;
  /** Whether yes must exceed the threshold (default: true for exactly 1/2, "more than half"; false otherwise, "at least 2/3"). */
  strict?: boolean;
  /** Default `cast`. */
  base?: ThresholdBase;
  /** Share of the electorate that must take part; none by default. */
  quorum?: Fraction;
  /** Whether abstentions count toward the quorum (`present`, default) or only yes and no votes (`cast`). */
  quorumCounts?: 'present' | 'cast';
  /** Number (or total weight) of eligible members; needed for a quorum or the `electorate` base. */
  electorate?: number;
}

/** The outcome of a majority vote with its counts and explanation. */
export interface MajorityResult {
  method: 'majority';
  passed: boolean;
  counts: YesNoCounts & { cast: number; present: number; electorate: number | null };
  threshold: string;
  strict: boolean;
  base: ThresholdBase;
  /** The least yes count that would have passed with this base. */
  yesNeeded: number;
  quorum: { required: string; turnout: number; needed: number; met: boolean } | null;
  explanation: ExplanationStep[];
}

/** Adds up yes/no ballots (weights are non-negative integers); throws on an unknown choice. */
export function countYesNo(ballots: readonly YesNoBallot[]): YesNoCounts {
  const counts: YesNoCounts = { yes: 0, no: 0, abstain: 0 };
  ballots.forEach((b, i) => {
    const w = b.weight ?? 1;
    if (!Number.isSafeInteger(w) || w < 0)
      throw new DecisionInputError(`ballot ${i + 1}: weight must be a non-negative integer`);
    if (b.choice !== 'yes' && b.choice !== 'no' && b.choice !== 'abstain') {
      throw new DecisionInputError(
        `ballot ${i + 1}: choice must be "yes", "no" or "abstain", not ${JSON.stringify(b.choice)}`,
      );
    }
    counts[b.choice] += w;
  });
  return counts;
}

/**
 * Majority or supermajority vote on one question with quorum and abstention rules. Variant: threshold as an exact
 * fraction of votes cast, of those present or of the electorate; quorum as a fraction of the electorate.
 * Source: Robert's Rules of Order Newly Revised, 12th ed. (2020), §44 (majority = more than half of votes cast,
 * abstentions not counted; two-thirds = at least two-thirds; "majority of members present/of the entire
 * membership" as the alternative bases) and §40 (quorum).
 */
export function majority(counts: YesNoCounts, options: MajorityOptions = {}): MajorityResult {
  const threshold = options.threshold ?? { num: 1, den: 2 };
  const strict = options.strict ?? threshold.num * 2 === threshold.den;
  const base = options.base ?? 'cast';
  const electorate = options.electorate ?? null;
  for (const k of ['yes', 'no', 'abstain'] as const) {
    if (!Number.isSafeInteger(counts[k]) || counts[k] < 0)
      throw new DecisionInputError(`${k} must be a non-negative integer`);
  }
  const cast = counts.yes + counts.no;
  const present = cast + counts.abstain;
  if ((options.quorum || base === 'electorate') && electorate === null) {
    throw new DecisionInputError(
      'the size of the electorate is needed for a quorum or an electorate-based threshold',
    );
  }
  if (electorate !== null && present > electorate) {
    throw new DecisionInputError(`${present} took part but the electorate is only ${electorate}`);
  }
  const explanation: ExplanationStep[] = [];
  const t = formatFraction(threshold);
  explanation.push(
    step(
      'counted',
      { yes: counts.yes, no: counts.no, abstain: counts.abstain },
      `Counted ${plural(counts.yes, 'yes', 'yes')}, ${plural(counts.no, 'no', 'no')} and ${plural(counts.abstain, 'abstention')}.`,
    ),
  );

  let quorum: MajorityResult['quorum'] = null;
  if (options.quorum && options.quorum.num > 0) {
    const turnout = options.quorumCounts === 'cast' ? cast : present;
    const q = formatFraction(options.quorum);
    const need = needed(electorate!, options.quorum, false);
    const met = reaches(turnout, electorate!, options.quorum, false);
    quorum = { required: q, turnout, needed: need, met };
    explanation.push(
      step(
        met ? 'quorum_met' : 'quorum_not_met',
        { turnout, electorate: electorate!, quorum: q, needed: need },
        met
          ? `Quorum met: ${turnout} of ${electorate} took part, at least ${need} (${q}) were needed.`
          : `Quorum not met: ${turnout} of ${electorate} took part, at least ${need} (${q}) were needed.`,
      ),
    );
  }

  const whole = base === 'cast' ? cast : base === 'present' ? present : electorate!;
  const baseText = {
    cast: 'of the votes cast',
    present: 'of those present',
    electorate: 'of the electorate',
  }[base];
  const yesNeeded = needed(whole, threshold, strict);
  const thresholdMet = whole > 0 && reaches(counts.yes, whole, threshold, strict);
  explanation.push(
    step(
      thresholdMet ? 'threshold_met' : 'threshold_not_met',
      { yes: counts.yes, base, whole, threshold: t, strict, yesNeeded },
      whole === 0
        ? `No votes counted ${baseText}, so the threshold cannot be met.`
        : `${counts.yes} yes ${baseText} (${whole}): ${strict ? 'more than' : 'at least'} ${t} means at least ${yesNeeded}, so the threshold was ${thresholdMet ? '' : 'not '}met.`,
    ),
  );
  const passed = thresholdMet && (quorum?.met ?? true);
  explanation.push(
    step(passed ? 'passed' : 'failed', {}, passed ? 'The proposal passed.' : 'The proposal did not pass.'),
  );
  return {
    method: 'majority',
    passed,
    counts: { ...counts, cast, present, electorate },
    threshold: t,
    strict,
    base,
    yesNeeded,
    quorum,
    explanation,
  };
}
