// The plain reference MES: exact rationals, one budget per ballot type, every project evaluated every round.
// Slow but obviously faithful to the definition; the engine (mes-engine.ts) is tested against it.
import type { PbProfile } from './profile';
import { add, cmp, div, mulInt, type Rational, sub, ZERO } from './rational';
import type { TieBreaker } from './tie-break';
import type { MesUtility } from './mes-engine';

/** One round of the reference run: the winner and the exact maximum payment ρ per supporter. */
export interface ReferenceRound {
  project: number;
  rho: Rational;
}

/**
 * Method of Equal Shares for approval ballots, exactly as defined by Peters, Pierczyński and Skowron
 * ("Proportional Participatory Budgeting with Additive Utilities", NeurIPS 2021) in the equalshares.net
 * formulation: each round funds the affordable project with the smallest ρ/cost (cost utilities) or ρ
 * (approval utilities), each supporter paying min(budget, ρ). Ties go to `tie`.
 */
export function mesReferenceRun(
  profile: PbProfile,
  endowment: Rational,
  utility: MesUtility,
  tie: TieBreaker,
): ReferenceRound[] {
  const m = profile.projectIds.length;
  const T = profile.typeWeight.length;
  const budget: Rational[] = new Array<Rational>(T).fill(endowment);
  const remaining = new Set<number>();
  for (let c = 0; c < m; c++) if (profile.costs[c]!.num > 0n && profile.approvals[c]! > 0) remaining.add(c);
  const rounds: ReferenceRound[] = [];
  for (;;) {
    let best = -1;
    let bestKey: Rational | undefined;
    let bestRho: Rational | undefined;
    for (const c of [...remaining]) {
      const C = profile.costs[c]!;
      const supporters: { b: Rational; w: bigint }[] = [];
      let total = ZERO;
      for (let k = profile.projectTypeStart[c]!; k < profile.projectTypeStart[c + 1]!; k++) {
        const t = profile.projectTypes[k]!;
        const w = BigInt(profile.typeWeight[t]!);
        supporters.push({ b: budget[t]!, w });
        total = add(total, mulInt(budget[t]!, w));
      }
      if (cmp(total, C) < 0) {
        remaining.delete(c);
        continue;
      }
      supporters.sort((x, y) => cmp(x.b, y.b));
      let paid = ZERO;
      let count = 0n;
      for (const s of supporters) count += s.w;
      let rho: Rational | undefined;
      for (const s of supporters) {
        const share = div(sub(C, paid), { num: count, den: 1n });
        if (cmp(share, s.b) <= 0) {
          rho = share;
          break;
        }
        paid = add(paid, mulInt(s.b, s.w));
        count -= s.w;
      }
      const key = utility === 'cost' ? div(rho!, C) : rho!;
      const order = bestKey === undefined ? -1 : cmp(key, bestKey);
      if (order < 0 || (order === 0 && tie.compare(c, best) < 0)) {
        best = c;
        bestKey = key;
        bestRho = rho;
      }
    }
    if (best < 0) return rounds;
    rounds.push({ project: best, rho: bestRho! });
    remaining.delete(best);
    for (let k = profile.projectTypeStart[best]!; k < profile.projectTypeStart[best + 1]!; k++) {
      const t = profile.projectTypes[k]!;
      budget[t] = cmp(budget[t]!, bestRho!) > 0 ? sub(budget[t]!, bestRho!) : ZERO;
    }
  }
}
