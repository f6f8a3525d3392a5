import { step, DecisionInputError, type ExplanationStep } from './explain';
import { formatFraction, Rational, type Fraction } from './fraction';
import { majority, type MajorityResult, type ThresholdBase, type YesNoCounts } from './majority';

/** One stakeholder class voting as its own chamber. */
export interface Chamber {
  name: string;
  /** Eligible members in this class (needed for a quorum or the `electorate` base). */
  electorate?: number;
  /** Default 1/2 (strictly more than half). */
  threshold?: Fraction;
  strict?: boolean;
  base?: ThresholdBase;
  quorum?: Fraction;
  quorumCounts?: 'present' | 'cast';
  /** Weight of the class in `weighted` mode (a non-negative integer, default 1). */
  weight?: number;
  /** In `weighted` mode, a class with a veto must also pass on its own. */
  veto?: boolean;
}

/** How the chambers combine: all must pass (`concurrent`), or a weighted sum of the classes' yes shares. */
export interface ChambersOptions {
  mode?: 'concurrent' | 'weighted';
  /** In `weighted` mode: the share the weighted yes share must reach (default 1/2, strictly above). */
  threshold?: Fraction;
  strict?: boolean;
}

/** The outcome of a multi-chamber decision: per chamber and combined. */
export interface ChambersResult {
  method: 'chambers';
  mode: 'concurrent' | 'weighted';
  passed: boolean;
  chambers: {
    name: string;
    passed: boolean;
    weight: number;
    veto: boolean;
    yesShare: string | null;
    result: MajorityResult;
  }[];
  /** In weighted mode: the combined weighted yes share (exact fraction) and the threshold. */
  weighted: { share: string; approx: string; threshold: string; met: boolean } | null;
  explanation: ExplanationStep[];
}

/**
 * Chambers (concurrent majorities): a decision must pass in each stakeholder class by that class's own threshold
 * and quorum; or, in `weighted` mode, the classes' yes shares are combined by class weights (every quorum must still
 * be met and classes with a veto must pass on their own). Sources: multi-stakeholder co-operative practice,
 * e.g. Eroski and the Quebec solidarity co-operatives (class-weighted votes), and the concurrent-majority idea of
 * bicameral legislatures; M. Lund, Solidarity as a Business Model (Cooperative Development Center, 2011), ch. 4.
 */
export function chambers(
  defs: readonly Chamber[],
  counts: Readonly<Record<string, YesNoCounts>>,
  options: ChambersOptions = {},
): ChambersResult {
  if (defs.length === 0) throw new DecisionInputError('there are no chambers');
  const mode = options.mode ?? 'concurrent';
  const names = new Set<string>();
  for (const d of defs) {
    if (typeof d.name !== 'string' || d.name === '')
      throw new DecisionInputError('every chamber needs a name');
    if (names.has(d.name)) throw new DecisionInputError(`chamber "${d.name}" is defined twice`);
    names.add(d.name);
    if (d.weight !== undefined && (!Number.isSafeInteger(d.weight) || d.weight < 0))
      throw new DecisionInputError(`chamber "${d.name}": weight must be a non-negative integer`);
  }
  for (const n of Object.keys(counts))
    if (!names.has(n)) throw new DecisionInputError(`votes for an unknown chamber "${n}"`);
  const explanation: ExplanationStep[] = [];
  const results: ChambersResult['chambers'] = [];
  for (const d of defs) {
    const c = counts[d.name] ?? { yes: 0, no: 0, abstain: 0 };
    const r = majority(c, {
      threshold: d.threshold,
      strict: d.strict,
      base: d.base,
      quorum: d.quorum,
      quorumCounts: d.quorumCounts,
      electorate: d.electorate,
    });
    const whole =
      r.base === 'cast'
        ? r.counts.cast
        : r.base === 'present'
          ? r.counts.present
          : (r.counts.electorate ?? 0);
    const share = whole > 0 ? new Rational(BigInt(c.yes), BigInt(whole)) : null;
    results.push({
      name: d.name,
      passed: r.passed,
      weight: d.weight ?? 1,
      veto: d.veto ?? false,
      yesShare: share?.toString() ?? null,
      result: r,
    });
    const why = r.explanation
      .filter((s) => s.code !== 'counted' && s.code !== 'passed' && s.code !== 'failed')
      .map((s) => s.text)
      .join(' ');
    explanation.push(
      step(
        r.passed ? 'chamber_passed' : 'chamber_failed',
        { chamber: d.name, yes: c.yes, no: c.no, abstain: c.abstain, threshold: r.threshold },
        `${d.name}: ${c.yes} yes, ${c.no} no, ${c.abstain} abstained. ${why} It ${r.passed ? 'passed' : 'did not pass'} in this chamber.`,
      ),
    );
  }
  let passed: boolean;
  let weighted: ChambersResult['weighted'] = null;
  if (mode === 'concurrent') {
    passed = results.every((r) => r.passed);
    const failed = results.filter((r) => !r.passed).map((r) => r.name);
    explanation.push(
      step(
        passed ? 'passed' : 'failed',
        { failed },
        passed
          ? 'It passed in every chamber, so the decision passed.'
          : `It did not pass in ${failed.join(', ')}; every chamber must agree, so the decision did not pass.`,
      ),
    );
  } else {
    const threshold = options.threshold ?? { num: 1, den: 2 };
    const strict = options.strict ?? threshold.num * 2 === threshold.den;
    let sum = new Rational(0n);
    let totalWeight = 0n;
    for (const r of results) {
      if (r.weight === 0) continue;
      totalWeight += BigInt(r.weight);
      if (r.yesShare !== null) {
        const c = counts[r.name]!;
        const whole =
          r.result.base === 'cast'
            ? r.result.counts.cast
            : r.result.base === 'present'
              ? r.result.counts.present
              : r.result.counts.electorate!;
        sum = sum.add(new Rational(BigInt(c.yes) * BigInt(r.weight), BigInt(whole)));
      }
    }
    if (totalWeight === 0n) throw new DecisionInputError('the chamber weights add up to zero');
    const share = sum.div(new Rational(totalWeight));
    const cmp = share.cmp(new Rational(BigInt(threshold.num), BigInt(threshold.den)));
    const met = strict ? cmp > 0 : cmp >= 0;
    weighted = {
      share: share.toString(),
      approx: share.toDecimal(4),
      threshold: formatFraction(threshold),
      met,
    };
    explanation.push(
      step(
        met ? 'weighted_met' : 'weighted_not_met',
        {
          share: share.toString(),
          threshold: formatFraction(threshold),
          weights: results.map((r) => `${r.name}=${r.weight}`),
        },
        `Weighting each chamber's yes share (${results.map((r) => `${r.name} ${r.yesShare ?? 'none'} × ${r.weight}`).join(', ')}) gives ${share} (≈ ${share.toDecimal(4)}); ${strict ? 'more than' : 'at least'} ${formatFraction(threshold)} was needed.`,
      ),
    );
    const quorumFailed = results.filter((r) => r.result.quorum && !r.result.quorum.met).map((r) => r.name);
    const vetoed = results.filter((r) => r.veto && !r.passed).map((r) => r.name);
    if (quorumFailed.length)
      explanation.push(
        step(
          'quorum_not_met',
          { chambers: quorumFailed },
          `The quorum was not met in ${quorumFailed.join(', ')}.`,
        ),
      );
    if (vetoed.length)
      explanation.push(
        step(
          'vetoed',
          { chambers: vetoed },
          `${vetoed.join(', ')} ${vetoed.length === 1 ? 'holds' : 'hold'} a veto and did not approve: the decision is vetoed.`,
        ),
      );
    passed = met && quorumFailed.length === 0 && vetoed.length === 0;
    explanation.push(
      step(passed ? 'passed' : 'failed', {}, passed ? 'The decision passed.' : 'The decision did not pass.'),
    );
  }
  return { method: 'chambers', mode, passed, chambers: results, weighted, explanation };
}

/** Adds up per-class yes/no ballots into counts per chamber (weights are non-negative integers). */
export function countChambers(
  ballots: readonly { chamber: string; choice: 'yes' | 'no' | 'abstain'; weight?: number }[],
): Record<string, YesNoCounts> {
  const out: Record<string, YesNoCounts> = {};
  ballots.forEach((b, i) => {
    const w = b.weight ?? 1;
    if (!Number.isSafeInteger(w) || w < 0)
      throw new DecisionInputError(`ballot ${i + 1}: weight must be a non-negative integer`);
    if (b.choice !== 'yes' && b.choice !== 'no' && b.choice !== 'abstain')
      throw new DecisionInputError(`ballot ${i + 1}: choice must be "yes", "no" or "abstain"`);
    const c = (out[b.chamber] ??= { yes: 0, no: 0, abstain: 0 });
    c[b.choice] += w;
  });
  return out;
}
