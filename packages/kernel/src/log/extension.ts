/**
 * Checks records that extend a log position already verified (its size, last hash and Merkle frontier): each record
 * re-hashed from its body, in canonical form, in this commons, at its seq, chained to the one before, and its stored
 * columns equal to what the body says. A server runs this on the records since its last verified position before it
 * builds on them; full verification is the case of the empty position.
 */
import { canonicalJson } from './canonical-json';
import { CompactMerkleTree, type CompactTreeState } from './merkle';
import {
  GENESIS_PREV,
  RECORD_VERSIONS,
  decodeRecord,
  recordHash,
  recordLeafHash,
  type LogRecord,
} from './record';

/** A verified position in a log: how many records, the last one's hash, and the Merkle frontier over them. */
export interface LogPosition {
  size: number;
  hash: string;
  merkle: CompactTreeState;
}

/** A record as stored, with the columns a store keeps beside the body (each must agree with the body). */
export interface StoredColumns {
  seq: number;
  body: string;
  hash: string;
  type?: string;
  at?: string;
  commonsId?: string;
}

/** The empty log's position. */
export const EMPTY_POSITION: LogPosition = { size: 0, hash: GENESIS_PREV, merkle: { size: 0, hashes: [] } };

export type ExtensionCheck =
  | { ok: true; position: LogPosition; records: LogRecord[] }
  | {
      ok: false;
      /** The first bad record. */
      seq: number;
      reason: string;
      /** The position after the records before it, which did verify, and those records. */
      position: LogPosition;
      records: LogRecord[];
    };

/** Whether every object in a JSON value has its keys in the order canonical JSON writes them (UTF-16 code units). */
function keysSorted(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(keysSorted);
  let previous: string | undefined;
  for (const key of Object.keys(value)) {
    if (previous !== undefined && !(previous < key)) return false;
    if (!keysSorted((value as Record<string, unknown>)[key])) return false;
    previous = key;
  }
  return true;
}

/**
 * Whether `body` is the canonical encoding of `record`, the value it parsed to. JSON.stringify writes strings,
 * numbers and literals as canonical JSON does, so when its output is the body and every object's keys are in
 * canonical order, the body is canonical; otherwise (say, keys that look like array indices, which JavaScript
 * iterates first) canonicalJson decides.
 */
function isCanonicalEncoding(record: LogRecord, body: string): boolean {
  if (JSON.stringify(record) === body && keysSorted(record)) return true;
  return canonicalJson(record) === body;
}

/**
 * Checks one stored record as record `seq` of the log of `commons`, after the record whose hash is `prev`: its stored
 * seq, commons, hash, type and time against its body, the body canonical and of a version in `versions`, and chained
 * to `prev`. The decoded record, or the reason it is not that record (a string). `storedCommons` is the commons the
 * store files it under, when it says; `bodyHash`, recordHash of this body when the caller has it already.
 */
export function checkStoredRecord(
  commons: string,
  seq: number,
  prev: string,
  s: Omit<StoredColumns, 'commonsId'>,
  storedCommons: string | undefined,
  versions: readonly number[] = RECORD_VERSIONS,
  bodyHash?: string,
): LogRecord | string {
  if (s.seq !== seq) return `record ${seq} is stored with seq ${String(s.seq)}`;
  if (storedCommons !== undefined && storedCommons !== commons)
    return `record is stored under commons ${JSON.stringify(storedCommons)}`;
  if (typeof s.body !== 'string') return 'stored body is not a string';
  // The body's hash, computed here unless the caller did (recordDigests, from this very body).
  const actual = bodyHash ?? recordHash(s.body);
  if (s.hash !== actual) return `stored hash ${String(s.hash)} does not match the body's hash ${actual}`;
  let record: LogRecord;
  try {
    record = decodeRecord(s.body, versions);
    if (!isCanonicalEncoding(record, s.body)) return 'body is not in canonical encoding';
  } catch (e) {
    return (e as Error).message;
  }
  if (record.seq !== seq) return `body says seq ${record.seq}`;
  if (record.commons !== commons) return `record belongs to commons ${JSON.stringify(record.commons)}`;
  if (record.prev !== prev)
    return `prev ${record.prev} does not match the hash of record ${seq - 1} (${prev})`;
  if (s.type !== undefined && s.type !== record.type) {
    return `stored type ${JSON.stringify(s.type)} does not match the body's type ${JSON.stringify(record.type)}`;
  }
  if (s.at !== undefined && s.at !== record.at) {
    return `stored time ${JSON.stringify(s.at)} does not match the body's time ${JSON.stringify(record.at)}`;
  }
  return record;
}

/**
 * Verifies `stored` (in order) as the records that follow `from` in the log of `commons`. A record of a version not
 * in `versions` (by default those this code reads) is a fault: what a newer server wrote is not built on.
 */
export function checkExtension(
  commons: string,
  from: LogPosition,
  stored: readonly StoredColumns[],
  versions: readonly number[] = RECORD_VERSIONS,
): ExtensionCheck {
  const tree = CompactMerkleTree.fromState(from.merkle);
  if (tree.size !== from.size)
    throw new Error('checkExtension: the Merkle frontier is not of the position size');
  let prev = from.hash;
  const records: LogRecord[] = [];
  const at = (): LogPosition => ({ size: from.size + records.length, hash: prev, merkle: tree.state() });
  for (const s of stored) {
    const seq = from.size + records.length;
    const record = checkStoredRecord(commons, seq, prev, s, s.commonsId, versions);
    if (typeof record === 'string') return { ok: false, seq, reason: record, position: at(), records };
    tree.append(recordLeafHash(s.body));
    // The stored hash, now known to be the body's.
    prev = s.hash;
    records.push(record);
  }
  return { ok: true, position: at(), records };
}
