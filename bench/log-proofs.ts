// `npm run bench -- log-proofs`: inclusion and consistency proofs on a 1,000,000-record log (BENCH_RECORDS), on
// SQLite and PostgreSQL, from the stored Merkle nodes (LogService.proof and .consistency, what GET .../log/proof/:seq
// and .../log/consistency run: the head, the O(log n) nodes in one query, the record, the check against the signed
// checkpoint) over BENCH_PROOFS (default 1,000) random requests each, against the computation they replace (read
// every record, hash every leaf, prove from all the leaves) a few times (BENCH_OLD_RUNS, default 3), on the same
// log. Then the backfill a log without nodes (from before they were kept) gets on its first proof, with the longest
// the event loop was held meanwhile (BENCH_BACKFILL=0 skips it). The log is built through the store in batches of
// 10,000 records chained by the kernel (chainRecords), with the nodes each batch completes (completedNodes) and a
// signed checkpoint, as the write path appends them.
import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  chainRecords,
  CompactMerkleTree,
  completedNodes,
  consistencyProof,
  EMPTY_POSITION,
  generateSigningKey,
  inclusionProof,
  merkleRoot,
  recordLeafHash,
  signCheckpoint,
  type LogEventInput,
} from '@peergov/kernel/log';
import { openPostgresStore, openSqliteStore, type Store, type StoredRecord } from '@peergov/store';
import { LogService } from '../packages/server/src/log-service';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const PROOFS = Number(process.env.BENCH_PROOFS ?? 1_000);
const OLD_RUNS = Number(process.env.BENCH_OLD_RUNS ?? 3);
const BACKFILL = process.env.BENCH_BACKFILL !== '0';
const BATCH = 10_000;
const pgUrl = process.env.PEERGOV_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const commonsId = 'cproofs';
const keys = generateSigningKey();

const ms = (t0: number) => performance.now() - t0;
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const summary = (times: number[]) => {
  const s = [...times].sort((a, b) => a - b);
  return `p50 ${fmt(quantile(s, 0.5))} ms, p99 ${fmt(quantile(s, 0.99))} ms, max ${fmt(s[s.length - 1] ?? NaN)} ms`;
};
const randomInt = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

/** A comment-sized event (a record body of about 330 bytes). */
function event(seq: number): LogEventInput {
  return {
    type: 'CommentAdded',
    actor: `a${(seq * 7919) % 100_000}`,
    at: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
    data: {
      proposalId: `p${seq % 5000}`,
      commentId: `c${seq}`,
      text: `Comment ${seq}: ${'a thought about the proposal, written at some length. '.repeat(3)}`,
    },
  } as LogEventInput;
}

/** Appends RECORDS records in batches with their Merkle nodes and a signed checkpoint; answers the build time. */
async function build(store: Store): Promise<number> {
  const t0 = performance.now();
  const tree = CompactMerkleTree.fromState(EMPTY_POSITION.merkle);
  let hash = EMPTY_POSITION.hash;
  for (let size = 0; size < RECORDS;) {
    const n = Math.min(BATCH, RECORDS - size);
    const chained = chainRecords(
      commonsId,
      hash,
      size,
      Array.from({ length: n }, (_, i) => event(size + i)),
    );
    const leaves = chained.map((c) => recordLeafHash(c.body));
    const nodes = completedNodes(tree.state(), leaves);
    for (const leaf of leaves) tree.append(leaf);
    const records: StoredRecord[] = chained.map((c) => ({
      commonsId,
      seq: c.record.seq,
      type: c.record.type,
      at: c.record.at,
      hash: c.hash,
      body: c.body,
    }));
    const previous = hash;
    hash = chained[chained.length - 1]!.hash;
    const signed = signCheckpoint(
      { commons: commonsId, size: size + n, root: tree.rootHex(), time: new Date().toISOString() },
      keys.privateKey,
    );
    await store.append({
      commonsId,
      expectedSize: size,
      expectedHash: size === 0 ? undefined : previous,
      records,
      head: {
        commonsId,
        size: size + n,
        hash,
        merkle: tree.state().hashes,
        checkpoint: { ...signed.checkpoint, signature: signed.signature, keyId: signed.keyId },
      },
      docs: [],
      nodes,
    });
    size += n;
    if (size % 200_000 === 0)
      process.stderr.write(`  built ${size} records in ${(ms(t0) / 1000).toFixed(1)} s\n`);
  }
  return ms(t0);
}

/** The computation the endpoints did before: every record read and hashed, the proof from all the leaves. */
async function oldInclusion(store: Store, seq: number) {
  const records = await store.readRecords(commonsId, 0);
  const leaves = records.map((r) => recordLeafHash(r.body));
  return { proof: inclusionProof(leaves, seq, leaves.length), root: merkleRoot(leaves) };
}
async function oldConsistency(store: Store, from: number, to: number) {
  const records = await store.readRecords(commonsId, 0, to);
  return consistencyProof(
    records.map((r) => recordLeafHash(r.body)),
    from,
    to,
  );
}
const hex = (list: readonly Uint8Array[]) => list.map((b) => Buffer.from(b).toString('hex'));

interface Target {
  name: string;
  store: Store;
  /** Drops every stored node of the commons, as a log from before nodes were kept. */
  forgetNodes(): Promise<void>;
  /** Bytes the records and the nodes take (tables with their indexes), when the database tells. */
  sizes(): Promise<string>;
  close(): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'peergov-bench-proofs-'));
  const file = join(dir, 'peergov.sqlite');
  const store = openSqliteStore({ file });
  return {
    name: 'SQLite',
    store,
    async forgetNodes() {
      const db = new Database(file);
      db.prepare('DELETE FROM merkle_nodes WHERE commons_id = ?').run(commonsId);
      db.prepare('UPDATE heads SET nodes_size = 0 WHERE commons_id = ?').run(commonsId);
      // Checkpointed here, so that the first commit of the backfill does not pay for this delete's WAL.
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
    async sizes() {
      const db = new Database(file, { readonly: true });
      try {
        const size = (name: string) =>
          (db.prepare('SELECT sum(pgsize) AS n FROM dbstat WHERE name = ?').get(name) as { n: number }).n;
        return `records ${mib(size('records'))}, merkle_nodes ${mib(size('merkle_nodes'))} (file ${mib(statSync(file).size)})`;
      } catch {
        return `file ${mib(statSync(file).size)}`;
      } finally {
        db.close();
      }
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(): Promise<Target | null> {
  const client = new pg.Client({ connectionString: pgUrl });
  try {
    await client.connect();
  } catch (e) {
    console.log(`PostgreSQL: not reachable at ${pgUrl} (${(e as Error).message}); skipped`);
    return null;
  }
  const schema = `bench_proofs_${randomBytes(4).toString('hex')}`;
  const store = openPostgresStore({ url: pgUrl, schema, poolSize: 4 });
  return {
    name: 'PostgreSQL',
    store,
    async forgetNodes() {
      await client.query(`DELETE FROM "${schema}".merkle_nodes WHERE commons_id = $1`, [commonsId]);
      await client.query(`UPDATE "${schema}".heads SET nodes_size = 0 WHERE commons_id = $1`, [commonsId]);
    },
    async sizes() {
      const size = async (table: string) =>
        Number(
          (
            await client.query<{ n: string }>(`SELECT pg_total_relation_size($1) AS n`, [
              `"${schema}".${table}`,
            ])
          ).rows[0]?.n,
        );
      return `records ${mib(await size('records'))}, merkle_nodes ${mib(await size('merkle_nodes'))}`;
    },
    async close() {
      await store.close();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function run(target: Target): Promise<void> {
  const { store } = target;
  await store.migrate();
  console.log(`\n${target.name}: building a log of ${RECORDS.toLocaleString('en')} records...`);
  const buildMs = await build(store);
  console.log(`  built in ${(buildMs / 1000).toFixed(1)} s; ${await target.sizes()}`);
  const logs = new LogService(store, createPublicKey(keys.publicKey));
  const head = (await store.head(commonsId))!;
  const n = head.size;

  // Warm-up, then each proof as its endpoint makes it (the consistency route reads the head first).
  for (let i = 0; i < 20; i++) await logs.proof(commonsId, randomInt(0, n - 1));
  const inclusion: number[] = [];
  for (let i = 0; i < PROOFS; i++) {
    const seq = randomInt(0, n - 1);
    const t0 = performance.now();
    const answer = await logs.proof(commonsId, seq);
    inclusion.push(ms(t0));
    if (!answer || answer.seq !== seq) throw new Error(`no proof for ${seq}`);
  }
  const consistency: number[] = [];
  for (let i = 0; i < PROOFS; i++) {
    const from = randomInt(1, n - 1);
    const t0 = performance.now();
    const h = (await store.head(commonsId))!;
    await logs.consistency(commonsId, h, from, h.checkpoint!.size);
    consistency.push(ms(t0));
  }
  console.log(`  inclusion proof from stored nodes (${PROOFS} random seqs): ${summary(inclusion)}`);
  console.log(`  consistency proof from stored nodes (${PROOFS} random froms): ${summary(consistency)}`);

  const oldIncl: number[] = [];
  const oldCons: number[] = [];
  for (let i = 0; i < OLD_RUNS; i++) {
    const seq = randomInt(0, n - 1);
    let t0 = performance.now();
    const old = await oldInclusion(store, seq);
    oldIncl.push(ms(t0));
    const now = (await logs.proof(commonsId, seq))!;
    if (hex(old.proof).join() !== now.proof.join() || hex([old.root])[0] !== now.root)
      throw new Error(`the stored-node proof of ${seq} differs from the all-leaves one`);
    const from = randomInt(1, n - 1);
    t0 = performance.now();
    const oldC = await oldConsistency(store, from, n);
    oldCons.push(ms(t0));
    if (hex(oldC).join() !== (await logs.consistency(commonsId, head, from, n)).join())
      throw new Error(`the stored-node consistency proof from ${from} differs from the all-leaves one`);
  }
  console.log(`  inclusion proof from all the records, as before (${OLD_RUNS} runs): ${summary(oldIncl)}`);
  console.log(`  consistency proof from all the records, as before (${OLD_RUNS} runs): ${summary(oldCons)}`);
  console.log(
    `  speed-up at p50: inclusion ${fmt(
      quantile(
        [...oldIncl].sort((a, b) => a - b),
        0.5,
      ) /
        quantile(
          [...inclusion].sort((a, b) => a - b),
          0.5,
        ),
    )}x, ` +
      `consistency ${fmt(
        quantile(
          [...oldCons].sort((a, b) => a - b),
          0.5,
        ) /
          quantile(
            [...consistency].sort((a, b) => a - b),
            0.5,
          ),
      )}x (the old proofs agreed byte for byte)`,
  );

  if (BACKFILL) {
    await target.forgetNodes();
    // The all-records runs above left a heap of garbage: collected now, not during the backfill measured.
    (globalThis as { gc?: () => void }).gc?.();
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const t0 = performance.now();
    await logs.proof(commonsId, randomInt(0, n - 1));
    const backfillMs = ms(t0);
    delay.disable();
    const after: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t1 = performance.now();
      await logs.proof(commonsId, randomInt(0, n - 1));
      after.push(ms(t1));
    }
    console.log(
      `  first proof on the log without nodes (backfill of ${n.toLocaleString('en')} records): ${(backfillMs / 1000).toFixed(1)} s, ` +
        `event loop held at most ${fmt(delay.max / 1e6)} ms at a time; then ${summary(after)} (100 proofs)`,
    );
  }
}

console.log(
  `log-proofs: ${RECORDS.toLocaleString('en')} records, ${PROOFS} proofs per kind, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at ${new Date().toISOString()}`,
);
for (const make of [async () => sqliteTarget(), postgresTarget]) {
  const target = await make();
  if (!target) continue;
  try {
    await run(target);
  } finally {
    await target.close();
  }
}
console.log(
  `\nload average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
