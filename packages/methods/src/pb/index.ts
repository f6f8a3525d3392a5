// Participatory budgeting: Pabulib `.pb` files, greedy rules and the Method of Equal Shares (exact outcomes,
// fast). See docs/methods/pb.md for the variants, their sources and how the fast path is proven identical.
export { parsePb, readPbFile, writePb } from './format';
export type { PbInstance, PbProject, PbVoter, PbVoteType } from './format';
export { buildProfile, totalCost } from './profile';
export type { PbProfile } from './profile';
export { greedy, greedyIndices } from './greedy';
export type {
  GreedyDecision,
  GreedyOptions,
  GreedyOutcome,
  GreedyResult,
  GreedyStep,
  GreedyVariant,
} from './greedy';
export { compareOutcomes, equalShares } from './mes';
export type {
  MesComparison,
  MesCompletion,
  MesOptions,
  MesOutcome,
  MesRoundExplained,
  MesUnfunded,
} from './mes';
export { exactRho, MesEngine } from './mes-engine';
export type { MesArithmetic, MesRound, MesRun, MesRunStats, MesUtility } from './mes-engine';
export { mesReferenceRun } from './mes-reference';
export type { ReferenceRound } from './mes-reference';
export { DEFAULT_TIE_BREAK, lotRanks, makeTieBreaker, parseTieBreak } from './tie-break';
export type { TieBreakCriterion, TieBreaker, TieDecidedBy } from './tie-break';
export { moneyText, parseDecimal, rat, toDecimal, toFractionString, toNumber } from './rational';
export type { Rational } from './rational';
export { tallyPb } from './tally';
export type { PbRule, TallyPbOptions, TallyPbResult } from './tally';
