// Opinion mapping: Pol.is-compatible opinion groups, representative statements and bridging consensus.
// Variant and sources: docs/methods/opinion.md (Pol.is math, compdemocracy/polis math/src/polismath/math/*.clj;
// red-dwarf, polis-community/red-dwarf).
export {
  buildVoteMatrix,
  compareIds,
  matrixFromTriplets,
  voteCounts,
  type Conversation,
  type OpinionStatement,
  type OpinionVote,
  type VoteMatrix,
  type VoteTriplets,
  type VoteValue,
} from './matrix';
export {
  columnMeans,
  zeroImputedMeans,
  projectParticipants,
  projectStatements,
  votePca,
  type VotePca,
  type VotePcaOptions,
} from './pca';
export { kmeans, silhouette, type Cluster, type KmeansOptions, type Points } from './clusters';
export {
  commentPriorities,
  consensusStatements,
  groupAwareConsensus,
  groupCounts,
  propTest,
  representativeStatements,
  twoPropTest,
  Z_90,
  type ConsensusStatement,
  type GroupCounts,
  type RepStatement,
} from './repness';
export {
  computeOpinionMap,
  mapConversation,
  maxGroupCount,
  replayConversation,
  type MappedParticipant,
  type MappedStatement,
  type OpinionGroup,
  type OpinionMap,
  type OpinionOptions,
  type OpinionState,
  type OpinionVariant,
  VARIANT_DEFAULTS,
  type ReplayOptions,
  type SavedCluster,
} from './map';
export { adjustedRandIndex, adjustedRandIndexOf } from './ari';
export { explainOpinionMap } from './explain';
export { detectOpinionVariant } from './variant';
export {
  parseCsv,
  parseOpenDataComments,
  parseOpenDataGroups,
  parseOpenDataVotes,
  parseRedDwarfComments,
  parseRedDwarfVotes,
  polisGroupsFromMath,
  readConversationDir,
  type ImportedConversation,
  type PolisMath,
} from './import';
