// The embedded store: one SQLite file (WAL) per installation. better-sqlite3 is synchronous, so every method runs to
// completion between two awaits of its caller; BEGIN IMMEDIATE and busy_timeout serialise writers across
// connections and processes sharing the file. synchronous = FULL: every commit is fsynced to the WAL before append
// returns, so a write the API has acknowledged survives a power loss (NORMAL would only guarantee the database is
// not corrupted, and could lose the last commits; see docs/BENCHMARKS.md for what FULL costs).

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AppendBatcher, appendWeight, type BatchLimits, type Queued } from './batch';
import {
  accountChangeColumns,
  accountFromRow,
  accountTokenFromRow,
  checkAddMerkleNodes,
  checkAppendInput,
  checkDeadlines,
  checkLimit,
  checkNotifications,
  byDueTime,
  notificationFromRow,
  oldestFirst,
  checkMerkleKeys,
  checkSnapshot,
  collapseDeadlines,
  collapseDocChanges,
  collapseNewDocs,
  emailKey,
  invitationFromRow,
  outboxFromRow,
  sessionFromRow,
  tokenFromRow,
  type AccountRow,
  type AccountTokenRow,
  type InvitationRow,
  type NotificationRow,
  type OutboxRow,
  type SessionRow,
  type TokenRow,
} from './shared';
import {
  StoreConflictError,
  type AppendInput,
  type Doc,
  type LogHead,
  type NewDoc,
  type Store,
  type StoredLog,
  type StoredMerkleNode,
  type StoredRecord,
  type StoredSnapshot,
} from './types';

export interface SqliteStoreOptions {
  /** Path of the database file (its directory is created if missing), or ':memory:'. */
  file: string;
}

// Each entry upgrades the schema by one version (PRAGMA user_version). Never edit a shipped entry: append a new one.
const MIGRATIONS: string[] = [
  `
  CREATE TABLE heads (
    commons_id TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    hash TEXT NOT NULL,
    merkle TEXT NOT NULL,
    checkpoint TEXT
  ) STRICT;
  CREATE TABLE records (
    commons_id TEXT NOT NULL REFERENCES heads (commons_id),
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    hash TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (commons_id, seq)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE docs (
    commons_id TEXT NOT NULL REFERENCES heads (commons_id),
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (commons_id, kind, id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX docs_by_kind ON docs (kind, commons_id, id);
  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL CONSTRAINT accounts_email_unique UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX sessions_by_account ON sessions (account_id);
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX api_tokens_by_account ON api_tokens (account_id, created_at, id);
  `,
  // Merkle nodes (complete subtrees) so that proofs read O(log n) rows; nodes_size is how far they cover the log. A
  // log from before has none (0): the server backfills it from its records on its first proof.
  `
  ALTER TABLE heads ADD COLUMN nodes_size INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE merkle_nodes (
    commons_id TEXT NOT NULL REFERENCES heads (commons_id),
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (commons_id, level, idx)
  ) STRICT, WITHOUT ROWID;
  `,
  // Deadlines (e.g. closing times) indexed by time, so that what falls due is found without reading every commons;
  // deadlines_indexed says a log's deadlines are complete. A log from before has none (0) until a backfill.
  `
  ALTER TABLE heads ADD COLUMN deadlines_indexed INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX heads_unindexed ON heads (commons_id) WHERE deadlines_indexed = 0;
  CREATE TABLE deadlines (
    commons_id TEXT NOT NULL REFERENCES heads (commons_id),
    id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (commons_id, id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX deadlines_by_at ON deadlines (at, commons_id, id);
  `,
  // One snapshot of each commons' state at a log position (written by the server, opaque here), so that a load
  // reads it and the records after it rather than the whole log.
  `
  CREATE TABLE snapshots (
    commons_id TEXT PRIMARY KEY REFERENCES heads (commons_id),
    size INTEGER NOT NULL,
    header TEXT NOT NULL,
    body BLOB NOT NULL
  ) STRICT;
  `,
  // E-mail and accounts: a chosen language per account; single-use tokens sent by e-mail (password reset, e-mail
  // change; only their hashes); invitations to a commons by e-mail or link; the outbox of mails not sent (no SMTP
  // server configured); addresses that unsubscribed.
  `
  ALTER TABLE accounts ADD COLUMN locale TEXT;
  CREATE INDEX accounts_by_age ON accounts (created_at, id);
  CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    email TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX account_tokens_by_account ON account_tokens (account_id, purpose);
  CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    commons_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT,
    classes TEXT NOT NULL,
    invited_by TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_by TEXT,
    accepted_at TEXT
  ) STRICT;
  CREATE INDEX invitations_by_commons ON invitations (commons_id, created_at, id);
  CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text TEXT NOT NULL,
    html TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX outbox_by_time ON outbox (created_at, id);
  CREATE TABLE mail_suppressions (
    email_key TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  `,
  // Notifications per account (read or not, waiting for a digest or not; unique per account and dedupe key), each
  // person's notification settings, and reminders of proposals indexed by the time they fall due.
  `
  CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    commons_id TEXT NOT NULL,
    proposal_id TEXT,
    dedupe_key TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    digest INTEGER NOT NULL,
    UNIQUE (account_id, dedupe_key)
  ) STRICT;
  CREATE INDEX notifications_by_account ON notifications (account_id, created_at, id);
  CREATE INDEX notifications_unread ON notifications (account_id) WHERE read_at IS NULL;
  CREATE INDEX notifications_digest ON notifications (account_id, created_at) WHERE digest = 1;
  CREATE TABLE notification_settings (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    settings TEXT NOT NULL
  ) STRICT;
  CREATE TABLE reminders (
    commons_id TEXT NOT NULL,
    proposal_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (commons_id, proposal_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX reminders_by_at ON reminders (at, commons_id, proposal_id);
  `,
];

// At most 256 appends or 8 MiB of records and documents in one transaction.
const SQLITE_BATCH: BatchLimits = { maxAppends: 256, maxWeight: 8 * 1024 * 1024, maxInFlight: 1 };

const queuesByFile = new Map<string, Set<AppendBatcher<PreparedAppend>>>();
/** The append queues of the stores open in this process on one database file (kept while the process runs). */
function sharedQueues(path: string): Set<AppendBatcher<PreparedAppend>> {
  let queues = queuesByFile.get(path);
  if (!queues) {
    queues = new Set();
    queuesByFile.set(path, queues);
  }
  return queues;
}

interface PreparedAppend {
  input: AppendInput;
  docChanges: ReturnType<typeof collapseDocChanges>;
}
type AppendOutcome = { ok: true } | { ok: false; error: unknown };

interface HeadRow {
  commons_id: string;
  size: number;
  hash: string;
  merkle: string;
  checkpoint: string | null;
}
interface RecordRow {
  commons_id: string;
  seq: number;
  type: string;
  at: string;
  hash: string;
  body: string;
}
interface DocRow {
  commons_id: string;
  kind: string;
  id: string;
  body: string;
}

/** Opens (creating if needed) a SQLite store; call migrate() before use. */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const { file } = options;
  if (file !== ':memory:' && file !== '') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');

  // Statements are prepared on first use (the tables may not exist before migrate()) and kept.
  const cache = new Map<string, Database.Statement>();
  const sql = (text: string): Database.Statement => {
    let statement = cache.get(text);
    if (!statement) {
      statement = db.prepare(text);
      cache.set(text, statement);
    }
    return statement;
  };

  // One append, run inside the batch's transaction: a nested better-sqlite3 transaction is a savepoint, so an append
  // that throws is rolled back alone and the batch goes on.
  const appendOne = db.transaction(
    (input: AppendInput, docChanges: ReturnType<typeof collapseDocChanges>) => {
      const { commonsId, expectedSize, records, head } = input;
      const current = sql(
        'SELECT size, hash, nodes_size, deadlines_indexed FROM heads WHERE commons_id = ?',
      ).get(commonsId) as
        { size: number; hash: string; nodes_size: number; deadlines_indexed: number } | undefined;
      const size = current?.size ?? 0;
      if (input.expectedHash !== undefined && current && current.hash !== input.expectedHash) {
        throw new StoreConflictError(
          'log_conflict',
          `log of commons ${commonsId} ends with another record than the writer expected`,
        );
      }
      if (size !== expectedSize) {
        throw new StoreConflictError(
          'log_conflict',
          `log of commons ${commonsId} has ${size} records, the writer expected ${expectedSize}`,
        );
      }
      // The nodes extend the stored ones only if those reach this append's first record.
      const nodesSize = current?.nodes_size ?? 0;
      const withNodes = input.nodes !== undefined && nodesSize === expectedSize;
      // A log stays indexed only while every append gives its deadlines (a new one is, if the first does).
      const indexed =
        input.deadlines !== undefined && (current === undefined || current.deadlines_indexed === 1);
      sql(
        `INSERT INTO heads (commons_id, size, hash, merkle, checkpoint, nodes_size, deadlines_indexed)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (commons_id) DO UPDATE SET size = excluded.size, hash = excluded.hash,
         merkle = excluded.merkle, checkpoint = excluded.checkpoint, nodes_size = excluded.nodes_size,
         deadlines_indexed = excluded.deadlines_indexed`,
      ).run(
        commonsId,
        head.size,
        head.hash,
        JSON.stringify(head.merkle),
        head.checkpoint === null ? null : JSON.stringify(head.checkpoint),
        withNodes ? head.size : nodesSize,
        indexed ? 1 : 0,
      );
      const insertRecord = sql(
        'INSERT INTO records (commons_id, seq, type, at, hash, body) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const r of records) insertRecord.run(commonsId, r.seq, r.type, r.at, r.hash, r.body);
      if (withNodes) insertNodes(commonsId, input.nodes ?? []);
      const upsertDoc = sql(
        `INSERT INTO docs (commons_id, kind, id, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (commons_id, kind, id) DO UPDATE SET body = excluded.body`,
      );
      const deleteDoc = sql('DELETE FROM docs WHERE commons_id = ? AND kind = ? AND id = ?');
      for (const change of docChanges) {
        if (change.json === null) deleteDoc.run(commonsId, change.kind, change.id);
        else upsertDoc.run(commonsId, change.kind, change.id, change.json);
      }
      if (input.deadlines !== undefined) {
        const { set, drop } = collapseDeadlines(input.deadlines);
        const dropDeadline = sql('DELETE FROM deadlines WHERE commons_id = ? AND id = ?');
        for (const id of drop) dropDeadline.run(commonsId, id);
        const setDeadline = sql(
          `INSERT INTO deadlines (commons_id, id, at) VALUES (?, ?, ?)
         ON CONFLICT (commons_id, id) DO UPDATE SET at = excluded.at`,
        );
        for (const d of set) setDeadline.run(commonsId, d.id, d.at);
      }
    },
  );

  // Group commit: the appends of one event-loop turn (up to the limits) run in one IMMEDIATE transaction, one commit
  // and one fsync for them all, each in its own savepoint. An append that fails (a lost race, a constraint) rolls back
  // its savepoint and rejects alone; the others commit. An error that ended the whole transaction (SQLite rolls back
  // on e.g. SQLITE_FULL or SQLITE_IOERR) or a failed commit rejects every append of the batch.
  const appendBatchTx = db.transaction((batch: readonly Queued<PreparedAppend>[]): AppendOutcome[] => {
    const outcomes: AppendOutcome[] = [];
    for (const { input } of batch) {
      try {
        appendOne(input.input, input.docChanges);
        outcomes.push({ ok: true });
      } catch (error) {
        if (!db.inTransaction) throw error;
        // The size check comes first, so a primary-key clash here means another writer got in: still a lost race.
        outcomes.push({
          ok: false,
          error: isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')
            ? new StoreConflictError(
                'log_conflict',
                `log of commons ${input.input.commonsId} moved on during the append`,
              )
            : error,
        });
      }
    }
    return outcomes;
  });
  const appends = new AppendBatcher<PreparedAppend>(SQLITE_BATCH, (batch) => {
    const outcomes = appendBatchTx.immediate(batch);
    batch.forEach((q, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) q.resolve();
      else q.reject(outcome ? outcome.error : new Error('internal: no outcome for an append of the batch'));
    });
  });

  // What a queued append changes is read (or rebuilt, or backfilled) only after it is written: a method on a commons
  // with an append queued writes the queue first, one on every commons does if anything is queued. Accounts, sessions
  // and tokens are not appended to, so their methods never wait for the queue.
  // The queues of every store of this process on the file count, not only this one's: a read here sees what another
  // connection in the process was asked to append before it, as when appends ran at once.
  const key = file === ':memory:' || file === '' ? undefined : resolve(file);
  const shared = key === undefined ? new Set([appends]) : sharedQueues(key);
  shared.add(appends);
  const flushIf = (wanted: (p: PreparedAppend) => boolean) => {
    for (const queue of shared) queue.flushIf(wanted);
  };
  const settle = (commonsId: string) => flushIf((p) => p.input.commonsId === commonsId);
  const settleAll = () => flushIf(() => true);
  const settleAny = (commonsIds: readonly string[]) => {
    const ids = new Set(commonsIds);
    flushIf((p) => ids.has(p.input.commonsId));
  };

  const saveSnapshotTx = db.transaction((commonsId: string, snapshot: StoredSnapshot) => {
    checkSnapshot(commonsId, snapshot);
    const current = sql('SELECT size FROM heads WHERE commons_id = ?').get(commonsId) as
      { size: number } | undefined;
    if (!current || current.size < snapshot.size) {
      throw new StoreConflictError(
        'log_conflict',
        `log of commons ${commonsId} has ${current?.size ?? 0} records, fewer than the snapshot's ${snapshot.size}`,
      );
    }
    sql(
      `INSERT INTO snapshots (commons_id, size, header, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (commons_id) DO UPDATE SET size = excluded.size, header = excluded.header, body = excluded.body`,
    ).run(commonsId, snapshot.size, snapshot.header, Buffer.from(snapshot.body));
  });

  const replaceDeadlinesTx = db.transaction(
    (commonsId: string, expectedSize: number, deadlines: readonly { id: string; at: string }[]) => {
      const current = sql('SELECT size FROM heads WHERE commons_id = ?').get(commonsId) as
        { size: number } | undefined;
      if (current?.size !== expectedSize) {
        throw new StoreConflictError(
          'log_conflict',
          `log of commons ${commonsId} has ${current?.size ?? 0} records, the backfill expected ${expectedSize}`,
        );
      }
      sql('DELETE FROM deadlines WHERE commons_id = ?').run(commonsId);
      const insert = sql(
        `INSERT INTO deadlines (commons_id, id, at) VALUES (?, ?, ?)
         ON CONFLICT (commons_id, id) DO UPDATE SET at = excluded.at`,
      );
      for (const d of deadlines) insert.run(commonsId, d.id, d.at);
      sql('UPDATE heads SET deadlines_indexed = 1 WHERE commons_id = ?').run(commonsId);
    },
  );

  const insertNodes = (commonsId: string, nodes: readonly StoredMerkleNode[]) => {
    const insert = sql('INSERT INTO merkle_nodes (commons_id, level, idx, hash) VALUES (?, ?, ?, ?)');
    for (const n of nodes) insert.run(commonsId, n.level, n.index, n.hash);
  };

  const addNodesTx = db.transaction(
    (commonsId: string, fromSize: number, toSize: number, nodes: readonly StoredMerkleNode[]) => {
      const current = sql('SELECT size, nodes_size FROM heads WHERE commons_id = ?').get(commonsId) as
        { size: number; nodes_size: number } | undefined;
      if (!current || current.nodes_size !== fromSize || current.size < toSize) {
        throw new StoreConflictError(
          'log_conflict',
          `Merkle nodes of commons ${commonsId} cover ${current?.nodes_size ?? 0} of ${current?.size ?? 0} records, ` +
            `the backfill expected ${fromSize} of at least ${toSize}`,
        );
      }
      insertNodes(commonsId, nodes);
      sql('UPDATE heads SET nodes_size = ? WHERE commons_id = ?').run(toSize, commonsId);
    },
  );

  // A deferred transaction: in WAL mode its snapshot is taken at the first read and kept to the end, so the head,
  // records and documents are of one instant even while other connections or processes append.
  const readLogTx = db.transaction((commonsId: string): StoredLog | null => {
    const row = sql('SELECT * FROM heads WHERE commons_id = ?').get(commonsId) as HeadRow | undefined;
    if (!row) return null;
    const records = sql('SELECT * FROM records WHERE commons_id = ? ORDER BY seq').all(
      commonsId,
    ) as RecordRow[];
    const docs = sql('SELECT * FROM docs WHERE commons_id = ? ORDER BY kind, id').all(commonsId) as DocRow[];
    return { head: headFromRow(row), records: records.map(recordFromRow), docs: docs.map(docFromRow) };
  });

  const replaceDocsTx = db.transaction((commonsId: string, expectedSize: number, docs: NewDoc[]) => {
    const current = sql('SELECT size FROM heads WHERE commons_id = ?').get(commonsId) as
      { size: number } | undefined;
    if (current?.size !== expectedSize) {
      throw new StoreConflictError(
        'log_conflict',
        `log of commons ${commonsId} has ${current?.size ?? 0} records, the rebuild expected ${expectedSize}`,
      );
    }
    sql('DELETE FROM docs WHERE commons_id = ?').run(commonsId);
    const insert = sql('INSERT INTO docs (commons_id, kind, id, body) VALUES (?, ?, ?, ?)');
    for (const d of collapseNewDocs(docs)) insert.run(commonsId, d.kind, d.id, d.json);
  });

  let closed = false;

  return {
    kind: 'sqlite',

    async migrate() {
      const upgrade = db.transaction(() => {
        const version = db.pragma('user_version', { simple: true }) as number;
        if (version > MIGRATIONS.length) {
          throw new Error(
            `SQLite store ${file}: schema version ${version} is newer than this program (${MIGRATIONS.length})`,
          );
        }
        for (const migration of MIGRATIONS.slice(version)) db.exec(migration);
        db.pragma(`user_version = ${MIGRATIONS.length}`);
      });
      upgrade.immediate();
    },

    async append(input) {
      checkAppendInput(input);
      // Prepared now: the batch writes what the caller gave at the call, whatever it does with `input` meanwhile.
      const prepared: PreparedAppend = {
        input: { ...input, records: [...input.records], nodes: input.nodes && [...input.nodes] },
        docChanges: collapseDocChanges(input.docs),
      };
      if (input.deadlines !== undefined) prepared.input.deadlines = [...input.deadlines];
      return appends.add(prepared, appendWeight(input.records, prepared.docChanges));
    },

    async head(commonsId) {
      settle(commonsId);
      const row = sql('SELECT * FROM heads WHERE commons_id = ?').get(commonsId) as HeadRow | undefined;
      return row ? headFromRow(row) : null;
    },

    async listCommonsIds() {
      settleAll();
      return (sql('SELECT commons_id FROM heads ORDER BY rowid').all() as { commons_id: string }[]).map(
        (r) => r.commons_id,
      );
    },

    async readRecords(commonsId, fromSeq = 0, limit) {
      settle(commonsId);
      const rows = sql('SELECT * FROM records WHERE commons_id = ? AND seq >= ? ORDER BY seq LIMIT ?').all(
        commonsId,
        fromSeq,
        limit ?? -1,
      ) as RecordRow[];
      return rows.map(recordFromRow);
    },

    async readLog(commonsId) {
      settle(commonsId);
      return readLogTx.deferred(commonsId);
    },

    async replaceDocs(commonsId, expectedSize, docs) {
      settle(commonsId);
      replaceDocsTx.immediate(commonsId, expectedSize, docs);
    },

    async merkleNodesSize(commonsId) {
      settle(commonsId);
      const row = sql('SELECT nodes_size FROM heads WHERE commons_id = ?').get(commonsId) as
        { nodes_size: number } | undefined;
      return row?.nodes_size ?? 0;
    },

    async readMerkleNodes(commonsId, keys) {
      settle(commonsId);
      const wanted = checkMerkleKeys(commonsId, keys);
      if (wanted.length === 0) return [];
      // One statement whatever the number of keys: the keys as a JSON array of [level, index] pairs. CROSS JOIN keeps
      // the keys the outer loop (a primary-key lookup each); a plain JOIN lets SQLite scan the commons' nodes instead.
      const rows = sql(
        `SELECT m.level, m.idx, m.hash FROM json_each(?) AS k
         CROSS JOIN merkle_nodes AS m ON m.commons_id = ? AND m.level = json_extract(k.value, '$[0]')
           AND m.idx = json_extract(k.value, '$[1]')`,
      ).all(JSON.stringify(wanted.map((k) => [k.level, k.index])), commonsId) as {
        level: number;
        idx: number;
        hash: string;
      }[];
      return rows.map((r) => ({ level: r.level, index: r.idx, hash: r.hash }));
    },

    async addMerkleNodes(commonsId, fromSize, toSize, nodes) {
      settle(commonsId);
      checkAddMerkleNodes(commonsId, fromSize, toSize, nodes);
      try {
        addNodesTx.immediate(commonsId, fromSize, toSize, nodes);
      } catch (error) {
        // Another backfill stored these nodes first (its nodes_size update is what this one then lost to).
        if (isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
          throw new StoreConflictError('log_conflict', `Merkle nodes of commons ${commonsId} moved on`);
        }
        throw error;
      }
    },

    async dueDeadlines(upTo, limit, after) {
      settleAll();
      checkLimit('dueDeadlines', limit);
      const rows = after
        ? sql(
            `SELECT commons_id, id, at FROM deadlines WHERE at <= ? AND (at, commons_id, id) > (?, ?, ?)
             ORDER BY at, commons_id, id LIMIT ?`,
          ).all(upTo, after.at, after.commonsId, after.id, limit)
        : sql(
            'SELECT commons_id, id, at FROM deadlines WHERE at <= ? ORDER BY at, commons_id, id LIMIT ?',
          ).all(upTo, limit);
      return (rows as { commons_id: string; id: string; at: string }[]).map((r) => ({
        commonsId: r.commons_id,
        id: r.id,
        at: r.at,
      }));
    },

    async unindexedCommons(limit, after) {
      settleAll();
      checkLimit('unindexedCommons', limit);
      const rows = sql(
        'SELECT commons_id FROM heads WHERE deadlines_indexed = 0 AND commons_id > ? ORDER BY commons_id LIMIT ?',
      ).all(after ?? '', limit) as { commons_id: string }[];
      return rows.map((r) => r.commons_id);
    },

    async replaceDeadlines(commonsId, expectedSize, deadlines) {
      settle(commonsId);
      checkDeadlines(`replaceDeadlines of commons ${JSON.stringify(commonsId)}`, deadlines, false);
      replaceDeadlinesTx.immediate(commonsId, expectedSize, deadlines);
    },

    async saveSnapshot(commonsId, snapshot) {
      settle(commonsId);
      saveSnapshotTx.immediate(commonsId, snapshot);
    },

    async largestSnapshots(limit) {
      checkLimit('largestSnapshots', limit);
      const rows = sql(
        'SELECT commons_id AS commonsId, size FROM snapshots ORDER BY size DESC, commons_id LIMIT ?',
      ).all(limit) as { commonsId: string; size: number }[];
      return rows.map((r) => ({ commonsId: r.commonsId, size: Number(r.size) }));
    },

    async readSnapshot(commonsId) {
      settle(commonsId);
      const row = sql('SELECT size, header, body FROM snapshots WHERE commons_id = ?').get(commonsId) as
        { size: number; header: string; body: Buffer } | undefined;
      return row ? { size: row.size, header: row.header, body: new Uint8Array(row.body) } : null;
    },

    async getDoc(commonsId, kind, id) {
      settle(commonsId);
      const row = sql('SELECT body FROM docs WHERE commons_id = ? AND kind = ? AND id = ?').get(
        commonsId,
        kind,
        id,
      ) as { body: string } | undefined;
      return row ? JSON.parse(row.body) : null;
    },

    async listDocs(commonsId, kind) {
      settle(commonsId);
      const rows = sql('SELECT * FROM docs WHERE commons_id = ? AND kind = ? ORDER BY id').all(
        commonsId,
        kind,
      ) as DocRow[];
      return rows.map(docFromRow);
    },

    async listDocsPage(commonsId, kind, limit, after) {
      settle(commonsId);
      checkLimit('listDocsPage', limit);
      const rows = (
        after === undefined
          ? sql('SELECT * FROM docs WHERE commons_id = ? AND kind = ? ORDER BY id LIMIT ?').all(
              commonsId,
              kind,
              limit,
            )
          : sql('SELECT * FROM docs WHERE commons_id = ? AND kind = ? AND id > ? ORDER BY id LIMIT ?').all(
              commonsId,
              kind,
              after,
              limit,
            )
      ) as DocRow[];
      return rows.map(docFromRow);
    },

    async listDocsOfKind(kind) {
      settleAll();
      const rows = sql('SELECT * FROM docs WHERE kind = ? ORDER BY commons_id, id').all(kind) as DocRow[];
      return rows.map(docFromRow);
    },

    async listCommonsDocs(kind, id, limit, after) {
      settleAll();
      checkLimit('listCommonsDocs', limit);
      // Heads in creation order (rowid), each joined to its one document by primary key. CROSS JOIN keeps heads
      // the outer loop, so a page reads its rows and stops; a plain JOIN let SQLite read every commons' document by
      // kind and sort them all for each page (100 ms a page at 10,000 commons).
      const rows = (
        after === undefined
          ? sql(
              `SELECT d.* FROM heads h CROSS JOIN docs d ON d.commons_id = h.commons_id AND d.kind = ? AND d.id = ?
               ORDER BY h.rowid LIMIT ?`,
            ).all(kind, id, limit)
          : sql(
              `SELECT d.* FROM heads h CROSS JOIN docs d ON d.commons_id = h.commons_id AND d.kind = ? AND d.id = ?
               WHERE h.rowid > (SELECT rowid FROM heads WHERE commons_id = ?) ORDER BY h.rowid LIMIT ?`,
            ).all(kind, id, after, limit)
      ) as DocRow[];
      return rows.map(docFromRow);
    },

    async getDocs(commonsIds, kind, id) {
      settleAny(commonsIds);
      if (commonsIds.length === 0) return [];
      const rows = sql(
        `SELECT d.* FROM json_each(?) AS c JOIN docs d ON d.commons_id = c.value AND d.kind = ? AND d.id = ?`,
      ).all(JSON.stringify([...new Set(commonsIds)]), kind, id) as DocRow[];
      return rows.map(docFromRow);
    },

    async createAccount(account) {
      try {
        sql(
          `INSERT INTO accounts (id, email, email_key, display_name, password_hash, created_at, locale)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          account.id,
          account.email,
          emailKey(account.email),
          account.displayName,
          account.passwordHash,
          account.createdAt,
          account.locale ?? null,
        );
      } catch (error) {
        if (
          isConstraint(error, 'SQLITE_CONSTRAINT_UNIQUE') &&
          /accounts\.email_key/.test((error as Error).message)
        ) {
          throw new StoreConflictError('email_taken', 'an account with this email already exists');
        }
        if (isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
          throw new StoreConflictError('duplicate', `account ${account.id} already exists`);
        }
        throw error;
      }
    },

    async getAccount(id) {
      const row = sql('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
      return row ? accountFromRow(row) : null;
    },

    async findAccountByEmail(email) {
      const row = sql('SELECT * FROM accounts WHERE email_key = ?').get(emailKey(email)) as
        AccountRow | undefined;
      return row ? accountFromRow(row) : null;
    },

    async countAccounts() {
      return (sql('SELECT count(*) AS n FROM accounts').get() as { n: number }).n;
    },

    async updateAccount(id, changes) {
      const columns = accountChangeColumns(changes);
      try {
        if (columns.length > 0)
          sql(`UPDATE accounts SET ${columns.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`).run(
            ...columns.map(([, v]) => v),
            id,
          );
      } catch (error) {
        if (
          isConstraint(error, 'SQLITE_CONSTRAINT_UNIQUE') &&
          /accounts\.email_key/.test((error as Error).message)
        )
          throw new StoreConflictError('email_taken', 'an account with this email already exists');
        throw error;
      }
      const row = sql('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
      return row ? accountFromRow(row) : null;
    },

    async firstAccountId() {
      const row = sql('SELECT id FROM accounts ORDER BY created_at, id LIMIT 1').get() as
        { id: string } | undefined;
      return row?.id ?? null;
    },

    async deleteSessions(accountId, keepTokenHash) {
      return sql('DELETE FROM sessions WHERE account_id = ? AND token_hash IS NOT ?').run(
        accountId,
        keepTokenHash ?? null,
      ).changes;
    },

    async createAccountToken(token) {
      try {
        sql(
          `INSERT INTO account_tokens (token_hash, account_id, purpose, email, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(token.tokenHash, token.accountId, token.purpose, token.email, token.createdAt, token.expiresAt);
      } catch (error) {
        if (isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY'))
          throw new StoreConflictError('duplicate', 'an account token with this hash already exists');
        throw error;
      }
    },

    async takeAccountToken(tokenHash, purpose, now) {
      const row = sql('DELETE FROM account_tokens WHERE token_hash = ? AND purpose = ? RETURNING *').get(
        tokenHash,
        purpose,
      ) as AccountTokenRow | undefined;
      return row && row.expires_at > now ? accountTokenFromRow(row) : null;
    },

    async deleteAccountTokens(accountId, purpose) {
      sql('DELETE FROM account_tokens WHERE account_id = ? AND purpose = ?').run(accountId, purpose);
    },

    async createInvitation(inv) {
      try {
        sql(
          `INSERT INTO invitations (id, commons_id, token_hash, email, classes, invited_by, created_at, expires_at,
             accepted_by, accepted_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          inv.id,
          inv.commonsId,
          inv.tokenHash,
          inv.email,
          JSON.stringify(inv.classes),
          inv.invitedBy,
          inv.createdAt,
          inv.expiresAt,
          inv.acceptedBy,
          inv.acceptedAt,
        );
      } catch (error) {
        if (
          isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY') ||
          isConstraint(error, 'SQLITE_CONSTRAINT_UNIQUE')
        )
          throw new StoreConflictError('duplicate', 'an invitation with this id or token already exists');
        throw error;
      }
    },

    async getInvitationByToken(tokenHash) {
      const row = sql('SELECT * FROM invitations WHERE token_hash = ?').get(tokenHash) as
        InvitationRow | undefined;
      return row ? invitationFromRow(row) : null;
    },

    async listInvitations(commonsId, limit) {
      checkLimit('listInvitations', limit);
      const rows = sql(
        'SELECT * FROM invitations WHERE commons_id = ? ORDER BY created_at DESC, id DESC LIMIT ?',
      ).all(commonsId, limit) as InvitationRow[];
      return rows.map(invitationFromRow);
    },

    async acceptInvitation(id, accountId, at) {
      return (
        sql(
          'UPDATE invitations SET accepted_by = ?, accepted_at = ? WHERE id = ? AND accepted_by IS NULL',
        ).run(accountId, at, id).changes > 0
      );
    },

    async addOutboxMail(mail) {
      try {
        sql(
          'INSERT INTO outbox (id, recipient, subject, text, html, kind, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(mail.id, mail.to, mail.subject, mail.text, mail.html, mail.kind, mail.createdAt);
      } catch (error) {
        if (isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY'))
          throw new StoreConflictError('duplicate', `outbox mail ${mail.id} already exists`);
        throw error;
      }
    },

    async listOutbox(limit) {
      checkLimit('listOutbox', limit);
      const rows = sql('SELECT * FROM outbox ORDER BY created_at DESC, id DESC LIMIT ?').all(
        limit,
      ) as OutboxRow[];
      return rows.map(outboxFromRow);
    },

    async suppressEmail(email, at) {
      sql('INSERT INTO mail_suppressions (email_key, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(
        emailKey(email),
        at,
      );
    },

    async isEmailSuppressed(email) {
      return sql('SELECT 1 FROM mail_suppressions WHERE email_key = ?').get(emailKey(email)) !== undefined;
    },

    async addNotifications(items) {
      checkNotifications(items);
      const insert = sql(
        'INSERT INTO notifications (id, account_id, kind, commons_id, proposal_id, dedupe_key, data, created_at, read_at, digest) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, dedupe_key) DO NOTHING',
      );
      const added: string[] = [];
      db.transaction(() => {
        for (const n of items) {
          const r = insert.run(
            n.id,
            n.accountId,
            n.kind,
            n.commonsId,
            n.proposalId,
            n.dedupeKey,
            JSON.stringify(n.data ?? null),
            n.createdAt,
            n.readAt,
            n.digest ? 1 : 0,
          );
          if (r.changes > 0) added.push(n.id);
        }
      })();
      return added;
    },

    async listNotifications(accountId, limit, before) {
      checkLimit('listNotifications', limit);
      const rows = (
        before === undefined
          ? sql(
              'SELECT * FROM notifications WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?',
            ).all(accountId, limit)
          : sql(
              'SELECT * FROM notifications WHERE account_id = ? AND (created_at, id) < ' +
                '(SELECT created_at, id FROM notifications WHERE id = ? AND account_id = ?) ' +
                'ORDER BY created_at DESC, id DESC LIMIT ?',
            ).all(accountId, before, accountId, limit)
      ) as NotificationRow[];
      return rows.map(notificationFromRow);
    },

    async countUnreadNotifications(accountId) {
      const row = sql('SELECT count(*) AS n FROM notifications WHERE account_id = ? AND read_at IS NULL').get(
        accountId,
      ) as { n: number };
      return row.n;
    },

    async markNotificationRead(accountId, id, at) {
      const row = sql(
        'UPDATE notifications SET read_at = coalesce(read_at, ?) WHERE id = ? AND account_id = ? RETURNING *',
      ).get(at, id, accountId) as NotificationRow | undefined;
      return row ? notificationFromRow(row) : null;
    },

    async markAllNotificationsRead(accountId, at) {
      return sql('UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL').run(
        at,
        accountId,
      ).changes;
    },

    async digestAccounts(upTo, limit, after) {
      checkLimit('digestAccounts', limit);
      const rows = sql(
        'SELECT DISTINCT account_id FROM notifications WHERE digest = 1 AND created_at <= ? AND account_id > ? ' +
          'ORDER BY account_id LIMIT ?',
      ).all(upTo, after ?? '', limit) as { account_id: string }[];
      return rows.map((r) => r.account_id);
    },

    async takeDigestNotifications(accountId, upTo, limit) {
      checkLimit('takeDigestNotifications', limit);
      const rows = sql(
        'UPDATE notifications SET digest = 0 WHERE id IN (SELECT id FROM notifications WHERE account_id = ? AND ' +
          'digest = 1 AND created_at <= ? ORDER BY created_at, id LIMIT ?) RETURNING *',
      ).all(accountId, upTo, limit) as NotificationRow[];
      return rows.map(notificationFromRow).sort(oldestFirst);
    },

    async notificationSettings(accountIds) {
      const out = new Map<string, unknown>();
      const select = sql('SELECT settings FROM notification_settings WHERE account_id = ?');
      for (const id of new Set(accountIds)) {
        const row = select.get(id) as { settings: string } | undefined;
        if (row) out.set(id, JSON.parse(row.settings) as unknown);
      }
      return out;
    },

    async setNotificationSettings(accountId, settings) {
      sql(
        'INSERT INTO notification_settings (account_id, settings) VALUES (?, ?) ' +
          'ON CONFLICT (account_id) DO UPDATE SET settings = excluded.settings',
      ).run(accountId, JSON.stringify(settings));
    },

    async setReminder(r) {
      sql(
        'INSERT INTO reminders (commons_id, proposal_id, at) VALUES (?, ?, ?) ' +
          'ON CONFLICT (commons_id, proposal_id) DO UPDATE SET at = excluded.at',
      ).run(r.commonsId, r.proposalId, r.at);
    },

    async takeDueReminders(upTo, limit) {
      checkLimit('takeDueReminders', limit);
      const rows = sql(
        'DELETE FROM reminders WHERE (commons_id, proposal_id) IN (SELECT commons_id, proposal_id FROM reminders ' +
          'WHERE at <= ? ORDER BY at, commons_id, proposal_id LIMIT ?) RETURNING commons_id, proposal_id, at',
      ).all(upTo, limit) as { commons_id: string; proposal_id: string; at: string }[];
      return rows
        .map((r) => ({ commonsId: r.commons_id, proposalId: r.proposal_id, at: r.at }))
        .sort(byDueTime);
    },

    async createSession(session) {
      try {
        sql(
          'INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
        ).run(session.tokenHash, session.accountId, session.csrfToken, session.createdAt, session.expiresAt);
      } catch (error) {
        if (isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
          throw new StoreConflictError('duplicate', 'a session with this token already exists');
        }
        throw error;
      }
    },

    async getSession(tokenHash) {
      const row = sql('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as SessionRow | undefined;
      return row ? sessionFromRow(row) : null;
    },

    async deleteSession(tokenHash) {
      sql('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
    },

    async createApiToken(token) {
      try {
        sql(
          'INSERT INTO api_tokens (id, account_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)',
        ).run(token.id, token.accountId, token.name, token.tokenHash, token.createdAt);
      } catch (error) {
        if (
          isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY') ||
          isConstraint(error, 'SQLITE_CONSTRAINT_UNIQUE')
        ) {
          throw new StoreConflictError('duplicate', 'an API token with this id or hash already exists');
        }
        throw error;
      }
    },

    async getApiTokenByHash(tokenHash) {
      const row = sql('SELECT * FROM api_tokens WHERE token_hash = ?').get(tokenHash) as TokenRow | undefined;
      return row ? tokenFromRow(row) : null;
    },

    async listApiTokens(accountId) {
      const rows = sql('SELECT * FROM api_tokens WHERE account_id = ? ORDER BY created_at, id').all(
        accountId,
      ) as TokenRow[];
      return rows.map(tokenFromRow);
    },

    async deleteApiToken(id, accountId) {
      return sql('DELETE FROM api_tokens WHERE id = ? AND account_id = ?').run(id, accountId).changes > 0;
    },

    async close() {
      if (closed) return;
      closed = true;
      // The appends already queued are written (or rejected) before the connection goes.
      await appends.drain();
      shared.delete(appends);
      if (key !== undefined && shared.size === 0) queuesByFile.delete(key);
      cache.clear();
      db.close();
    },
  };
}

function isConstraint(error: unknown, code: string): boolean {
  return error instanceof Database.SqliteError && error.code === code;
}

function headFromRow(row: HeadRow): LogHead {
  return {
    commonsId: row.commons_id,
    size: row.size,
    hash: row.hash,
    merkle: JSON.parse(row.merkle),
    checkpoint: row.checkpoint === null ? null : JSON.parse(row.checkpoint),
  };
}

function recordFromRow(row: RecordRow): StoredRecord {
  return {
    commonsId: row.commons_id,
    seq: row.seq,
    type: row.type,
    at: row.at,
    hash: row.hash,
    body: row.body,
  };
}

function docFromRow(row: DocRow): Doc {
  return { commonsId: row.commons_id, kind: row.kind, id: row.id, body: JSON.parse(row.body) };
}
