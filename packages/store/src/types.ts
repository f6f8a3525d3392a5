// The store interface. Both implementations (SQLite, PostgreSQL) pass the same contract suite
// (test/contract.ts). The store knows nothing of the domain: it keeps each commons' append-only log of
// encoded records, the log head (with the Merkle frontier and the latest signed checkpoint), read-model
// documents updated in the same transaction as the append, and the platform's accounts and sessions.

/** One record of a commons' log, as stored: `body` is the canonical encoding, `hash` its SHA-256 (hex). */
export interface StoredRecord {
  commonsId: string;
  seq: number;
  type: string;
  at: string;
  hash: string;
  body: string;
}

/** A signed checkpoint of a commons' log (see kernel/log). Stored as given. */
export interface StoredCheckpoint {
  commons: string;
  size: number;
  root: string;
  time: string;
  signature: string;
  keyId: string;
}

/** The head of a commons' log: its length, last hash, the compact Merkle frontier and the latest checkpoint. */
export interface LogHead {
  commonsId: string;
  /** Number of records in the log (the next record's seq). */
  size: number;
  /** Hash of the last record, or 64 zeros for an empty log. */
  hash: string;
  /** Compact Merkle tree state (hex hashes), opaque to the store. */
  merkle: string[];
  checkpoint: StoredCheckpoint | null;
}

/** A read-model document to upsert (body = JSON value) or delete (body = null) in the append's transaction. */
export interface DocChange {
  kind: string;
  id: string;
  body: unknown | null;
}

/**
 * A complete subtree of a commons' Merkle tree: the hash (opaque to the store) of leaves
 * [index * 2^level, (index + 1) * 2^level), level 0 being one leaf. Kept so that proofs read O(log n) of them.
 */
export interface StoredMerkleNode {
  level: number;
  index: number;
  hash: string;
}

/** Where a stored Merkle node sits. */
export interface MerkleNodeKey {
  level: number;
  index: number;
}

export interface AppendInput {
  commonsId: string;
  /** The log size the writer saw; the append fails with StoreConflictError if the log has moved on. */
  expectedSize: number;
  /**
   * The hash of the last record the writer saw (64 zeros for an empty log). When given, the append also fails with
   * StoreConflictError `log_conflict` if the head names another last record: a writer only ever extends the log it
   * verified, even when someone changed the head behind it at the same size.
   */
  expectedHash?: string;
  /** Contiguous records with seq = expectedSize, expectedSize + 1, ... */
  records: StoredRecord[];
  /** The new head after these records. */
  head: LogHead;
  docs: DocChange[];
  /**
   * The Merkle nodes these records complete (each ends at a leaf in [expectedSize, head.size)), written in the same
   * transaction. They extend the stored nodes only when those cover the log up to expectedSize (see
   * merkleNodesSize); otherwise they are left out, and a backfill (addMerkleNodes) catches up. Without them the
   * stored nodes stay where they were.
   */
  nodes?: StoredMerkleNode[];
  /**
   * Changes to the commons' deadlines (see dueDeadlines), written in the same transaction: set `at`, or drop the
   * deadline with null; the last change to an id wins. A log is indexed (its deadlines complete, see
   * unindexedCommons) when it was created by an append that gave them and every append since gave them too: one
   * without them leaves it unindexed until replaceDeadlines.
   */
  deadlines?: DeadlineChange[];
}

/** A change to a commons' deadline `id`: the time it falls due (ISO 8601 UTC, compared as text), or null to drop it. */
export interface DeadlineChange {
  id: string;
  at: string | null;
}

/** A deadline in the index: an id within a commons (opaque to the store) and the time it falls due. */
export interface Deadline {
  commonsId: string;
  id: string;
  at: string;
}

export interface Account {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string;
  createdAt: string;
}

export interface Session {
  tokenHash: string;
  accountId: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

export interface ApiToken {
  id: string;
  accountId: string;
  name: string;
  tokenHash: string;
  createdAt: string;
}

export interface Doc {
  commonsId: string;
  kind: string;
  id: string;
  body: unknown;
}

/** A commons' log as of one instant: its head, every record in seq order and every document, ordered by kind then id. */
export interface StoredLog {
  head: LogHead;
  records: StoredRecord[];
  docs: Doc[];
}

/** A read-model document to write with replaceDocs. */
export interface NewDoc {
  kind: string;
  id: string;
  body: unknown;
}

/** Storage for peergov. Every method is atomic; append is the only way a log grows. */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema; safe to call on every start. */
  migrate(): Promise<void>;
  /** Appends records, moves the head and applies doc changes in one transaction, or throws and writes nothing. */
  append(input: AppendInput): Promise<void>;
  /** The head of a commons' log, or null if it has no log. */
  head(commonsId: string): Promise<LogHead | null>;
  /** Every commons id with a log, oldest first. */
  listCommonsIds(): Promise<string[]>;
  /** Records with seq >= fromSeq, in order, at most `limit` (default: all). */
  readRecords(commonsId: string, fromSeq?: number, limit?: number): Promise<StoredRecord[]>;
  /**
   * The head, every record and every document of a commons read in one transaction (one snapshot), so that an
   * append committed meanwhile is either wholly in it or wholly absent; null if the commons has no log.
   */
  readLog(commonsId: string): Promise<StoredLog | null>;
  /**
   * Replaces every document of a commons with `docs` in one transaction, if its log still has `expectedSize`
   * records (else StoreConflictError `log_conflict`, and nothing is written): rebuilding read models from the log.
   */
  replaceDocs(commonsId: string, expectedSize: number, docs: NewDoc[]): Promise<void>;
  /**
   * How far the stored Merkle nodes cover the log: every node that ends below this size is stored (0 without a log,
   * and for a log appended before nodes were kept or by a writer that gave none).
   */
  merkleNodesSize(commonsId: string): Promise<number>;
  /** The stored Merkle nodes among `keys`, in one read, in no particular order; a key not stored is left out. */
  readMerkleNodes(commonsId: string, keys: readonly MerkleNodeKey[]): Promise<StoredMerkleNode[]>;
  /**
   * Backfill: stores `nodes` (those that end at a leaf in [fromSize, toSize)) and moves merkleNodesSize from
   * `fromSize` to `toSize` in one transaction, if it is still `fromSize` and the log has at least toSize records
   * (else StoreConflictError `log_conflict`, and nothing is written).
   */
  addMerkleNodes(
    commonsId: string,
    fromSize: number,
    toSize: number,
    nodes: readonly StoredMerkleNode[],
  ): Promise<void>;
  /**
   * The deadlines due by `upTo` (at <= upTo, compared as text) across every commons, earliest first (then by commons
   * and id), at most `limit`, after `after` (the last of the previous page) when given. Read from an index on the
   * time: the cost is the deadlines returned, not the number of commons.
   */
  dueDeadlines(upTo: string, limit: number, after?: Deadline): Promise<Deadline[]>;
  /**
   * Up to `limit` commons whose deadlines are not known to be complete (a log from before the index, or appended
   * to without deadlines), ordered by id, after the id `after` when given: what a backfill with replaceDeadlines
   * must still index.
   */
  unindexedCommons(limit: number, after?: string): Promise<string[]>;
  /**
   * Backfill: replaces every deadline of a commons with `deadlines` and marks its log indexed, in one transaction, if
   * the log still has `expectedSize` records (else StoreConflictError `log_conflict`, and nothing is written).
   */
  replaceDeadlines(
    commonsId: string,
    expectedSize: number,
    deadlines: readonly { id: string; at: string }[],
  ): Promise<void>;
  /** One read-model document, or null. */
  getDoc(commonsId: string, kind: string, id: string): Promise<unknown | null>;
  /** Every document of a kind in a commons, ordered by id. */
  listDocs(commonsId: string, kind: string): Promise<Doc[]>;
  /**
   * A page of the documents of a kind in a commons, ordered by id (code-point order, as listDocs): at most `limit`,
   * those whose id comes after `after` (the previous page's last id; from the first when it is not given). A reader
   * that walks every page holds one page at a time (verify compares the documents this way).
   */
  listDocsPage(commonsId: string, kind: string, limit: number, after?: string): Promise<Doc[]>;
  /** Every document of a kind across all commons (e.g. the directory of commons), ordered by commons then id. */
  listDocsOfKind(kind: string): Promise<Doc[]>;
  /**
   * A page of one document per commons: the document (kind, id) of each commons that has one, commons oldest first
   * (as listCommonsIds), at most `limit`, of the commons after `after` (the commons of the previous page's last
   * document; none when it names no commons). E.g. the directory, from each commons' summary.
   */
  listCommonsDocs(kind: string, id: string, limit: number, after?: string): Promise<Doc[]>;
  /** The document (kind, id) of each of `commonsIds` that has one, in one read, in no particular order. */
  getDocs(commonsIds: readonly string[], kind: string, id: string): Promise<Doc[]>;

  /** Creates an account; throws StoreConflictError (code `email_taken`) if the email (case-insensitive) exists. */
  createAccount(account: Account): Promise<void>;
  getAccount(id: string): Promise<Account | null>;
  /** Case-insensitive lookup. */
  findAccountByEmail(email: string): Promise<Account | null>;
  countAccounts(): Promise<number>;

  createSession(session: Session): Promise<void>;
  getSession(tokenHash: string): Promise<Session | null>;
  deleteSession(tokenHash: string): Promise<void>;

  createApiToken(token: ApiToken): Promise<void>;
  getApiTokenByHash(tokenHash: string): Promise<ApiToken | null>;
  listApiTokens(accountId: string): Promise<ApiToken[]>;
  /** Deletes the token if it belongs to the account; returns whether one was deleted. */
  deleteApiToken(id: string, accountId: string): Promise<boolean>;

  /**
   * Calls `onAppend` after every committed append to any commons by any store instance on this database (its commons
   * and new log size); resolves, once listening, with a function that stops. Optional: only stores shared by
   * several processes implement it (PostgreSQL, through LISTEN/NOTIFY). Best effort: appends committed while the
   * listening connection is being re-established are not heard. close() stops every listener.
   */
  listen?(onAppend: (commonsId: string, size: number) => void): Promise<() => Promise<void>>;

  close(): Promise<void>;
}

/** A lost race or a uniqueness clash: the caller may reload and retry. Nothing was written. */
export class StoreConflictError extends Error {
  constructor(
    readonly code: 'log_conflict' | 'email_taken' | 'duplicate',
    message: string,
  ) {
    super(message);
    this.name = 'StoreConflictError';
  }
}
