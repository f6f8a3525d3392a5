/**
 * The log record: one event of a commons, committing to the record before it. A record's body is its canonical
 * JSON; its hash is SHA-256 of the body's UTF-8 bytes; its Merkle leaf is hashLeaf of the same bytes.
 */
import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** `prev` of the first record (seq 0): 64 zeros. */
export const GENESIS_PREV = '0'.repeat(64);

/**
 * The version of the event catalogue new records are written under (their `v`). A change to the shape of an event
 * bumps it, with the step that upcasts the old shape (`../upcast.ts`); stored records are never rewritten.
 */
export const RECORD_VERSION = 4;

/**
 * The record versions this code reads, oldest first; the compiler keeps RECORD_VERSION last. Version 2: a
 * proposal's electorate is a rule and a number (`ProposalOpened.electorate`), no longer a list of accounts. Version
 * 3: polls (the `poll` procedure, a question on `ProposalOpened`, `BallotCast`, a poll's count on `ProposalDecided`);
 * no version-2 event changed its shape, and the version tells an older server it cannot read these records, instead
 * of letting it meet event types it does not know.
 * Chambers came within version 3: a procedure type (in rules and ProposalOpened) and an optional field of
 * ProposalDecided's outcome (`chambers`), no new event and no changed shape, so no new version: every version-3
 * record reads as it did. Polls and chambers were released together (no server ever wrote version 3 without
 * chambers), so no server that reads version 3 lacks chambers; a later addition of this kind takes a new version.
 * Version 4, released as one (no server wrote version 4 without all of these): comments edited and deleted by their
 * authors (`CommentEdited`, `CommentDeleted`); elections to roles (the `election` procedure, the `elect_role`
 * action, `CandidateNominated`, `NominationAccepted`, `NominationDeclined`, `ElectionBallotOpened`,
 * `RoleHoldersElected`, an election's count on ProposalDecided's outcome) and liquid delegation (`DelegationSet`,
 * `DelegationRevoked`, a procedure's `delegation` flag, the weights on an outcome); rules for rules: a
 * constitution's optional `tiers` and `domains` (in CommonsCreated and ConstitutionAmended) and an amendment's
 * (ProposalOpened's action), rules that change themselves, review dates and sunsets (`RuleTriggered`,
 * `RuleLapsed`, `ReviewOpened`, `ReviewAnswered`, a constitution's optional `triggers`, `reviews`, `sunsets` and
 * `changedBy`, an amendment's, and `ProposalOpened.reviewAt`), and the automatic procedure's optional objection window (the version keeps a server
 * that would ignore tiers, deciding an amendment by the wrong procedure, from reading these records); resources
 * (pools and their ledgers, bookings: `PoolCreated`, `TransactionRecorded`, `BookingMade`, `BookingCancelled`, the
 * `by_amount` procedure type and a role's `excludeProposer`); new events and optional fields only, no version-3
 * event changed its shape, and the version tells an older server it cannot read these records.
 */
export const RECORD_VERSIONS = [1, 2, 3, 4] as const satisfies readonly [...number[], typeof RECORD_VERSION];

/** A record version this code reads. */
export type RecordVersion = (typeof RECORD_VERSIONS)[number];

/** One record of a commons' log. */
export interface LogRecord {
  /** The version of the event catalogue `type` and `data` were written under (one of the versions read). */
  v: number;
  commons: string;
  seq: number;
  /** Hex SHA-256 of the previous record's canonical encoding, or GENESIS_PREV for seq 0. */
  prev: string;
  /** ISO 8601 / RFC 3339 time of the event. */
  at: string;
  actor: string | null;
  type: string;
  data: unknown;
}

/** An event to be chained into the log. */
export interface LogEventInput {
  type: string;
  data: unknown;
  actor: string | null;
  at: string;
}

/** A record with its canonical body and hash, ready to be stored. */
export interface ChainedRecord {
  record: LogRecord;
  body: string;
  hash: string;
}

const RECORD_KEYS = ['actor', 'at', 'commons', 'data', 'prev', 'seq', 'type', 'v'];
const RECORD_KEY_SET = new Set(RECORD_KEYS);
const HEX_HASH = /^[0-9a-f]{64}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Whether a string is an RFC 3339 date-time (the form Date.prototype.toISOString writes). */
export function isIsoTime(s: unknown): s is string {
  return typeof s === 'string' && ISO_TIME.test(s) && Number.isFinite(Date.parse(s));
}

/** What is wrong with a record version outside `versions` (oldest first), naming the versions read; or null. */
export function recordVersionProblem(v: unknown, versions: readonly number[]): string | null {
  if (typeof v === 'number' && versions.includes(v)) return null;
  const oldest = versions[0];
  const newest = versions[versions.length - 1];
  const reads =
    oldest === newest
      ? `record version ${String(oldest)}`
      : `record versions ${String(oldest)} to ${String(newest)}`;
  const why =
    typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1
      ? 'not a version number'
      : newest !== undefined && v > newest
        ? 'written by a newer version of peergov, which this one will not guess at: upgrade to read it'
        : 'older than any this code still reads';
  return `unsupported version ${JSON.stringify(v)}: this code reads ${reads} (${why})`;
}

/**
 * Throws a clear error unless `r` is a well-formed log record of one of `versions` (by default the ones this code
 * reads). The version only says how to read `type` and `data`: the record's fields are the same in every version.
 */
export function validateRecord(
  r: unknown,
  versions: readonly number[] = RECORD_VERSIONS,
): asserts r is LogRecord {
  if (typeof r !== 'object' || r === null || Array.isArray(r))
    throw new Error('log record: not a JSON object');
  const obj = r as Record<string, unknown>;
  const own = Object.keys(obj);
  // Exactly the record's fields (the common case, checked without sorting), else say which are missing or unknown.
  if (own.length !== RECORD_KEYS.length || !own.every((k) => RECORD_KEY_SET.has(k))) {
    const keys = own.sort();
    const missing = RECORD_KEYS.filter((k) => !(k in obj));
    if (missing.length > 0) throw new Error(`log record: missing field(s) ${missing.join(', ')}`);
    const extra = keys.filter((k) => !RECORD_KEYS.includes(k));
    if (extra.length > 0) throw new Error(`log record: unknown field(s) ${extra.join(', ')}`);
  }
  const seqText = Number.isSafeInteger(obj.seq) ? ` (seq ${String(obj.seq)})` : '';
  const bad = (what: string): never => {
    throw new Error(`log record${seqText}: ${what}`);
  };
  const version = recordVersionProblem(obj.v, versions);
  if (version) bad(version);
  if (typeof obj.commons !== 'string' || obj.commons === '') bad('commons must be a non-empty string');
  if (typeof obj.seq !== 'number' || !Number.isSafeInteger(obj.seq) || obj.seq < 0) {
    bad(`seq must be a non-negative integer, got ${JSON.stringify(obj.seq)}`);
  }
  if (typeof obj.prev !== 'string' || !HEX_HASH.test(obj.prev)) bad('prev must be 64 lower-case hex digits');
  if (!isIsoTime(obj.at)) bad(`at must be an ISO 8601 date-time, got ${JSON.stringify(obj.at)}`);
  if (obj.actor !== null && typeof obj.actor !== 'string') bad('actor must be a string or null');
  if (typeof obj.type !== 'string' || obj.type === '') bad('type must be a non-empty string');
  if (obj.data === undefined) bad('data is missing');
}

/**
 * The canonical encoding of a record (its body); throws if the record is malformed, of a version not in `versions`,
 * or its data is not JSON.
 */
export function encodeRecord(r: LogRecord, versions: readonly number[] = RECORD_VERSIONS): string {
  validateRecord(r, versions);
  const { v, commons, seq, prev, at, actor, type, data } = r;
  return canonicalJson({ v, commons, seq, prev, at, actor, type, data });
}

/** Hex SHA-256 of the UTF-8 bytes of an encoded record: what the next record's `prev` holds. */
export function recordHash(encoded: string): string {
  return hash('sha256', encoded, 'hex');
}

/** The record's Merkle leaf hash: hashLeaf of the UTF-8 bytes of its encoding. */
export function recordLeafHash(encoded: string): Uint8Array {
  // The bytes hashLeaf hashes: 0x00 (U+0000 is that one byte in UTF-8), then the UTF-8 of the body.
  const h = hash('sha256', `\u0000${encoded}`, 'buffer');
  return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
}

/** Per record of a chunk, what the checks would hash from its body: its hash (hex) and its Merkle leaf hash. */
export interface RecordDigests {
  /** recordHash of each body. */
  hashes: string[];
  /** recordLeafHash of each body, 32 bytes each, one after the other (one buffer, which a worker can be sent). */
  leaves: Uint8Array;
}

/**
 * The digests of the bodies (recordHash and recordLeafHash of each): computed where the bodies are read and handed
 * with them to the checks elsewhere (LogVerifier.push), so that the hashing and the other checks share the work.
 */
export function recordDigests(bodies: readonly string[]): RecordDigests {
  const hashes: string[] = [];
  const leaves = new Uint8Array(32 * bodies.length);
  bodies.forEach((body, i) => {
    hashes.push(recordHash(body));
    leaves.set(recordLeafHash(body), 32 * i);
  });
  return { hashes, leaves };
}

/**
 * Chains events after the head (its hash, or GENESIS_PREV, and the next seq), written at RECORD_VERSION: the
 * records, bodies and hashes to append.
 */
export function chainRecords(
  commons: string,
  prevHash: string,
  nextSeq: number,
  events: readonly LogEventInput[],
): ChainedRecord[] {
  if (typeof commons !== 'string' || commons === '')
    throw new Error('chainRecords: commons must be a non-empty string');
  if (!Number.isSafeInteger(nextSeq) || nextSeq < 0)
    throw new Error(`chainRecords: invalid next seq ${String(nextSeq)}`);
  if (typeof prevHash !== 'string' || !HEX_HASH.test(prevHash)) {
    throw new Error('chainRecords: head hash must be 64 lower-case hex digits');
  }
  if ((nextSeq === 0) !== (prevHash === GENESIS_PREV)) {
    throw new Error(
      `chainRecords: seq 0 and only seq 0 follows ${GENESIS_PREV.slice(0, 8)}… (got seq ${nextSeq})`,
    );
  }
  const out: ChainedRecord[] = [];
  let prev = prevHash;
  let seq = nextSeq;
  for (const e of events) {
    const record: LogRecord = {
      v: RECORD_VERSION,
      commons,
      seq,
      prev,
      at: e.at,
      actor: e.actor,
      type: e.type,
      data: e.data,
    };
    const body = encodeRecord(record);
    const h = recordHash(body);
    out.push({ record, body, hash: h });
    prev = h;
    seq++;
  }
  return out;
}

/**
 * Parses and validates a stored body; throws a clear error if it is not JSON, not a well-formed record, or of a
 * version not in `versions` (by default the ones this code reads).
 */
export function decodeRecord(body: string, versions: readonly number[] = RECORD_VERSIONS): LogRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    throw new Error(`log record: body is not valid JSON (${(e as Error).message})`);
  }
  validateRecord(parsed, versions);
  return parsed;
}
