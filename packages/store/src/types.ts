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
  /** The language the person chose for the app and their e-mails (a web app locale, e.g. `fr`); absent: none chosen. */
  locale?: string;
}

/** What updateAccount may change; a field left out stays as it is. */
export interface AccountChanges {
  email?: string;
  displayName?: string;
  passwordHash?: string;
  /** A locale, or null to forget the choice. */
  locale?: string | null;
}

/**
 * A single-use secret sent by e-mail to act on an account: `password_reset`, or `email_change` to the new address
 * (`email`). Only its hash is stored.
 */
export interface AccountToken {
  tokenHash: string;
  accountId: string;
  purpose: 'password_reset' | 'email_change';
  /** The new address of an email_change; null otherwise. */
  email: string | null;
  createdAt: string;
  expiresAt: string;
}

/**
 * An invitation to join a commons, by e-mail (`email`, single use: `acceptedBy` once someone joined through it) or
 * by link (`email` null, any number of people until it expires). Only the hash of its secret is stored.
 */
export interface Invitation {
  id: string;
  commonsId: string;
  tokenHash: string;
  email: string | null;
  /** The stakeholder classes the invitee is offered (their application may choose others). */
  classes: string[];
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  acceptedBy: string | null;
  acceptedAt: string | null;
}

/** An e-mail the platform would have sent, kept for the instance administrator when no SMTP server is configured. */
export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** What it is (`password_reset`, `invitation`...), to tell mails apart in the list. */
  kind: string;
  createdAt: string;
}

/**
 * A notification for one account, derived by the server from committed events (or a reminder): what it is (`kind`,
 * opaque here), where (`commonsId`, `proposalId`), and what the server shows of it (`data`, JSON, opaque here).
 * `dedupeKey` is unique per account: adding it again adds nothing (a reminder once per proposal and person).
 */
export interface StoredNotification {
  id: string;
  accountId: string;
  kind: string;
  commonsId: string;
  proposalId: string | null;
  dedupeKey: string;
  data: unknown;
  createdAt: string;
  /** When the person marked it read, or null. */
  readAt: string | null;
  /** Whether it waits for the person's next daily digest. */
  digest: boolean;
}

/** A reminder due at `at` (ISO 8601 UTC, compared as text) for a proposal of a commons. */
export interface StoredReminder {
  commonsId: string;
  proposalId: string;
  at: string;
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

/**
 * A snapshot of a commons' state at a log position, written by the server so that a later load reads it and the
 * records after it instead of the whole log. Opaque to the store: `header` says what it is (and carries the server's
 * signature), `body` holds the encoded state. One per commons: a save replaces the one before.
 */
export interface StoredSnapshot {
  /** The log size the snapshot is of (the records it folds: seq < size). */
  size: number;
  header: string;
  body: Uint8Array;
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
  /**
   * Stores the snapshot of a commons (replacing its previous one), if the commons has a log of at least
   * `snapshot.size` records (else StoreConflictError `log_conflict`, and nothing is written).
   */
  saveSnapshot(commonsId: string, snapshot: StoredSnapshot): Promise<void>;
  /** The commons' snapshot, or null. */
  readSnapshot(commonsId: string): Promise<StoredSnapshot | null>;
  /**
   * The commons that have a snapshot, the largest snapshot (by its log size) first, ties in commons id order, at most
   * `limit`: the commons a server loads ahead of their first visit after a start.
   */
  largestSnapshots(limit: number): Promise<{ commonsId: string; size: number }[]>;
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
  /**
   * Changes an account and returns it as it is now, or null if there is none; a new email that another account has
   * (case-insensitive) throws StoreConflictError `email_taken` and changes nothing.
   */
  updateAccount(id: string, changes: AccountChanges): Promise<Account | null>;
  /** The oldest account (by createdAt, then id): the instance administrator. Null without accounts. */
  firstAccountId(): Promise<string | null>;

  createSession(session: Session): Promise<void>;
  getSession(tokenHash: string): Promise<Session | null>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Deletes every session of the account (but the one of `keepTokenHash`, if given); returns how many. */
  deleteSessions(accountId: string, keepTokenHash?: string): Promise<number>;

  /** Stores a single-use account token; a hash that exists is StoreConflictError `duplicate`. */
  createAccountToken(token: AccountToken): Promise<void>;
  /**
   * Uses up the token of this hash and purpose: deletes it and returns it if it had not expired at `now` (ISO, compared
   * as text), else null (an expired one is deleted too). Atomic: of two concurrent takes, one gets it.
   */
  takeAccountToken(
    tokenHash: string,
    purpose: AccountToken['purpose'],
    now: string,
  ): Promise<AccountToken | null>;
  /** Deletes every token of the account with this purpose (e.g. the other reset links once one was used). */
  deleteAccountTokens(accountId: string, purpose: AccountToken['purpose']): Promise<void>;

  /** Stores an invitation; a reused id or token hash is StoreConflictError `duplicate`. */
  createInvitation(invitation: Invitation): Promise<void>;
  getInvitationByToken(tokenHash: string): Promise<Invitation | null>;
  /** A commons' invitations, newest first, at most `limit`. */
  listInvitations(commonsId: string, limit: number): Promise<Invitation[]>;
  /**
   * Marks an e-mail invitation used by `accountId` at `at`, if nobody used it yet; returns whether this call did.
   */
  acceptInvitation(id: string, accountId: string, at: string): Promise<boolean>;

  /** Keeps an e-mail that was not sent (no SMTP server configured); a reused id is StoreConflictError `duplicate`. */
  addOutboxMail(mail: OutboxMail): Promise<void>;
  /** The outbox, newest first, at most `limit`. */
  listOutbox(limit: number): Promise<OutboxMail[]>;
  /** Records that an address asked for no more e-mail of the platform's own accord (one-click unsubscribe). */
  suppressEmail(email: string, at: string): Promise<void>;
  /** Whether the address asked for no more e-mail (case-insensitive, as accounts' emails). */
  isEmailSuppressed(email: string): Promise<boolean>;

  /**
   * Adds notifications; one whose (accountId, dedupeKey) exists is left out. Returns the ids of those added (and
   * only those: a caller mails only what this call added).
   */
  addNotifications(items: readonly StoredNotification[]): Promise<string[]>;
  /**
   * An account's notifications, newest first (createdAt, then id), at most `limit`, after the notification `before`
   * (the previous page's last; a `before` that is not this account's gives an empty page).
   */
  listNotifications(accountId: string, limit: number, before?: string): Promise<StoredNotification[]>;
  /** How many of an account's notifications are unread. */
  countUnreadNotifications(accountId: string): Promise<number>;
  /**
   * Marks the account's notification `id` read at `at` (if it was unread) and returns it, or null when the account
   * has no notification of that id (another account's is null too).
   */
  markNotificationRead(accountId: string, id: string, at: string): Promise<StoredNotification | null>;
  /** Marks every unread notification of the account read at `at`; returns how many. */
  markAllNotificationsRead(accountId: string, at: string): Promise<number>;
  /**
   * Accounts with notifications waiting for a digest created at or before `upTo`, ordered by id, at most `limit`,
   * after the account id `after`. Read from an index of the waiting ones only.
   */
  digestAccounts(upTo: string, limit: number, after?: string): Promise<string[]>;
  /**
   * Takes the account's notifications waiting for a digest created at or before `upTo` (oldest first, at most
   * `limit`): they wait no more. Atomic: of two concurrent takes, each notification goes to one.
   */
  takeDigestNotifications(accountId: string, upTo: string, limit: number): Promise<StoredNotification[]>;
  /** The notification settings of each of these accounts that has some (JSON, opaque here), in one read. */
  notificationSettings(accountIds: readonly string[]): Promise<Map<string, unknown>>;
  /** Replaces an account's notification settings. */
  setNotificationSettings(accountId: string, settings: unknown): Promise<void>;
  /** Sets the reminder of a proposal (replacing one at another time). */
  setReminder(reminder: StoredReminder): Promise<void>;
  /**
   * Takes the reminders due by `upTo` (at <= upTo), earliest first, at most `limit`: they are deleted as they are
   * returned. Atomic: of two concurrent takes, each reminder goes to one. Read from an index on the time.
   */
  takeDueReminders(upTo: string, limit: number): Promise<StoredReminder[]>;

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
  /**
   * Calls `onChange` after a committed change to an account's notifications (added, read) by any store instance on
   * this database; resolves, once listening, with a function that stops. Optional, best effort, as `listen`: the
   * live unread count of a person whose stream another process serves.
   */
  listenNotifications?(onChange: (accountId: string) => void): Promise<() => Promise<void>>;

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
