// The `chambers` procedure of a commons: each stakeholder class decides as its own chamber by its own rule (a
// vote, consent or consensus, each tallied as `tallyCounts` tallies that procedure for the whole electorate), with
// optional vetoes and an optional weighted share of the classes (computed by `chambers` in weighted mode).
import { chambers as chambersMethod, type ChambersResult } from './chambers';
import type { YesNoCounts } from './majority';
import { tallyCounts, type Counts, type Procedure, type Reason } from './proposal';

type ChambersProcedure = Extract<Procedure, { type: 'chambers' }>;

/** One chamber's result: its class, its count, whether it passed (and whether it vetoed), and why. */
export interface ChamberOutcome {
  classId: string;
  weight: number;
  veto: boolean;
  /** The class's eligible members (`electorate`) and their positions by stance. */
  counts: Counts;
  passed: boolean;
  vetoed: boolean;
  reasons: Reason[];
}

/** A chambers decision: every chamber's result, and the weighted share when the procedure weighs its classes. */
export interface ChambersTally {
  chambers: ChamberOutcome[];
  weighted: { share: string; approx: string; threshold: string; met: boolean } | null;
}

export interface ChambersTallyInput {
  procedure: ChambersProcedure;
  /** The positions of the whole electorate, counted by stance (settles the proposal once everyone has voted). */
  counts: Counts;
  /** Each class's eligible members and their positions; a member of several classes counts in each. */
  classCounts: ReadonlyMap<string, Counts>;
  /** Class names for the sentences (the id where absent). */
  names?: ReadonlyMap<string, string>;
  final: boolean;
}

const zero = (): Counts => ({ agree: 0, abstain: 0, disagree: 0, block: 0, electorate: 0, participants: 0 });

/**
 * Decides a proposal under a `chambers` procedure. It passes when it passes in every chamber with members (a
 * class with no eligible member has no say), no chamber with a veto has a majority of its votes cast against it
 * (disagree or block; abstentions are not votes cast), and, with `weighted`, the weighted share of agree reaches
 * the threshold. Settled at the closing time, or earlier once the whole electorate has taken a position.
 */
export function tallyChambers(
  input: ChambersTallyInput,
): Omit<ReturnType<typeof tallyCounts>, 'counts'> & { counts: Counts; chambers: ChambersTally } {
  const proc = input.procedure;
  const settled = input.final || input.counts.participants === input.counts.electorate;
  const name = (id: string) => input.names?.get(id) ?? id;
  const results: ChamberOutcome[] = [];
  for (const spec of proc.chambers) {
    const counts = { ...(input.classCounts.get(spec.classId) ?? zero()) };
    const veto = spec.veto === true;
    const weight = spec.weight ?? 1;
    if (counts.electorate === 0) {
      results.push({
        classId: spec.classId,
        weight,
        veto,
        counts,
        passed: true,
        vetoed: false,
        reasons: [
          {
            code: 'chamber_empty',
            params: { chamber: spec.classId },
            text: `${name(spec.classId)} has no members who could take a position, so this chamber has no say.`,
          },
        ],
      });
      continue;
    }
    const rule = { ...spec.rule, hours: proc.hours } as Procedure;
    const tally = tallyCounts({ procedure: rule, counts, final: true });
    const reasons = [...tally.reasons];
    const against = counts.disagree + counts.block;
    const cast = counts.agree + against;
    const vetoed = veto && against * 2 > cast;
    if (vetoed)
      reasons.push({
        code: 'vetoed',
        params: { chamber: spec.classId, against, cast },
        text: `${name(spec.classId)} holds a veto and ${against} of ${cast} votes cast there were against: vetoed.`,
      });
    results.push({ classId: spec.classId, weight, veto, counts, passed: tally.passed, vetoed, reasons });
  }

  let weighted: ChambersTally['weighted'] = null;
  // A chamber without members has no say in the weighted share either.
  const voiced = results.filter((r) => r.counts.electorate > 0);
  if (proc.weighted && voiced.length > 0) {
    // The weighted share of agree among votes cast, by the methods' own chambers count (weighted mode); its
    // quorums and vetoes are the chambers' own above, so it is asked only for the share.
    const counts: Record<string, YesNoCounts> = Object.create(null) as Record<string, YesNoCounts>;
    for (const r of voiced)
      counts[r.classId] = {
        yes: r.counts.agree,
        no: r.counts.disagree + r.counts.block,
        abstain: r.counts.abstain,
      };
    const share: ChambersResult = chambersMethod(
      voiced.map((r) => ({ name: r.classId, weight: r.weight, base: 'cast' as const })),
      counts,
      { mode: 'weighted', threshold: proc.weighted.threshold, strict: proc.weighted.strict },
    );
    weighted = share.weighted;
  }

  const reasons: Reason[] = [];
  const failed = results.filter((r) => !r.passed);
  const vetoedBy = results.filter((r) => r.vetoed);
  for (const r of failed)
    reasons.push({
      code: 'chamber_failed',
      params: { chamber: r.classId },
      text: `It did not pass in ${name(r.classId)}: ${r.reasons.map((x) => x.text).join(' ')}`,
    });
  for (const r of vetoedBy)
    reasons.push({
      code: 'vetoed',
      params: { chamber: r.classId },
      text: `${name(r.classId)} vetoed it.`,
    });
  if (weighted)
    reasons.push({
      code: weighted.met ? 'weighted_met' : 'weighted_not_met',
      params: { share: weighted.share, threshold: weighted.threshold },
      text: `The classes' weighted share of agree is ${weighted.share} (≈ ${weighted.approx}); ${proc.weighted!.strict ? 'more than' : 'at least'} ${weighted.threshold} was needed.`,
    });
  const passed = failed.length === 0 && vetoedBy.length === 0 && (weighted?.met ?? true);
  if (failed.length === 0)
    reasons.unshift({
      code: 'chambers_passed',
      params: { chambers: results.length },
      text: `It passed in every chamber (${results.length}).`,
    });
  return {
    decided: settled,
    passed: settled && passed,
    counts: input.counts,
    reasons,
    chambers: { chambers: results, weighted },
  };
}
