// The Method of Equal Shares engine: one run for one endowment, in two arithmetics that decide identically.
//
// Voters are grouped by their "footprint", the set of funded projects they approve: after any number of
// rounds a voter's budget is max(0, e - sum of ρ over the footprint), so a group shares one budget. Groups
// split when a project is funded (its supporters move to a child group). A project's ρ only grows from round
// to round, so stale keys are lower bounds and only the few projects near the top are re-evaluated (lazy).
//
// `fast`: every budget, ρ and key is a double with a rigorous bound on its distance to the exact value.
// A decision (affordable or not, which supporters are capped, which project wins) is taken in floating
// point only when the bounds make it certain; otherwise the numbers involved are recomputed in exact
// rationals from the footprints (the exact ρ of earlier rounds is computed on demand and memoised), and
// the decision is taken on those. Equal keys therefore always reach the exact tie-break. See docs/methods/pb.md.
//
// `exact`: every evaluation in bigint rationals; the same grouping and lazy order.
import type { PbProfile } from './profile';
import { add, cmp, div, mulInt, type Rational, rat, sub, toNumber, ZERO } from './rational';
import type { TieBreaker } from './tie-break';

export type MesUtility = 'cost' | 'approval';
export type MesArithmetic = 'fast' | 'exact';

/** One funded project of a run, with the numbers that explain it (floats, accurate to ~1e-12 relative). */
export interface MesRound {
  project: number;
  /** Maximum payment per supporter. */
  rho: number;
  /** cost / ρ: how many supporters would pay the maximum if everyone paid it. */
  effectiveVotes: number;
  supporters: number;
  /** Supporters who could not pay ρ and gave all they had left, and what they gave in total. */
  capped: number;
  cappedPaid: number;
  /** How the winner was established: float bounds, an exact comparison, or an exact tie-break. */
  decidedBy: 'bounds' | 'exact' | 'tie-break';
}

export interface MesRunStats {
  evaluations: number;
  exactEvaluations: number;
  exactRhoReplays: number;
  /** Voter groups (distinct footprints) at the end of the run: the size of the working state. */
  groups: number;
}

export interface MesRun {
  endowment: Rational;
  winners: number[];
  rounds: MesRound[];
  stats: MesRunStats;
  /** For each project not funded: its supporters' remaining money at the end (only with `explain`). */
  moneyBehind?: Float64Array;
}

const U = 2 ** -53;

/** Reusable state for running MES many times on one profile (Add1 re-runs it for each endowment). */
export class MesEngine {
  private readonly m: number;
  private readonly T: number;
  private cap = 0;
  private gW = new Int32Array(0);
  private gB = new Float64Array(0);
  private gD = new Float64Array(0);
  private gFp = new Int32Array(0);
  private gZero = new Uint8Array(0);
  private cnt = new Int32Array(0);
  private G = 0;
  private readonly typeGroup: Int32Array;
  private childOf = new Int32Array(0);
  private live: number[][] = [];
  private all: number[][] = [];
  // footprint nodes: parent, round, memoised exact spending along the chain
  private fpParent: number[] = [];
  private fpRound: number[] = [];
  private fpSpent: (Rational | undefined)[] = [];
  // per run
  private e: Rational = ZERO;
  private eF = 0;
  private winners: number[] = [];
  private rhoX: (Rational | undefined)[] = [];
  private readonly status: Int8Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private readonly dirty: Uint8Array;
  private readonly rhoF: Float64Array;
  private readonly rhoE: Float64Array;
  private readonly certain: Uint8Array;
  private keyX: (Rational | undefined)[];
  private rhoXc: (Rational | undefined)[];
  private stats: MesRunStats = { evaluations: 0, exactEvaluations: 0, exactRhoReplays: 0, groups: 0 };
  // scratch for float evaluation
  private sb = new Float64Array(0);
  private sd = new Float64Array(0);
  private sn = new Float64Array(0);
  private sc = new Uint8Array(0);

  constructor(
    private readonly profile: PbProfile,
    private readonly utility: MesUtility,
    private readonly tie: TieBreaker,
  ) {
    this.m = profile.projectIds.length;
    this.T = profile.typeWeight.length;
    this.typeGroup = new Int32Array(this.T);
    const m = this.m;
    this.status = new Int8Array(m);
    this.lo = new Float64Array(m);
    this.hi = new Float64Array(m);
    this.dirty = new Uint8Array(m);
    this.rhoF = new Float64Array(m);
    this.rhoE = new Float64Array(m);
    this.certain = new Uint8Array(m);
    this.keyX = new Array(m);
    this.rhoXc = new Array(m);
    this.grow(64);
  }

  private grow(need: number): void {
    if (need <= this.cap) return;
    const cap = Math.max(need, this.cap * 2);
    const copy = <A extends Int32Array | Float64Array | Uint8Array>(a: A, n: number): A => {
      const b = new (a.constructor as new (n: number) => A)(n);
      b.set(a.subarray(0, Math.min(a.length, n)));
      return b;
    };
    this.gW = copy(this.gW, cap);
    this.gB = copy(this.gB, cap);
    this.gD = copy(this.gD, cap);
    this.gFp = copy(this.gFp, cap);
    this.gZero = copy(this.gZero, cap);
    this.childOf = copy(this.childOf, cap);
    this.childOf.fill(-1, this.cap);
    this.cnt = copy(this.cnt, cap * this.m);
    this.sb = new Float64Array(cap);
    this.sd = new Float64Array(cap);
    this.sn = new Float64Array(cap);
    this.sc = new Uint8Array(cap);
    this.cap = cap;
  }

  /** Runs MES with every voter starting at `endowment`. Pure: the result depends only on the inputs. */
  run(endowment: Rational, arithmetic: MesArithmetic = 'fast', explain = false): MesRun {
    const { profile, m } = this;
    this.e = endowment;
    this.eF = toNumber(endowment);
    this.stats = { evaluations: 0, exactEvaluations: 0, exactRhoReplays: 0, groups: 0 };
    this.winners = [];
    this.rhoX = [];
    this.fpParent = [-1];
    this.fpRound = [-1];
    this.fpSpent = [ZERO];
    // one group holding everyone
    this.G = 1;
    this.cnt.fill(0, 0, m);
    this.gW[0] = profile.voters;
    this.gB[0] = this.eF;
    // an integral endowment below 2^53 is exact as a double; anything else starts with its rounding error
    this.gD[0] = endowment.den === 1n && Math.abs(this.eF) < 2 ** 53 ? 0 : 2 * U * this.eF;
    this.gFp[0] = 0;
    this.gZero[0] = endowment.num === 0n ? 1 : 0;
    this.typeGroup.fill(0);
    this.live = [];
    this.all = [];
    for (let c = 0; c < m; c++) {
      this.cnt[c] = profile.approvals[c]!;
      this.live.push(profile.approvals[c]! > 0 ? [0] : []);
      this.all.push(profile.approvals[c]! > 0 ? [0] : []);
      const eligible = profile.costs[c]!.num > 0n && profile.approvals[c]! > 0;
      this.status[c] = eligible ? 0 : 2;
      this.lo[c] = 0;
      this.hi[c] = 0;
      this.dirty[c] = 1;
      this.keyX[c] = undefined;
      this.rhoXc[c] = undefined;
    }
    const rounds: MesRound[] = [];
    for (;;) {
      const choice = this.chooseWinner(arithmetic);
      if (choice === undefined) break;
      rounds.push(this.pay(choice.winner, choice.decidedBy));
    }
    this.stats.groups = this.G;
    const result: MesRun = { endowment, winners: this.winners.slice(), rounds, stats: this.stats };
    if (explain) {
      const behind = new Float64Array(m);
      for (let c = 0; c < m; c++) {
        if (this.winners.includes(c)) continue;
        let s = 0;
        for (const g of this.all[c]!) s += this.cnt[g * m + c]! * (this.gZero[g] ? 0 : this.gB[g]!);
        behind[c] = s;
      }
      result.moneyBehind = behind;
    }
    return result;
  }

  /** Picks this round's winner, or undefined when no project is affordable. */
  private chooseWinner(
    arithmetic: MesArithmetic,
  ): { winner: number; decidedBy: MesRound['decidedBy'] } | undefined {
    const { m, status, lo, hi, dirty } = this;
    const overlap: number[] = [];
    let best = -1;
    for (;;) {
      best = -1;
      let bestLo = Infinity;
      for (let c = 0; c < m; c++) {
        if (status[c] === 0 && lo[c]! < bestLo) {
          bestLo = lo[c]!;
          best = c;
        }
      }
      if (best < 0) return undefined;
      if (dirty[best]) {
        this.evaluate(best, arithmetic);
        continue;
      }
      overlap.length = 0;
      let reevaluated = false;
      const top = hi[best]!;
      for (let d = 0; d < m; d++) {
        if (d === best || status[d] !== 0 || lo[d]! > top) continue;
        if (dirty[d]) {
          this.evaluate(d, arithmetic);
          reevaluated = true;
        } else overlap.push(d);
      }
      if (!reevaluated) break;
    }
    if (overlap.length === 0) return { winner: best, decidedBy: arithmetic === 'exact' ? 'exact' : 'bounds' };
    // Keys too close for the float bounds (or equal): decide on exact keys, then the tie-break chain.
    const cands = [best, ...overlap];
    let winner = -1;
    let winKey: Rational | undefined;
    let tied = false;
    for (const c of cands) {
      const key = this.keyX[c] ?? this.exactKey(c);
      if (key === undefined) continue; // exactly unaffordable: dropped by exactKey
      const order = winKey === undefined ? -1 : cmp(key, winKey);
      if (order === 0) tied = true;
      if (order < 0 || (order === 0 && this.tie.compare(c, winner) < 0)) {
        if (order < 0) tied = false;
        winner = c;
        winKey = key;
      }
    }
    if (winner < 0) return this.chooseWinner(arithmetic);
    return { winner, decidedBy: tied ? 'tie-break' : 'exact' };
  }

  /** Re-evaluates project c for the current budgets: drops it, or sets its key bounds. */
  private evaluate(c: number, arithmetic: MesArithmetic): void {
    this.stats.evaluations++;
    this.dirty[c] = 0;
    this.keyX[c] = undefined;
    this.rhoXc[c] = undefined;
    if (arithmetic === 'fast' && this.evaluateFloat(c)) return;
    this.exactKey(c);
  }

  /** Float evaluation with error bounds; false when a decision inside it is not certain. */
  private evaluateFloat(c: number): boolean {
    const { m, cnt, gB, gD, gZero, sb, sd, sn, sc } = this;
    const list = this.live[c]!;
    const C = this.profile.costNumbers[c]!;
    let k = 0;
    let S = 0;
    let Sd = 0;
    let N = 0;
    let w = 0;
    for (let i = 0; i < list.length; i++) {
      const g = list[i]!;
      const n = cnt[g * m + c]!;
      if (n === 0 || gZero[g]) continue;
      list[w++] = g;
      const b = gB[g]!;
      sb[k] = b;
      sd[k] = gD[g]!;
      sn[k] = n;
      sc[k] = 0;
      S += n * b;
      Sd += n * gD[g]!;
      N += n;
      k++;
    }
    list.length = w;
    const errA = Sd + 2 * (k + 2) * U * S + 8 * U * (S + C);
    if (S + errA < C) {
      this.status[c] = 2;
      return true;
    }
    if (S - errA < C) return false;
    let SK = 0;
    let DK = 0;
    let NU = N;
    let rho = C / N;
    for (;;) {
      let changed = false;
      for (let i = 0; i < k; i++) {
        if (sc[i] === 0 && sb[i]! < rho) {
          sc[i] = 1;
          SK += sn[i]! * sb[i]!;
          DK += sn[i]! * sd[i]!;
          NU -= sn[i]!;
          changed = true;
        }
      }
      if (!changed) break;
      if (NU <= 0) return false;
      rho = (C - SK) / NU;
    }
    const E = (DK + 2 * (k + 2) * U * SK + 4 * U * Math.abs(C - SK)) / NU + 4 * U * rho;
    const eta = 8 * U * this.eF;
    const low = rho - E - eta;
    const high = rho + E + eta;
    for (let i = 0; i < k; i++) {
      if (sc[i] === 1 ? sb[i]! + sd[i]! >= low : sb[i]! - sd[i]! <= high) return false;
    }
    const key = this.utility === 'cost' ? rho / C : rho;
    const keyErr = this.utility === 'cost' ? E / C + 4 * U * key : E;
    this.lo[c] = key - keyErr - 4 * U * key;
    this.hi[c] = key + keyErr + 4 * U * key;
    this.rhoF[c] = rho;
    this.rhoE[c] = E;
    this.certain[c] = 1;
    return true;
  }

  /** Exact budget of group g before round r (max(0, e - ρ over its footprint's earlier rounds)). */
  private budgetAt(g: number, r: number): Rational {
    let node = this.gFp[g]!;
    while (this.fpRound[node]! >= r) node = this.fpParent[node]!;
    const b = sub(this.e, this.spent(node));
    return b.num > 0n ? b : ZERO;
  }

  private spent(node: number): Rational {
    const memo = this.fpSpent[node];
    if (memo !== undefined) return memo;
    // iterative to keep the stack shallow: collect the unmemoised chain, then fill it top-down
    const chain: number[] = [];
    let n = node;
    while (this.fpSpent[n] === undefined) {
      chain.push(n);
      n = this.fpParent[n]!;
    }
    let acc = this.fpSpent[n]!;
    for (let i = chain.length - 1; i >= 0; i--) {
      acc = add(acc, this.rhoAt(this.fpRound[chain[i]!]!));
      this.fpSpent[chain[i]!] = acc;
    }
    return acc;
  }

  /** Exact ρ of the project funded in round r (memoised; recomputed from footprints when first needed). */
  private rhoAt(r: number): Rational {
    const memo = this.rhoX[r];
    if (memo !== undefined) return memo;
    this.stats.exactRhoReplays++;
    const c = this.winners[r]!;
    const entries: { b: Rational; n: number }[] = [];
    for (const g of this.all[c]!) {
      const n = this.cnt[g * this.m + c]!;
      if (n === 0) continue;
      const b = this.budgetAt(g, r);
      if (b.num > 0n) entries.push({ b, n });
    }
    const rho = exactRho(entries, this.profile.costs[c]!);
    if (rho === undefined) throw new Error('internal: a funded project is not affordable in exact replay');
    this.rhoX[r] = rho;
    return rho;
  }

  /** Exact key of project c now; drops it and returns undefined when it is exactly unaffordable. */
  private exactKey(c: number): Rational | undefined {
    this.stats.exactEvaluations++;
    const r = this.winners.length;
    const entries: { b: Rational; n: number }[] = [];
    for (const g of this.all[c]!) {
      const n = this.cnt[g * this.m + c]!;
      if (n === 0 || this.gZero[g]) continue;
      const b = this.budgetAt(g, r);
      if (b.num > 0n) entries.push({ b, n });
    }
    const C = this.profile.costs[c]!;
    const rho = exactRho(entries, C);
    this.dirty[c] = 0;
    if (rho === undefined) {
      this.status[c] = 2;
      return undefined;
    }
    const key = this.utility === 'cost' ? div(rho, C) : rho;
    const kf = toNumber(key);
    this.keyX[c] = key;
    this.rhoXc[c] = rho;
    this.certain[c] = 0;
    this.lo[c] = kf - 8 * U * kf;
    this.hi[c] = kf + 8 * U * kf;
    this.rhoF[c] = toNumber(rho);
    return key;
  }

  private newFp(parent: number, round: number): number {
    this.fpParent.push(parent);
    this.fpRound.push(round);
    this.fpSpent.push(undefined);
    return this.fpParent.length - 1;
  }

  /** Funds `w`: its supporters pay, their groups split off, and every project they support gets dirty. */
  private pay(w: number, decidedBy: MesRound['decidedBy']): MesRound {
    const { m, profile } = this;
    const r = this.winners.length;
    const exact = this.certain[w] === 0;
    const rhoExact = exact ? this.rhoXc[w]! : undefined;
    if (exact) this.rhoX[r] = rhoExact;
    const rho = this.rhoF[w]!;
    const E = this.rhoE[w]!;
    let capped = 0;
    let cappedPaid = 0;
    const touched: number[] = [];
    for (const g of this.all[w]!) {
      const n = this.cnt[g * m + w]!;
      if (n === 0 || this.gZero[g]) continue;
      let nb: number;
      let nd: number;
      let zero: number;
      if (exact) {
        const before = this.budgetAt(g, r);
        const after = sub(before, rhoExact!);
        if (after.num <= 0n) {
          capped += n;
          cappedPaid += n * toNumber(before);
          nb = 0;
          nd = 0;
          zero = 1;
        } else {
          nb = toNumber(after);
          nd = 4 * U * this.eF;
          zero = 0;
        }
      } else if (this.gB[g]! < rho) {
        capped += n;
        cappedPaid += n * this.gB[g]!;
        nb = 0;
        nd = 0;
        zero = 1;
      } else {
        nb = this.gB[g]! - rho;
        nd = this.gD[g]! + E + 2 * U * this.eF;
        zero = 0;
      }
      const fp = this.newFp(this.gFp[g]!, r);
      if (n === this.gW[g]) {
        this.gB[g] = nb;
        this.gD[g] = nd;
        this.gZero[g] = zero;
        this.gFp[g] = fp;
        touched.push(g, -1);
      } else {
        this.grow(this.G + 1);
        const h = this.G++;
        this.gW[h] = n;
        this.gW[g]! -= n;
        this.gB[h] = nb;
        this.gD[h] = nd;
        this.gZero[h] = zero;
        this.gFp[h] = fp;
        this.cnt.fill(0, h * m, h * m + m);
        this.childOf[g] = h;
        touched.push(g, h);
      }
    }
    const { typeWeight, typeStart, typeProjects, projectTypeStart, projectTypes } = profile;
    const cnt = this.cnt;
    for (let k = projectTypeStart[w]!; k < projectTypeStart[w + 1]!; k++) {
      const t = projectTypes[k]!;
      const g = this.typeGroup[t]!;
      const h = this.childOf[g]!;
      if (h < 0) {
        if (!this.gZero[g] || this.fpRound[this.gFp[g]!] === r)
          for (let j = typeStart[t]!; j < typeStart[t + 1]!; j++) this.dirty[typeProjects[j]!] = 1;
        continue;
      }
      const wt = typeWeight[t]!;
      this.typeGroup[t] = h;
      for (let j = typeStart[t]!; j < typeStart[t + 1]!; j++) {
        const p = typeProjects[j]!;
        cnt[g * m + p]! -= wt;
        if (cnt[h * m + p] === 0) {
          this.all[p]!.push(h);
          if (!this.gZero[h]) this.live[p]!.push(h);
        }
        cnt[h * m + p]! += wt;
        this.dirty[p] = 1;
      }
    }
    for (let i = 0; i < touched.length; i += 2) this.childOf[touched[i]!] = -1;
    this.winners.push(w);
    this.status[w] = 1;
    const rhoOut = exact ? toNumber(rhoExact!) : rho;
    const C = profile.costNumbers[w]!;
    return {
      project: w,
      rho: rhoOut,
      effectiveVotes: C / rhoOut,
      supporters: profile.approvals[w]!,
      capped,
      cappedPaid,
      decidedBy,
    };
  }
}

/**
 * The smallest ρ with Σ n·min(b, ρ) = cost over the supporters' exact budgets, or undefined when their money
 * does not cover the cost. Iterates "cap everyone below the equal share" until stable (ρ only grows).
 */
export function exactRho(
  entries: readonly { b: Rational; n: number }[],
  cost: Rational,
): Rational | undefined {
  let total = ZERO;
  for (const { b, n } of entries) total = add(total, mulInt(b, BigInt(n)));
  if (cmp(total, cost) < 0) return undefined;
  const capped = new Uint8Array(entries.length);
  let paid = ZERO;
  let count = 0;
  for (const { n } of entries) count += n;
  let rho = div(cost, rat(count));
  for (;;) {
    let changed = false;
    for (let i = 0; i < entries.length; i++) {
      if (capped[i] === 0 && cmp(entries[i]!.b, rho) < 0) {
        capped[i] = 1;
        paid = add(paid, mulInt(entries[i]!.b, BigInt(entries[i]!.n)));
        count -= entries[i]!.n;
        changed = true;
      }
    }
    if (!changed) return rho;
    rho = div(sub(cost, paid), rat(count));
  }
}
