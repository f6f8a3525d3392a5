// The scale-out store: several server processes share one PostgreSQL. Appends to one commons serialise on its head
// row (one statement whose UPDATE of the head checks the expected size, or the insert of a new head in a transaction);
// a writer that lost the race gets StoreConflictError. Each append sends NOTIFY '<commonsId>:<size>' in its own
// transaction, so listeners (other server processes) hear only committed appends.
// Identifiers sort with COLLATE "C" (code-point order), as SQLite's BINARY collation does.

import { createHash } from 'node:crypto';
import pg from 'pg';
import { AppendBatcher, appendWeight, type Queued } from './batch';
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
  collapseDeadlines,
  collapseDocChanges,
  collapseNewDocs,
  checkSnapshot,
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
  type Invitation,
  type LogHead,
  type Store,
  type StoredMerkleNode,
  type StoredRecord,
} from './types';

export interface PostgresStoreOptions {
  /** postgres:// or postgresql:// connection string. */
  url: string;
  /** Schema holding every table (default `public`); created by migrate(). */
  schema?: string;
  /** Maximum connections in the pool (default 10). */
  poolSize?: number;
}

// Each entry upgrades the schema by one version (recorded in schema_migrations). `{schema}` stands for the quoted schema.
// Never edit a shipped entry: append a new one.
const MIGRATIONS: string[] = [
  `
  CREATE TABLE {schema}.heads (
    commons_id text COLLATE "C" PRIMARY KEY,
    ord bigint GENERATED ALWAYS AS IDENTITY,
    size bigint NOT NULL,
    hash text NOT NULL,
    merkle jsonb NOT NULL,
    checkpoint jsonb
  );
  CREATE INDEX heads_by_ord ON {schema}.heads (ord);
  CREATE TABLE {schema}.records (
    commons_id text COLLATE "C" NOT NULL REFERENCES {schema}.heads (commons_id),
    seq bigint NOT NULL,
    type text NOT NULL,
    at text NOT NULL,
    hash text NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (commons_id, seq)
  );
  CREATE TABLE {schema}.docs (
    commons_id text COLLATE "C" NOT NULL REFERENCES {schema}.heads (commons_id),
    kind text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    body jsonb NOT NULL,
    PRIMARY KEY (commons_id, kind, id)
  );
  CREATE INDEX docs_by_kind ON {schema}.docs (kind, commons_id, id);
  CREATE TABLE {schema}.accounts (
    id text PRIMARY KEY,
    email text NOT NULL,
    email_key text NOT NULL CONSTRAINT accounts_email_unique UNIQUE,
    display_name text NOT NULL,
    password_hash text NOT NULL,
    created_at text NOT NULL
  );
  CREATE TABLE {schema}.sessions (
    token_hash text PRIMARY KEY,
    account_id text NOT NULL REFERENCES {schema}.accounts (id) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    created_at text NOT NULL,
    expires_at text NOT NULL
  );
  CREATE INDEX sessions_by_account ON {schema}.sessions (account_id);
  CREATE TABLE {schema}.api_tokens (
    id text PRIMARY KEY,
    account_id text NOT NULL REFERENCES {schema}.accounts (id) ON DELETE CASCADE,
    name text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    created_at text NOT NULL
  );
  CREATE INDEX api_tokens_by_account ON {schema}.api_tokens (account_id, created_at COLLATE "C", id COLLATE "C");
  `,
  // Merkle nodes (complete subtrees) so that proofs read O(log n) rows; nodes_size is how far they cover the log. A
  // log from before has none (0): the server backfills it from its records on its first proof.
  `
  ALTER TABLE {schema}.heads ADD COLUMN nodes_size bigint NOT NULL DEFAULT 0;
  CREATE TABLE {schema}.merkle_nodes (
    commons_id text COLLATE "C" NOT NULL REFERENCES {schema}.heads (commons_id),
    level integer NOT NULL,
    idx bigint NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (commons_id, level, idx)
  );
  `,
  // Deadlines (e.g. closing times) indexed by time, so that what falls due is found without reading every commons;
  // deadlines_indexed says a log's deadlines are complete. A log from before has none (false) until a backfill.
  `
  ALTER TABLE {schema}.heads ADD COLUMN deadlines_indexed boolean NOT NULL DEFAULT false;
  CREATE INDEX heads_unindexed ON {schema}.heads (commons_id) WHERE NOT deadlines_indexed;
  CREATE TABLE {schema}.deadlines (
    commons_id text COLLATE "C" NOT NULL REFERENCES {schema}.heads (commons_id),
    id text COLLATE "C" NOT NULL,
    at text COLLATE "C" NOT NULL,
    PRIMARY KEY (commons_id, id)
  );
  CREATE INDEX deadlines_by_at ON {schema}.deadlines (at, commons_id, id);
  `,
  // One snapshot of each commons' state at a log position (written by the server, opaque here), so that a load
  // reads it and the records after it rather than the whole log.
  `
  CREATE TABLE {schema}.snapshots (
    commons_id text COLLATE "C" PRIMARY KEY REFERENCES {schema}.heads (commons_id),
    size bigint NOT NULL,
    header text NOT NULL,
    body bytea NOT NULL
  );
  `,
  // E-mail and accounts: a chosen language per account; single-use tokens sent by e-mail (password reset, e-mail
  // change; only their hashes); invitations to a commons by e-mail or link; the outbox of mails not sent (no SMTP
  // server configured); addresses that unsubscribed.
  `
  ALTER TABLE {schema}.accounts ADD COLUMN locale text;
  CREATE INDEX accounts_by_age ON {schema}.accounts (created_at COLLATE "C", id COLLATE "C");
  CREATE TABLE {schema}.account_tokens (
    token_hash text PRIMARY KEY,
    account_id text NOT NULL REFERENCES {schema}.accounts (id) ON DELETE CASCADE,
    purpose text NOT NULL,
    email text,
    created_at text NOT NULL,
    expires_at text COLLATE "C" NOT NULL
  );
  CREATE INDEX account_tokens_by_account ON {schema}.account_tokens (account_id, purpose);
  CREATE TABLE {schema}.invitations (
    id text COLLATE "C" PRIMARY KEY,
    commons_id text COLLATE "C" NOT NULL,
    token_hash text NOT NULL UNIQUE,
    email text,
    classes jsonb NOT NULL,
    invited_by text NOT NULL REFERENCES {schema}.accounts (id) ON DELETE CASCADE,
    created_at text COLLATE "C" NOT NULL,
    expires_at text COLLATE "C" NOT NULL,
    accepted_by text,
    accepted_at text
  );
  CREATE INDEX invitations_by_commons ON {schema}.invitations (commons_id, created_at, id);
  CREATE TABLE {schema}.outbox (
    id text COLLATE "C" PRIMARY KEY,
    recipient text NOT NULL,
    subject text NOT NULL,
    text text NOT NULL,
    html text NOT NULL,
    kind text NOT NULL,
    created_at text COLLATE "C" NOT NULL
  );
  CREATE INDEX outbox_by_time ON {schema}.outbox (created_at, id);
  CREATE TABLE {schema}.mail_suppressions (
    email_key text PRIMARY KEY,
    created_at text NOT NULL
  );
  `,
  // Notifications per account (read or not, waiting for a digest or not; unique per account and dedupe key), each
  // person's notification settings, and reminders of proposals indexed by the time they fall due.
  `
  CREATE TABLE {schema}.notifications (
    id text COLLATE "C" PRIMARY KEY,
    account_id text COLLATE "C" NOT NULL REFERENCES {schema}.accounts (id) ON DELETE CASCADE,
    kind text NOT NULL,
    commons_id text COLLATE "C" NOT NULL,
    proposal_id text COLLATE "C",
    dedupe_key text COLLATE "C" NOT NULL,
    data text NOT NULL,
    created_at text COLLATE "C" NOT NULL,
    read_at text,
    digest boolean NOT NULL,
    UNIQUE (account_id, dedupe_key)
  );
  CREATE INDEX notifications_by_account ON {schema}.notifications (account_id, created_at, id);
  CREATE INDEX notifications_unread ON {schema}.notifications (account_id) WHERE read_at IS NULL;
  CREATE INDEX notifications_digest ON {schema}.notifications (account_id, created_at) WHERE digest;
  CREATE TABLE {schema}.notification_settings (
    account_id text PRIMARY KEY REFERENCES {schema}.accounts (id) ON DELETE CASCADE,
    settings text NOT NULL
  );
  CREATE TABLE {schema}.reminders (
    commons_id text COLLATE "C" NOT NULL,
    proposal_id text COLLATE "C" NOT NULL,
    at text COLLATE "C" NOT NULL,
    PRIMARY KEY (commons_id, proposal_id)
  );
  CREATE INDEX reminders_by_at ON {schema}.reminders (at, commons_id, proposal_id);
  `,
];

// At most 64 appends in one transaction: each savepoint that writes is a subtransaction with its own xid, and beyond
// 64 of them (PGPROC_MAX_CACHED_SUBXIDS) every other session's snapshots overflow to pg_subtrans, a known slowdown.
const POSTGRES_BATCH = { maxAppends: 64, maxWeight: 8 * 1024 * 1024 };

/** Opens a pooled PostgreSQL store (connections are made lazily); call migrate() before use. */
export function openPostgresStore(options: PostgresStoreOptions): Store {
  const schema = options.schema ?? 'public';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`PostgreSQL store: schema name ${JSON.stringify(schema)} must be a plain identifier`);
  }
  const S = `"${schema}"`;
  const channel = notifyChannel(schema);
  const noteChannel = notifyChannel(schema, 'peergov_note');
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: 'peergov',
  });
  // An idle client that loses its connection emits 'error' on the pool; the pool drops it. Without a listener
  // the process would crash.
  pool.on('error', () => {});

  const q = {
    lockHead: `SELECT size, nodes_size, deadlines_indexed FROM ${S}.heads WHERE commons_id = $1 FOR UPDATE`,
    insertHead: `INSERT INTO ${S}.heads (commons_id, size, hash, merkle, checkpoint, nodes_size, deadlines_indexed)
      VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7) ON CONFLICT (commons_id) DO NOTHING RETURNING commons_id`,
    updateHead: `UPDATE ${S}.heads SET size = $2, hash = $3, merkle = $4::jsonb, checkpoint = $5::jsonb, nodes_size = $6,
      deadlines_indexed = $7 WHERE commons_id = $1`,
    dropDeadlines: `DELETE FROM ${S}.deadlines x USING unnest($2::text[]) AS g (id)
      WHERE x.commons_id = $1 AND x.id = g.id`,
    setDeadlines: `INSERT INTO ${S}.deadlines (commons_id, id, at)
      SELECT $1::text, g.id, g.at FROM unnest($2::text[], $3::text[]) AS g (id, at)
      ON CONFLICT (commons_id, id) DO UPDATE SET at = excluded.at`,
    insertNodes: `INSERT INTO ${S}.merkle_nodes (commons_id, level, idx, hash)
      SELECT $1::text, * FROM unnest($2::int[], $3::bigint[], $4::text[])`,
    // One primary-key lookup per key (LATERAL), whatever the planner believes of the table's size.
    readNodes: `SELECT k.level, k.idx, m.hash FROM unnest($2::int[], $3::bigint[]) AS k (level, idx)
      CROSS JOIN LATERAL (SELECT n.hash FROM ${S}.merkle_nodes n
        WHERE n.commons_id = $1 AND n.level = k.level AND n.idx = k.idx) m`,
    nodesSize: `SELECT nodes_size FROM ${S}.heads WHERE commons_id = $1`,
    setNodesSize: `UPDATE ${S}.heads SET nodes_size = $2 WHERE commons_id = $1`,
    insertRecords: `INSERT INTO ${S}.records (commons_id, seq, type, at, hash, body)
      SELECT $1::text, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    deleteDocs: `DELETE FROM ${S}.docs d USING unnest($2::text[], $3::text[]) AS x (kind, id)
      WHERE d.commons_id = $1 AND d.kind = x.kind AND d.id = x.id`,
    upsertDocs: `INSERT INTO ${S}.docs (commons_id, kind, id, body)
      SELECT $1::text, x.kind, x.id, x.body::jsonb FROM unnest($2::text[], $3::text[], $4::text[]) AS x (kind, id, body)
      ON CONFLICT (commons_id, kind, id) DO UPDATE SET body = excluded.body`,
    // An append to an existing log in one statement (one round trip, its own transaction): the head moves only if it
    // still has the expected size (a concurrent writer's update is waited for, then the size re-checked), and the
    // records and doc changes are written only if it moved. The Merkle nodes ($20 to $22) are written, and the
    // nodes' size moved, only if the writer gave them ($19) and the stored ones reach the append's first record.
    // The deadlines ($24 dropped, $25/$26 set) likewise; the log stays indexed only if the writer gave them ($23).
    appendExisting: `WITH moved AS (
        UPDATE ${S}.heads SET size = $2, hash = $3, merkle = $4::jsonb, checkpoint = $5::jsonb,
          nodes_size = CASE WHEN $19::boolean AND nodes_size = $6 THEN $2 ELSE nodes_size END,
          deadlines_indexed = deadlines_indexed AND $23::boolean
        WHERE commons_id = $1 AND size = $6 AND ($18::text IS NULL OR hash = $18)
        RETURNING $19::boolean AND nodes_size = $2 AS with_nodes
      ), deadlines_dropped AS (
        DELETE FROM ${S}.deadlines x USING unnest($24::text[]) AS g (id)
        WHERE x.commons_id = $1 AND x.id = g.id AND EXISTS (SELECT 1 FROM moved)
      ), deadlines_set AS (
        INSERT INTO ${S}.deadlines (commons_id, id, at)
        SELECT $1::text, g.id, g.at FROM unnest($25::text[], $26::text[]) AS g (id, at)
        WHERE EXISTS (SELECT 1 FROM moved)
        ON CONFLICT (commons_id, id) DO UPDATE SET at = excluded.at
      ), nodes AS (
        INSERT INTO ${S}.merkle_nodes (commons_id, level, idx, hash)
        SELECT $1::text, n.* FROM unnest($20::int[], $21::bigint[], $22::text[]) AS n (level, idx, hash)
        WHERE EXISTS (SELECT 1 FROM moved WHERE with_nodes)
      ), records AS (
        INSERT INTO ${S}.records (commons_id, seq, type, at, hash, body)
        SELECT $1::text, r.* FROM unnest($7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[])
          AS r (seq, type, at, hash, body)
        WHERE EXISTS (SELECT 1 FROM moved)
      ), deleted AS (
        DELETE FROM ${S}.docs d USING unnest($12::text[], $13::text[]) AS x (kind, id)
        WHERE d.commons_id = $1 AND d.kind = x.kind AND d.id = x.id AND EXISTS (SELECT 1 FROM moved)
      ), upserted AS (
        INSERT INTO ${S}.docs (commons_id, kind, id, body)
        SELECT $1::text, x.kind, x.id, x.body::jsonb FROM unnest($14::text[], $15::text[], $16::text[]) AS x (kind, id, body)
        WHERE EXISTS (SELECT 1 FROM moved)
        ON CONFLICT (commons_id, kind, id) DO UPDATE SET body = excluded.body
      )
      SELECT count(*)::int AS moved FROM (SELECT pg_notify($17, $1 || ':' || $2::bigint::text) FROM moved) n`,
    headSize: `SELECT size, hash FROM ${S}.heads WHERE commons_id = $1`,
    notify: `SELECT pg_notify($1, $2)`,
  };
  // Named statements are prepared once per connection by pg. Names are per pool, so one name per text is enough.
  let statementCount = 0;
  const names = new Map<string, string>();
  const named = (text: string, values: unknown[]): pg.QueryConfig => {
    let name = names.get(text);
    if (!name) {
      name = `peergov_${++statementCount}`;
      names.set(text, name);
    }
    return { name, text, values };
  };
  const query = <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    pool.query<R>(named(text, values));

  let closed = false;
  const listeners = new Set<Listener>();
  /**
   * Tells other processes that these accounts' notifications changed (after the change committed: each statement
   * here is its own transaction). Best effort: a failure is not the change's.
   */
  const tellAccounts = async (accountIds: readonly string[]): Promise<void> => {
    const ids = [...new Set(accountIds)];
    if (ids.length === 0) return;
    await query(`SELECT count(pg_notify($1, a)) FROM unnest($2::text[]) a`, [noteChannel, ids]).catch(
      () => {},
    );
  };
  /** Listens on a channel through a dedicated connection until the returned function (or close) stops it. */
  const listenOn = async (on: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> => {
    if (closed) throw new Error('PostgreSQL store: listen() after close()');
    const listener = new Listener(options.url, on, onPayload);
    listeners.add(listener);
    try {
      await listener.start();
    } catch (error) {
      listeners.delete(listener);
      await listener.stop();
      throw error;
    }
    return async () => {
      listeners.delete(listener);
      await listener.stop();
    };
  };

  /**
   * Runs `work` in a transaction on one pooled client: COMMIT after it, ROLLBACK when it throws. A client whose
   * rollback failed is discarded rather than given back to the pool in an unknown state.
   */
  const transaction = async <T>(begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  };

  const insertNodes = (client: pg.PoolClient, commonsId: string, nodes: readonly StoredMerkleNode[]) =>
    client.query(
      named(q.insertNodes, [
        commonsId,
        nodes.map((n) => n.level),
        nodes.map((n) => n.index),
        nodes.map((n) => n.hash),
      ]),
    );

  /**
   * One append: alone (`client` undefined) as one statement, or a transaction for a new log; in a batch, on the
   * batch's client inside its transaction.
   */
  const appendOne = async (input: AppendInput, client?: pg.PoolClient): Promise<void> => {
    const { commonsId, expectedSize, records, head, nodes } = input;
    const conflict = (size: number) =>
      new StoreConflictError(
        'log_conflict',
        `log of commons ${commonsId} has ${size} records, the writer expected ${expectedSize}`,
      );
    const headValues = [
      commonsId,
      head.size,
      head.hash,
      JSON.stringify(head.merkle),
      head.checkpoint === null ? null : JSON.stringify(head.checkpoint),
    ];
    const deadlines = collapseDeadlines(input.deadlines ?? []);
    if (expectedSize > 0) {
      const changes = collapseDocChanges(input.docs);
      const deletes = changes.filter((c) => c.json === null);
      const upserts = changes.filter((c) => c.json !== null);
      let moved: number;
      try {
        const { rows } = await (client ?? pool).query<{ moved: number }>(
          named(q.appendExisting, [
            ...headValues,
            expectedSize,
            records.map((r) => r.seq),
            records.map((r) => r.type),
            records.map((r) => r.at),
            records.map((r) => r.hash),
            records.map((r) => r.body),
            deletes.map((c) => c.kind),
            deletes.map((c) => c.id),
            upserts.map((c) => c.kind),
            upserts.map((c) => c.id),
            upserts.map((c) => c.json),
            channel,
            input.expectedHash ?? null,
            nodes !== undefined,
            (nodes ?? []).map((n) => n.level),
            (nodes ?? []).map((n) => n.index),
            (nodes ?? []).map((n) => n.hash),
            input.deadlines !== undefined,
            deadlines.drop,
            deadlines.set.map((d) => d.id),
            deadlines.set.map((d) => d.at),
          ]),
        );
        moved = onlyRow(rows, 'the append').moved;
      } catch (error) {
        throw isLostRace(error)
          ? new StoreConflictError('log_conflict', `log of commons ${commonsId} moved on during the append`)
          : error;
      }
      if (moved === 1) return;
      const current = await (client ?? pool).query<{ size: string; hash: string }>(
        named(q.headSize, [commonsId]),
      );
      const row = current.rows[0];
      if (row && Number(row.size) === expectedSize && input.expectedHash !== undefined)
        throw new StoreConflictError(
          'log_conflict',
          `log of commons ${commonsId} ends with another record than the writer expected`,
        );
      throw conflict(row ? Number(row.size) : 0);
    }
    // A new log: its head row is inserted in a transaction (a concurrent creator makes the insert wait).
    try {
      const create = async (client: pg.PoolClient) => {
        const [lockedHead] = (
          await client.query<{ size: string; nodes_size: string; deadlines_indexed: boolean }>(
            named(q.lockHead, [commonsId]),
          )
        ).rows;
        // The nodes extend the stored ones only if those reach this append's first record.
        const nodesSize = lockedHead ? Number(lockedHead.nodes_size) : 0;
        const withNodes = nodes !== undefined && nodesSize === expectedSize;
        const newNodesSize = withNodes ? head.size : nodesSize;
        const indexed = input.deadlines !== undefined && (lockedHead?.deadlines_indexed ?? true);
        if (lockedHead === undefined) {
          if (expectedSize !== 0) throw conflict(0);
          // A concurrent creator makes this insert wait for its commit, then do nothing: we lost the race.
          const inserted = await client.query(named(q.insertHead, [...headValues, newNodesSize, indexed]));
          if (inserted.rowCount === 0)
            throw new StoreConflictError(
              'log_conflict',
              `log of commons ${commonsId} was created concurrently`,
            );
        } else {
          const size = Number(lockedHead.size);
          if (size !== expectedSize) throw conflict(size);
          await client.query(named(q.updateHead, [...headValues, newNodesSize, indexed]));
        }
        if (deadlines.drop.length > 0)
          await client.query(named(q.dropDeadlines, [commonsId, deadlines.drop]));
        if (deadlines.set.length > 0) {
          await client.query(
            named(q.setDeadlines, [
              commonsId,
              deadlines.set.map((d) => d.id),
              deadlines.set.map((d) => d.at),
            ]),
          );
        }
        if (withNodes && nodes.length > 0) await insertNodes(client, commonsId, nodes);
        if (records.length > 0) {
          await client.query(
            named(q.insertRecords, [
              commonsId,
              records.map((r) => r.seq),
              records.map((r) => r.type),
              records.map((r) => r.at),
              records.map((r) => r.hash),
              records.map((r) => r.body),
            ]),
          );
        }
        const changes = collapseDocChanges(input.docs);
        const deletes = changes.filter((c) => c.json === null);
        const upserts = changes.filter((c) => c.json !== null);
        if (deletes.length > 0) {
          await client.query(
            named(q.deleteDocs, [commonsId, deletes.map((c) => c.kind), deletes.map((c) => c.id)]),
          );
        }
        if (upserts.length > 0) {
          await client.query(
            named(q.upsertDocs, [
              commonsId,
              upserts.map((c) => c.kind),
              upserts.map((c) => c.id),
              upserts.map((c) => c.json),
            ]),
          );
        }
        await client.query(named(q.notify, [channel, `${commonsId}:${head.size}`]));
      };
      // Alone, in its own transaction; in a batch, in the batch's (within the append's savepoint).
      await (client ? create(client) : transaction('BEGIN', create));
    } catch (error) {
      throw isLostRace(error)
        ? new StoreConflictError('log_conflict', `log of commons ${commonsId} moved on during the append`)
        : error;
    }
  };

  // Group commit: the appends of one event-loop turn (up to the limits) go out on one pooled client in one
  // transaction, one commit for them all, each in its own savepoint: an append that fails (a lost race, a refused
  // value) is rolled back to its savepoint and rejects alone. A failed BEGIN, savepoint or COMMIT (a lost connection)
  // rejects every append of the batch. The appends are taken in commons order (stable: those to one commons stay in
  // the order they were asked), so that two batches lock head rows in the same order and never deadlock. One append
  // alone runs as before, without the transaction around it.
  const runBatch = async (batch: readonly Queued<AppendInput>[]): Promise<void> => {
    const only = batch.length === 1 ? batch[0] : undefined;
    if (only) {
      await appendOne(only.input).then(only.resolve, only.reject);
      return;
    }
    const ordered = [...batch].sort((a, b) =>
      a.input.commonsId < b.input.commonsId ? -1 : a.input.commonsId > b.input.commonsId ? 1 : 0,
    );
    const outcomes = new Map<Queued<AppendInput>, { ok: true } | { ok: false; error: unknown }>();
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      let first = true;
      for (const q of ordered) {
        await client.query(
          first
            ? 'BEGIN; SAVEPOINT peergov_append'
            : 'RELEASE SAVEPOINT peergov_append; SAVEPOINT peergov_append',
        );
        first = false;
        try {
          await appendOne(q.input, client);
          outcomes.set(q, { ok: true });
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT peergov_append');
          outcomes.set(q, { ok: false, error });
        }
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
    for (const q of batch) {
      const outcome = outcomes.get(q);
      if (outcome?.ok) q.resolve();
      else q.reject(outcome ? outcome.error : new Error('internal: no outcome for an append of the batch'));
    }
  };
  const appends = new AppendBatcher<AppendInput>(
    { ...POSTGRES_BATCH, maxInFlight: Math.max(1, Math.floor((options.poolSize ?? 10) / 2)) },
    runBatch,
  );

  return {
    kind: 'postgres',

    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // Several processes may start at once: one migrates, the others wait and then find nothing to do.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`peergov.migrate.${schema}`]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${S}`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${S}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
        );
        const { rows } = await client.query<{ v: number | null }>(
          `SELECT max(version) AS v FROM ${S}.schema_migrations`,
        );
        const version = onlyRow(rows, 'max(version)').v ?? 0;
        if (version > MIGRATIONS.length) {
          throw new Error(
            `PostgreSQL store: schema ${schema} is at version ${version}, newer than this program (${MIGRATIONS.length})`,
          );
        }
        for (const [i, migration] of MIGRATIONS.slice(version).entries()) {
          await client.query(migration.replaceAll('{schema}', S));
          await client.query(`INSERT INTO ${S}.schema_migrations (version) VALUES ($1)`, [version + i + 1]);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },

    async append(input) {
      checkAppendInput(input);
      // Copied now: the batch writes what the caller gave at the call, whatever it does with `input` meanwhile.
      const prepared: AppendInput = { ...input, records: [...input.records], docs: [...input.docs] };
      if (input.nodes !== undefined) prepared.nodes = [...input.nodes];
      if (input.deadlines !== undefined) prepared.deadlines = [...input.deadlines];
      // Weighed by its records (its documents are encoded only when it is written).
      return appends.add(prepared, appendWeight(input.records, []));
    },
    async head(commonsId) {
      const { rows } = await query<HeadRow>(`SELECT * FROM ${S}.heads WHERE commons_id = $1`, [commonsId]);
      const [row] = rows;
      return row ? headFromRow(row) : null;
    },

    async listCommonsIds() {
      const { rows } = await query<{ commons_id: string }>(`SELECT commons_id FROM ${S}.heads ORDER BY ord`);
      return rows.map((r) => r.commons_id);
    },

    async readRecords(commonsId, fromSeq = 0, limit) {
      const { rows } = await query<RecordRow>(
        `SELECT * FROM ${S}.records WHERE commons_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
        [commonsId, fromSeq, limit ?? null],
      );
      return rows.map(recordFromRow);
    },

    async readLog(commonsId) {
      // REPEATABLE READ: every statement of the transaction sees the snapshot taken at its first one.
      return transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
        const heads = await client.query<HeadRow>(
          named(`SELECT * FROM ${S}.heads WHERE commons_id = $1`, [commonsId]),
        );
        const [head] = heads.rows;
        if (head === undefined) {
          return null;
        }
        const records = await client.query<RecordRow>(
          named(`SELECT * FROM ${S}.records WHERE commons_id = $1 ORDER BY seq`, [commonsId]),
        );
        const docs = await client.query<DocRow>(
          named(`SELECT * FROM ${S}.docs WHERE commons_id = $1 ORDER BY kind, id`, [commonsId]),
        );
        return {
          head: headFromRow(head),
          records: records.rows.map(recordFromRow),
          docs: docs.rows.map(docFromRow),
        };
      });
    },

    async replaceDocs(commonsId, expectedSize, docs) {
      return transaction('BEGIN', async (client) => {
        const rows = collapseNewDocs(docs);
        // Locking the head row waits for (and then excludes) any append to this commons.
        const [locked] = (await client.query<{ size: string }>(named(q.lockHead, [commonsId]))).rows;
        const size = locked ? Number(locked.size) : 0;
        if (locked === undefined || size !== expectedSize) {
          throw new StoreConflictError(
            'log_conflict',
            `log of commons ${commonsId} has ${size} records, the rebuild expected ${expectedSize}`,
          );
        }
        await client.query(named(`DELETE FROM ${S}.docs WHERE commons_id = $1`, [commonsId]));
        if (rows.length > 0) {
          await client.query(
            named(q.upsertDocs, [
              commonsId,
              rows.map((c) => c.kind),
              rows.map((c) => c.id),
              rows.map((c) => c.json),
            ]),
          );
        }
      });
    },

    async merkleNodesSize(commonsId) {
      const [row] = (await query<{ nodes_size: string }>(q.nodesSize, [commonsId])).rows;
      return row ? Number(row.nodes_size) : 0;
    },

    async readMerkleNodes(commonsId, keys) {
      const wanted = checkMerkleKeys(commonsId, keys);
      if (wanted.length === 0) return [];
      const { rows } = await query<{ level: number; idx: string; hash: string }>(q.readNodes, [
        commonsId,
        wanted.map((k) => k.level),
        wanted.map((k) => k.index),
      ]);
      return rows.map((r) => ({ level: r.level, index: Number(r.idx), hash: r.hash }));
    },

    async addMerkleNodes(commonsId, fromSize, toSize, nodes) {
      checkAddMerkleNodes(commonsId, fromSize, toSize, nodes);
      try {
        await transaction('BEGIN', async (client) => {
          const [locked] = (
            await client.query<{ size: string; nodes_size: string }>(named(q.lockHead, [commonsId]))
          ).rows;
          if (!locked || Number(locked.nodes_size) !== fromSize || Number(locked.size) < toSize) {
            throw new StoreConflictError(
              'log_conflict',
              `Merkle nodes of commons ${commonsId} cover ${locked?.nodes_size ?? 0} of ${locked?.size ?? 0} records, ` +
                `the backfill expected ${fromSize} of at least ${toSize}`,
            );
          }
          if (nodes.length > 0) await insertNodes(client, commonsId, nodes);
          await client.query(named(q.setNodesSize, [commonsId, toSize]));
        });
      } catch (error) {
        throw isLostRace(error)
          ? new StoreConflictError('log_conflict', `Merkle nodes of commons ${commonsId} moved on`)
          : error;
      }
    },

    async dueDeadlines(upTo, limit, after) {
      checkLimit('dueDeadlines', limit);
      const { rows } = await query<{ commons_id: string; id: string; at: string }>(
        `SELECT commons_id, id, at FROM ${S}.deadlines
         WHERE at <= $1 AND ($3::text IS NULL OR (at, commons_id, id) > ($3, $4, $5))
         ORDER BY at, commons_id, id LIMIT $2`,
        [upTo, limit, after?.at ?? null, after?.commonsId ?? null, after?.id ?? null],
      );
      return rows.map((r) => ({ commonsId: r.commons_id, id: r.id, at: r.at }));
    },

    async unindexedCommons(limit, after) {
      checkLimit('unindexedCommons', limit);
      const { rows } = await query<{ commons_id: string }>(
        `SELECT commons_id FROM ${S}.heads WHERE NOT deadlines_indexed AND commons_id > $2
         ORDER BY commons_id LIMIT $1`,
        [limit, after ?? ''],
      );
      return rows.map((r) => r.commons_id);
    },

    async replaceDeadlines(commonsId, expectedSize, deadlines) {
      checkDeadlines(`replaceDeadlines of commons ${JSON.stringify(commonsId)}`, deadlines, false);
      const { set } = collapseDeadlines(deadlines);
      await transaction('BEGIN', async (client) => {
        // Locking the head row waits for (and then excludes) any append to this commons.
        const [locked] = (await client.query<{ size: string }>(named(q.lockHead, [commonsId]))).rows;
        const size = locked ? Number(locked.size) : 0;
        if (locked === undefined || size !== expectedSize) {
          throw new StoreConflictError(
            'log_conflict',
            `log of commons ${commonsId} has ${size} records, the backfill expected ${expectedSize}`,
          );
        }
        await client.query(named(`DELETE FROM ${S}.deadlines WHERE commons_id = $1`, [commonsId]));
        if (set.length > 0)
          await client.query(named(q.setDeadlines, [commonsId, set.map((d) => d.id), set.map((d) => d.at)]));
        await client.query(
          named(`UPDATE ${S}.heads SET deadlines_indexed = true WHERE commons_id = $1`, [commonsId]),
        );
      });
    },

    async saveSnapshot(commonsId, snapshot) {
      checkSnapshot(commonsId, snapshot);
      // One statement: written only if the log already holds the records the snapshot is of (a log only grows).
      const { rowCount } = await query(
        `INSERT INTO ${S}.snapshots (commons_id, size, header, body)
         SELECT $1, $2, $3, $4 FROM ${S}.heads WHERE commons_id = $1 AND size >= $2
         ON CONFLICT (commons_id) DO UPDATE SET size = excluded.size, header = excluded.header, body = excluded.body`,
        [commonsId, snapshot.size, snapshot.header, Buffer.from(snapshot.body)],
      );
      if (rowCount === 0) {
        throw new StoreConflictError(
          'log_conflict',
          `log of commons ${commonsId} has fewer records than the snapshot's ${snapshot.size}`,
        );
      }
    },

    async largestSnapshots(limit) {
      checkLimit('largestSnapshots', limit);
      const { rows } = await query<{ commons_id: string; size: string }>(
        `SELECT commons_id, size FROM ${S}.snapshots ORDER BY size DESC, commons_id COLLATE "C" LIMIT $1`,
        [limit],
      );
      return rows.map((r) => ({ commonsId: r.commons_id, size: Number(r.size) }));
    },

    async readSnapshot(commonsId) {
      const { rows } = await query<{ size: string; header: string; body: Buffer }>(
        `SELECT size, header, body FROM ${S}.snapshots WHERE commons_id = $1`,
        [commonsId],
      );
      const [row] = rows;
      return row ? { size: Number(row.size), header: row.header, body: new Uint8Array(row.body) } : null;
    },

    async getDoc(commonsId, kind, id) {
      const { rows } = await query<{ body: unknown }>(
        `SELECT body FROM ${S}.docs WHERE commons_id = $1 AND kind = $2 AND id = $3`,
        [commonsId, kind, id],
      );
      const [row] = rows;
      return row ? row.body : null;
    },

    async listDocs(commonsId, kind) {
      const { rows } = await query<DocRow>(
        `SELECT * FROM ${S}.docs WHERE commons_id = $1 AND kind = $2 ORDER BY id`,
        [commonsId, kind],
      );
      return rows.map(docFromRow);
    },

    async listDocsPage(commonsId, kind, limit, after) {
      checkLimit('listDocsPage', limit);
      const { rows } = await query<DocRow>(
        `SELECT * FROM ${S}.docs WHERE commons_id = $1 AND kind = $2 AND ($4::text IS NULL OR id > $4)
         ORDER BY id LIMIT $3`,
        [commonsId, kind, limit, after ?? null],
      );
      return rows.map(docFromRow);
    },

    async listDocsOfKind(kind) {
      const { rows } = await query<DocRow>(
        `SELECT * FROM ${S}.docs WHERE kind = $1 ORDER BY commons_id, id`,
        [kind],
      );
      return rows.map(docFromRow);
    },

    async listCommonsDocs(kind, id, limit, after) {
      checkLimit('listCommonsDocs', limit);
      // Heads in creation order (ord), each joined to its one document by primary key; an unknown `after` has no
      // ord, so the comparison is null and the page empty.
      const { rows } = await query<DocRow>(
        `SELECT d.* FROM ${S}.heads h JOIN ${S}.docs d ON d.commons_id = h.commons_id AND d.kind = $1 AND d.id = $2
         WHERE $4::text IS NULL OR h.ord > (SELECT ord FROM ${S}.heads WHERE commons_id = $4)
         ORDER BY h.ord LIMIT $3`,
        [kind, id, limit, after ?? null],
      );
      return rows.map(docFromRow);
    },

    async getDocs(commonsIds, kind, id) {
      if (commonsIds.length === 0) return [];
      const { rows } = await query<DocRow>(
        `SELECT * FROM ${S}.docs WHERE commons_id = ANY($1::text[]) AND kind = $2 AND id = $3`,
        [[...new Set(commonsIds)], kind, id],
      );
      return rows.map(docFromRow);
    },

    async createAccount(account) {
      try {
        await query(
          `INSERT INTO ${S}.accounts (id, email, email_key, display_name, password_hash, created_at, locale) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            account.id,
            account.email,
            emailKey(account.email),
            account.displayName,
            account.passwordHash,
            account.createdAt,
            account.locale ?? null,
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error)) {
          if ((error as { constraint?: string }).constraint === 'accounts_email_unique') {
            throw new StoreConflictError('email_taken', 'an account with this email already exists');
          }
          throw new StoreConflictError('duplicate', `account ${account.id} already exists`);
        }
        throw error;
      }
    },

    async getAccount(id) {
      const [row] = (await query<AccountRow>(`SELECT * FROM ${S}.accounts WHERE id = $1`, [id])).rows;
      return row ? accountFromRow(row) : null;
    },

    async findAccountByEmail(email) {
      const { rows } = await query<AccountRow>(`SELECT * FROM ${S}.accounts WHERE email_key = $1`, [
        emailKey(email),
      ]);
      const [row] = rows;
      return row ? accountFromRow(row) : null;
    },

    async countAccounts() {
      const { rows } = await query<{ n: string }>(`SELECT count(*) AS n FROM ${S}.accounts`);
      return Number(onlyRow(rows, 'count(*)').n);
    },

    async updateAccount(id, changes) {
      const columns = accountChangeColumns(changes);
      try {
        const set = columns.map(([c], i) => `${c} = $${i + 2}`).join(', ');
        const { rows } = await query<AccountRow>(
          columns.length > 0
            ? `UPDATE ${S}.accounts SET ${set} WHERE id = $1 RETURNING *`
            : `SELECT * FROM ${S}.accounts WHERE id = $1`,
          [id, ...columns.map(([, v]) => v)],
        );
        const [row] = rows;
        return row ? accountFromRow(row) : null;
      } catch (error) {
        if (
          isUniqueViolation(error) &&
          (error as { constraint?: string }).constraint === 'accounts_email_unique'
        )
          throw new StoreConflictError('email_taken', 'an account with this email already exists');
        throw error;
      }
    },

    async firstAccountId() {
      const { rows } = await query<{ id: string }>(
        `SELECT id FROM ${S}.accounts ORDER BY created_at COLLATE "C", id COLLATE "C" LIMIT 1`,
      );
      return rows[0]?.id ?? null;
    },

    async deleteSessions(accountId, keepTokenHash) {
      const result = await query(
        `DELETE FROM ${S}.sessions WHERE account_id = $1 AND token_hash IS DISTINCT FROM $2`,
        [accountId, keepTokenHash ?? null],
      );
      return result.rowCount ?? 0;
    },

    async createAccountToken(token) {
      try {
        await query(
          `INSERT INTO ${S}.account_tokens (token_hash, account_id, purpose, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [token.tokenHash, token.accountId, token.purpose, token.email, token.createdAt, token.expiresAt],
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreConflictError('duplicate', 'an account token with this hash already exists');
        throw error;
      }
    },

    async takeAccountToken(tokenHash, purpose, now) {
      const { rows } = await query<AccountTokenRow>(
        `DELETE FROM ${S}.account_tokens WHERE token_hash = $1 AND purpose = $2 RETURNING *`,
        [tokenHash, purpose],
      );
      const [row] = rows;
      return row && row.expires_at > now ? accountTokenFromRow(row) : null;
    },

    async deleteAccountTokens(accountId, purpose) {
      await query(`DELETE FROM ${S}.account_tokens WHERE account_id = $1 AND purpose = $2`, [
        accountId,
        purpose,
      ]);
    },

    async createInvitation(inv) {
      try {
        await query(
          `INSERT INTO ${S}.invitations (id, commons_id, token_hash, email, classes, invited_by, created_at, expires_at, accepted_by, accepted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
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
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreConflictError('duplicate', 'an invitation with this id or token already exists');
        throw error;
      }
    },

    async getInvitationByToken(tokenHash) {
      const { rows } = await query<InvitationPgRow>(`SELECT * FROM ${S}.invitations WHERE token_hash = $1`, [
        tokenHash,
      ]);
      const [row] = rows;
      return row ? invitationFromPgRow(row) : null;
    },

    async listInvitations(commonsId, limit) {
      checkLimit('listInvitations', limit);
      const { rows } = await query<InvitationPgRow>(
        `SELECT * FROM ${S}.invitations WHERE commons_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
        [commonsId, limit],
      );
      return rows.map(invitationFromPgRow);
    },

    async acceptInvitation(id, accountId, at) {
      const result = await query(
        `UPDATE ${S}.invitations SET accepted_by = $1, accepted_at = $2 WHERE id = $3 AND accepted_by IS NULL`,
        [accountId, at, id],
      );
      return (result.rowCount ?? 0) > 0;
    },

    async addOutboxMail(mail) {
      try {
        await query(
          `INSERT INTO ${S}.outbox (id, recipient, subject, text, html, kind, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [mail.id, mail.to, mail.subject, mail.text, mail.html, mail.kind, mail.createdAt],
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreConflictError('duplicate', `outbox mail ${mail.id} already exists`);
        throw error;
      }
    },

    async listOutbox(limit) {
      checkLimit('listOutbox', limit);
      const { rows } = await query<OutboxRow>(
        `SELECT * FROM ${S}.outbox ORDER BY created_at DESC, id DESC LIMIT $1`,
        [limit],
      );
      return rows.map(outboxFromRow);
    },

    async suppressEmail(email, at) {
      await query(
        `INSERT INTO ${S}.mail_suppressions (email_key, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [emailKey(email), at],
      );
    },

    async isEmailSuppressed(email) {
      const { rows } = await query(`SELECT 1 FROM ${S}.mail_suppressions WHERE email_key = $1`, [
        emailKey(email),
      ]);
      return rows.length > 0;
    },

    async addNotifications(items) {
      checkNotifications(items);
      if (items.length === 0) return [];
      // One statement whatever the number (arrays unnested), so that its prepared form is one.
      const { rows } = await query<{ id: string; account_id: string }>(
        `INSERT INTO ${S}.notifications (id, account_id, kind, commons_id, proposal_id, dedupe_key, data, created_at, read_at, digest) ` +
          `SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::boolean[]) ` +
          `ON CONFLICT (account_id, dedupe_key) DO NOTHING RETURNING id, account_id`,
        [
          items.map((n) => n.id),
          items.map((n) => n.accountId),
          items.map((n) => n.kind),
          items.map((n) => n.commonsId),
          items.map((n) => n.proposalId),
          items.map((n) => n.dedupeKey),
          items.map((n) => JSON.stringify(n.data ?? null)),
          items.map((n) => n.createdAt),
          items.map((n) => n.readAt),
          items.map((n) => n.digest),
        ],
      );
      const added = new Set(rows.map((r) => r.id));
      await tellAccounts(rows.map((r) => r.account_id));
      return items.filter((n) => added.has(n.id)).map((n) => n.id);
    },

    async listNotifications(accountId, limit, before) {
      checkLimit('listNotifications', limit);
      const { rows } =
        before === undefined
          ? await query<NotificationRow>(
              `SELECT * FROM ${S}.notifications WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
              [accountId, limit],
            )
          : await query<NotificationRow>(
              `SELECT * FROM ${S}.notifications WHERE account_id = $1 AND (created_at, id) < ` +
                `(SELECT created_at, id FROM ${S}.notifications WHERE id = $2 AND account_id = $1) ` +
                `ORDER BY created_at DESC, id DESC LIMIT $3`,
              [accountId, before, limit],
            );
      return rows.map(notificationFromRow);
    },

    async countUnreadNotifications(accountId) {
      const { rows } = await query<{ n: string }>(
        `SELECT count(*) AS n FROM ${S}.notifications WHERE account_id = $1 AND read_at IS NULL`,
        [accountId],
      );
      return Number(rows[0]?.n ?? 0);
    },

    async markNotificationRead(accountId, id, at) {
      const { rows } = await query<NotificationRow>(
        `UPDATE ${S}.notifications SET read_at = coalesce(read_at, $1) WHERE id = $2 AND account_id = $3 RETURNING *`,
        [at, id, accountId],
      );
      if (rows[0]) await tellAccounts([accountId]);
      return rows[0] ? notificationFromRow(rows[0]) : null;
    },

    async markAllNotificationsRead(accountId, at) {
      const result = await query(
        `UPDATE ${S}.notifications SET read_at = $1 WHERE account_id = $2 AND read_at IS NULL`,
        [at, accountId],
      );
      if ((result.rowCount ?? 0) > 0) await tellAccounts([accountId]);
      return result.rowCount ?? 0;
    },

    async digestAccounts(upTo, limit, after) {
      checkLimit('digestAccounts', limit);
      const { rows } = await query<{ account_id: string }>(
        `SELECT DISTINCT account_id FROM ${S}.notifications WHERE digest AND created_at <= $1 AND account_id > $2 ` +
          `ORDER BY account_id LIMIT $3`,
        [upTo, after ?? '', limit],
      );
      return rows.map((r) => r.account_id);
    },

    async takeDigestNotifications(accountId, upTo, limit) {
      checkLimit('takeDigestNotifications', limit);
      // SKIP LOCKED: a concurrent take gets the others, never the same ones.
      const { rows } = await query<NotificationRow>(
        `UPDATE ${S}.notifications SET digest = false WHERE id IN (SELECT id FROM ${S}.notifications WHERE ` +
          `account_id = $1 AND digest AND created_at <= $2 ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) ` +
          `AND digest RETURNING *`,
        [accountId, upTo, limit],
      );
      return rows.map(notificationFromRow).sort(oldestFirst);
    },

    async notificationSettings(accountIds) {
      const out = new Map<string, unknown>();
      if (accountIds.length === 0) return out;
      const { rows } = await query<{ account_id: string; settings: string }>(
        `SELECT account_id, settings FROM ${S}.notification_settings WHERE account_id = ANY($1::text[])`,
        [[...new Set(accountIds)]],
      );
      for (const r of rows) out.set(r.account_id, JSON.parse(r.settings) as unknown);
      return out;
    },

    async setNotificationSettings(accountId, settings) {
      await query(
        `INSERT INTO ${S}.notification_settings (account_id, settings) VALUES ($1, $2) ` +
          `ON CONFLICT (account_id) DO UPDATE SET settings = excluded.settings`,
        [accountId, JSON.stringify(settings)],
      );
    },

    async setReminder(r) {
      await query(
        `INSERT INTO ${S}.reminders (commons_id, proposal_id, at) VALUES ($1, $2, $3) ` +
          `ON CONFLICT (commons_id, proposal_id) DO UPDATE SET at = excluded.at`,
        [r.commonsId, r.proposalId, r.at],
      );
    },

    async takeDueReminders(upTo, limit) {
      checkLimit('takeDueReminders', limit);
      const { rows } = await query<{ commons_id: string; proposal_id: string; at: string }>(
        `DELETE FROM ${S}.reminders WHERE (commons_id, proposal_id) IN (SELECT commons_id, proposal_id FROM ` +
          `${S}.reminders WHERE at <= $1 ORDER BY at, commons_id, proposal_id LIMIT $2 FOR UPDATE SKIP LOCKED) ` +
          `RETURNING commons_id, proposal_id, at`,
        [upTo, limit],
      );
      return rows
        .map((r) => ({ commonsId: r.commons_id, proposalId: r.proposal_id, at: r.at }))
        .sort(byDueTime);
    },

    async createSession(session) {
      try {
        await query(
          `INSERT INTO ${S}.sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
          [session.tokenHash, session.accountId, session.csrfToken, session.createdAt, session.expiresAt],
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreConflictError('duplicate', 'a session with this token already exists');
        throw error;
      }
    },

    async getSession(tokenHash) {
      const { rows } = await query<SessionRow>(`SELECT * FROM ${S}.sessions WHERE token_hash = $1`, [
        tokenHash,
      ]);
      const [row] = rows;
      return row ? sessionFromRow(row) : null;
    },

    async deleteSession(tokenHash) {
      await query(`DELETE FROM ${S}.sessions WHERE token_hash = $1`, [tokenHash]);
    },

    async createApiToken(token) {
      try {
        await query(
          `INSERT INTO ${S}.api_tokens (id, account_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
          [token.id, token.accountId, token.name, token.tokenHash, token.createdAt],
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreConflictError('duplicate', 'an API token with this id or hash already exists');
        throw error;
      }
    },

    async getApiTokenByHash(tokenHash) {
      const { rows } = await query<TokenRow>(`SELECT * FROM ${S}.api_tokens WHERE token_hash = $1`, [
        tokenHash,
      ]);
      const [row] = rows;
      return row ? tokenFromRow(row) : null;
    },

    async listApiTokens(accountId) {
      const { rows } = await query<TokenRow>(
        `SELECT * FROM ${S}.api_tokens WHERE account_id = $1 ORDER BY created_at COLLATE "C", id COLLATE "C"`,
        [accountId],
      );
      return rows.map(tokenFromRow);
    },

    async deleteApiToken(id, accountId) {
      const result = await query(`DELETE FROM ${S}.api_tokens WHERE id = $1 AND account_id = $2`, [
        id,
        accountId,
      ]);
      return (result.rowCount ?? 0) > 0;
    },

    async listen(onAppend) {
      return listenOn(channel, (payload) => {
        const at = payload.lastIndexOf(':');
        const size = Number(payload.slice(at + 1));
        if (at > 0 && Number.isSafeInteger(size)) onAppend(payload.slice(0, at), size);
      });
    },

    async listenNotifications(onChange) {
      return listenOn(noteChannel, onChange);
    },

    async close() {
      if (closed) return;
      closed = true;
      // The appends already queued are written (or rejected) before the pool goes.
      await appends.drain();
      await Promise.all([...listeners].map((l) => l.stop()));
      listeners.clear();
      await pool.end();
    },
  };
}

/**
 * The NOTIFY channel of a schema's appends (`peergov_log` for `public`, else one per schema: a channel is
 * database-wide), or of another kind of change (`prefix`: `peergov_note` for notifications), within PostgreSQL's
 * 63-byte identifier limit.
 */
function notifyChannel(schema: string, prefix = 'peergov_log'): string {
  if (schema === 'public') return prefix;
  const named = `${prefix}_${schema}`;
  return named.length <= 63
    ? named
    : `${prefix}_${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}

/**
 * One dedicated connection that LISTENs on the channel and reports its payloads. If the connection
 * is lost it reconnects after a second (appends committed in between are not heard) until stopped.
 */
class Listener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly onPayload: (payload: string) => void,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'peergov-listen' });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel !== this.channel || !message.payload) return;
      this.onPayload(message.payload);
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => {});
      this.reconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    await client.query(`LISTEN "${this.channel}"`);
  }

  private reconnect(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.stopped) return;
      this.start().catch(() => {
        if (this.client) {
          const failed = this.client;
          this.client = null;
          failed.end().catch(() => {});
        }
        this.reconnect();
      });
    }, 1000);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}

// PostgreSQL returns the jsonb column parsed.
type InvitationPgRow = Omit<InvitationRow, 'classes'> & { classes: string[] };

function invitationFromPgRow(row: InvitationPgRow): Invitation {
  return invitationFromRow({ ...row, classes: JSON.stringify(row.classes) });
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}

// unique_violation: a concurrent writer inserted the same seq or head; serialization_failure and deadlock_detected can
// only come from a race too. All three mean "reload and retry", never a server error.
function isLostRace(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '23505' || code === '40001' || code === '40P01';
}

interface HeadRow {
  commons_id: string;
  size: string;
  hash: string;
  merkle: string[];
  checkpoint: LogHead['checkpoint'];
}
interface RecordRow {
  commons_id: string;
  seq: string;
  type: string;
  at: string;
  hash: string;
  body: string;
}
interface DocRow {
  commons_id: string;
  kind: string;
  id: string;
  body: unknown;
}

/** The one row a statement always answers with (an aggregate, a RETURNING); a missing row is a clear error. */
function onlyRow<T>(rows: readonly T[], what: string): T {
  const [row] = rows;
  if (row === undefined) throw new Error(`PostgreSQL store: ${what} answered no row`);
  return row;
}

function headFromRow(row: HeadRow): LogHead {
  return {
    commonsId: row.commons_id,
    size: Number(row.size),
    hash: row.hash,
    merkle: row.merkle,
    checkpoint: row.checkpoint,
  };
}

function recordFromRow(row: RecordRow): StoredRecord {
  return {
    commonsId: row.commons_id,
    seq: Number(row.seq),
    type: row.type,
    at: row.at,
    hash: row.hash,
    body: row.body,
  };
}

function docFromRow(row: DocRow): Doc {
  return { commonsId: row.commons_id, kind: row.kind, id: row.id, body: row.body };
}
