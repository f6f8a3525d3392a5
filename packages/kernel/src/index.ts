export * from './types';
export * from './errors';
export * from './events';
export * from './commands';
export * from './templates';
export * from './constitution';
export { decide, validateAction } from './decide';
export { LIMITS, TEXT_PATTERN, IdSchema, ClassesSchema, textSchema, objectSchema } from './input';
export * from './actions';
export { applyEvent, Draft, evolve, replay, initialState } from './evolve';
export { OverlayDraft } from './overlay-draft';
export { lastChangeOf, revisionOf, type RecordChange } from './overlay';
export { dict, dictOf, own } from './dict';
export * from './read-model';
export { envelopesOf, envelopesOfRecord, foldRecords, foldRecordsInPlace, stateFromRecords } from './replay';
export {
  checkDraftRules,
  replayUnderDraft,
  type DraftRules,
  type NotReplayable,
  type NotReplayableCode,
  type ReplayDifference,
  type ReplayOutcome,
  type ReplayResult,
} from './rules/replay';
export { decodeState, encodeState, STATE_VERSION } from './state-snapshot';
export {
  upcast,
  UPCAST_STEPS,
  UPCASTERS,
  type StoredEvent,
  type UpcastFn,
  type Upcasters,
  type UpcastStep,
  type UpcastSteps,
} from './upcast';
export { checkDisplayName, normaliseEmail } from './names';
export { findMentions, mentionedAccounts, mentionToken, type Mention } from './mentions';
export * from './procedures';
export * from './rules';
export { can, inElectorate, type Intent, type Permission } from './policy';
export {
  BallotSchema,
  blankBallot,
  checkBallot,
  checkQuestion,
  QuestionSchema,
  QUESTION_LIMITS,
} from './poll';
export * from './resources';
// Rules for rules: triggers, reviews and sunsets.
export {
  checkTriggers,
  describeTrigger,
  nextConstitution,
  triggerDueAt,
  triggersFiredBy,
} from './rules/triggers';
export {
  checkReviewDates,
  checkSunsets,
  decisionReviewId,
  decisionsUnder,
  dueRuleEvents,
  nextRulesDue,
  ruleReviewId,
  sunsetFallback,
} from './rules/reviews';
