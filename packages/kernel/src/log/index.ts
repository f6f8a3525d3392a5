// Public surface of the tamper-evident log: canonical JSON, records, RFC 6962 Merkle trees, checkpoints, verification.
export { canonicalJson } from './canonical-json';
export {
  GENESIS_PREV,
  RECORD_VERSION,
  RECORD_VERSIONS,
  chainRecords,
  decodeRecord,
  encodeRecord,
  isIsoTime,
  recordHash,
  recordLeafHash,
  recordVersionProblem,
  validateRecord,
  type ChainedRecord,
  type LogEventInput,
  type LogRecord,
  type RecordVersion,
} from './record';
export {
  CompactMerkleTree,
  consistencyProof,
  emptyRoot,
  fromHex,
  hashChildren,
  hashLeaf,
  inclusionProof,
  merkleRoot,
  rootFromInclusionProof,
  toHex,
  verifyConsistency,
  verifyInclusion,
  type CompactTreeState,
} from './merkle';
export {
  checkpointMessage,
  generateSigningKey,
  keyIdOf,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
  type SignedCheckpoint,
  type SigningKeyPair,
} from './checkpoint';
export {
  checkLogHead,
  verifyLog,
  type ConsistencyEvidence,
  type LogVerification,
  type StoredHead,
  type StoredRecord,
  type VerifyLogOptions,
  type VerifyWhere,
} from './verify';
export {
  checkExtension,
  EMPTY_POSITION,
  type ExtensionCheck,
  type LogPosition,
  type StoredColumns,
} from './extension';
