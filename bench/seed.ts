// The scale benchmarks' seeder: builds commons logs with the kernel and appends them through the store in large
// batches (HTTP would take hours at these sizes). Each commons: a founding (decide CreateCommons, do-ocracy),
// members, open proposals (decide SubmitProposal, so each carries whatever electorate the kernel writes) and
// positions on its first proposal. Up to BENCH_DECIDE_MEMBERS members (default 1,000; 10 with BENCH_QUICK=1) admissions and positions are
// decided by the kernel (ApplyForMembership: an automatic admission proposal each; TakePosition); in a larger
// commons they are written as MemberAdmitted and PositionTaken events, folded by the kernel's evolve but not
// decided: today's admission proposals copy the electorate of their moment (100,000 members: 5 * 10^9 ids), and
// the founder never takes a position, so a consent proposal stays open whatever the others say. Records are
// chained (chainRecords), hashed into the Merkle tree, signed with the instance's key (signing-key.pem in the data
// dir) and appended with the read-model documents of readModelChanges, as the write path does.
//
// As a module: newTarget, openTarget, dropTarget, seedCommons. As a process (so that a benchmark can bound it with a
// timeout and see it run out of memory): `node --import tsx bench/seed.ts '<SeedPlan JSON>'` (or `@<file>`) prints one JSON line
// (SeedResult) on stdout, progress on stderr.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decide,
  Draft,
  readModelChanges,
  type Command,
  type CommonsState,
  type DomainEvent,
  type EventEnvelope,
} from '@peergov/kernel';
import {
  chainRecords,
  CompactMerkleTree,
  completedNodes,
  EMPTY_POSITION,
  recordLeafHash,
  signCheckpoint,
} from '@peergov/kernel/log';
import { deadlineChanges } from '../packages/server/src/deadlines';
import { loadSigningKeys, type SigningKeys } from '../packages/server/src/keys';
import { openStore, type Store, type StoredRecord } from '@peergov/store';
import pg from 'pg';

export const pgUrl = process.env.PEERGOV_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Where a benchmark's data lives: a temp data dir (SQLite file and signing key), and on PostgreSQL a fresh schema. */
export interface Target {
  kind: 'sqlite' | 'postgres';
  dataDir: string;
  databaseUrl?: string;
  schema?: string;
}

/** A fresh target: a new temp dir, and for PostgreSQL a schema name no one uses (created by the store's migrate). */
export function newTarget(kind: Target['kind']): Target {
  const dataDir = mkdtempSync(join(tmpdir(), `peergov-scale-${kind}-`));
  if (kind === 'sqlite') return { kind, dataDir };
  const schema = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return { kind, dataDir, databaseUrl: pgUrl, schema };
}

export function openTarget(t: Target): Store {
  return openStore({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, schema: t.schema });
}

/** Removes the data dir and the schema. */
export async function dropTarget(t: Target): Promise<void> {
  rmSync(t.dataDir, { recursive: true, force: true });
  if (!t.schema) return;
  const c = new pg.Client({ connectionString: t.databaseUrl });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${t.schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

/** One commons to seed. */
export interface CommonsSpec {
  id: string;
  /** Members besides the founder. */
  members: number;
  /** Open proposals (resolutions by the founder, closing in 300 days). */
  proposals: number;
  /** Positions taken on the first proposal, by members 0, 1, ... */
  positions: number;
  /** Members (the last ones, after those with positions) given an account and an API token. */
  tokens: number;
}

/** A seeded commons: its proposals, and the tokens with their accounts (the same order). */
export interface SeededCommons {
  id: string;
  proposalIds: string[];
  tokens: string[];
  accountIds: string[];
  records: number;
}

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

// Scaled with the other sizes in quick mode, so that a quick run seeds both ways (and `peergov verify` checks both).
const decideMembers = Number(
  process.env.BENCH_DECIDE_MEMBERS || (process.env.BENCH_QUICK === '1' ? 10 : 1000),
);
/** Records per append (one transaction, one signed checkpoint). */
const BATCH_RECORDS = 5000;
/** An append is also made once its record bodies reach this many bytes. */
const BATCH_BYTES = 32 << 20;

// Record times: one millisecond apart, from a day ago, so that they are in the past and in order.
let clockMs = Date.now() - 86_400_000;
const tick = (): string => new Date(clockMs++).toISOString();

/** Builds one commons' log with the kernel and appends it through the store in batches. */
export async function seedCommons(
  store: Store,
  keys: SigningKeys,
  spec: CommonsSpec,
): Promise<SeededCommons> {
  const id = spec.id;
  const founder = `${id}-founder`;
  const member = (i: number) => `${id}-m${i}`;
  const draft = new Draft(null);
  const tree = CompactMerkleTree.fromState(EMPTY_POSITION.merkle);
  let size = 0;
  let hash = EMPTY_POSITION.hash;
  let appendedSize = 0;
  let appendedHash = EMPTY_POSITION.hash;
  let appendedMerkle = EMPTY_POSITION.merkle;
  let leaves: Uint8Array[] = [];
  let records: StoredRecord[] = [];
  let envelopes: EventEnvelope[] = [];
  let bytes = 0;
  let lastAt = '';
  let reported = performance.now();
  let proposalsOpened = 0;

  const flush = async () => {
    if (records.length === 0) return;
    const state = draft.state;
    const signed = signCheckpoint({ commons: id, size, root: tree.rootHex(), time: lastAt }, keys.privateKey);
    await store.append({
      commonsId: id,
      expectedSize: appendedSize,
      expectedHash: appendedHash,
      records,
      head: {
        commonsId: id,
        size,
        hash,
        merkle: tree.state().hashes,
        checkpoint: { ...signed.checkpoint, signature: signed.signature, keyId: signed.keyId },
      },
      docs: readModelChanges(state, envelopes),
      // As the server appends: the deadlines of open proposals and the Merkle nodes the records complete, so that
      // the server starts on an indexed store (no backfill) and proofs read O(log n) nodes.
      deadlines: deadlineChanges(state, envelopes),
      nodes: completedNodes(appendedMerkle, leaves),
    });
    appendedSize = size;
    appendedHash = hash;
    appendedMerkle = tree.state();
    if (performance.now() - reported > 10_000) {
      reported = performance.now();
      console.error(
        `seed: ${id}: ${size} records, ${proposalsOpened} proposals so far, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
      );
    }
    records = [];
    envelopes = [];
    leaves = [];
    bytes = 0;
  };

  const emit = async (events: DomainEvent[], actor: string | null, at: string) => {
    const envs = events.map((e) => ({ ...e, actor, at }) as EventEnvelope);
    const chained = chainRecords(id, hash, size, envs);
    for (const env of envs) draft.apply(env);
    for (const c of chained) {
      records.push({
        commonsId: id,
        seq: c.record.seq,
        type: c.record.type,
        at: c.record.at,
        hash: c.hash,
        body: c.body,
      });
      const leaf = recordLeafHash(c.body);
      tree.append(leaf);
      leaves.push(leaf);
      hash = c.hash;
      size++;
      bytes += c.body.length;
    }
    envelopes.push(...envs);
    lastAt = at;
    if (records.length >= BATCH_RECORDS || bytes >= BATCH_BYTES) await flush();
  };

  const run = async (command: Command, actor: string) => {
    const now = tick();
    await emit(decide(draft.peek() as CommonsState, command, { actor, now }), actor, now);
  };

  await run(
    {
      type: 'CreateCommons',
      commonsId: id,
      name: `Bench ${id}`,
      purpose: 'A commons seeded for the scale benchmarks.',
      charter: '',
      template: 'do-ocracy',
      displayName: 'Bench Host',
      classes: [],
    },
    founder,
  );
  const byDecision = spec.members <= decideMembers;
  for (let i = 0; i < spec.members; i++) {
    const displayName = `Member ${i}`;
    if (byDecision) {
      await run(
        { type: 'ApplyForMembership', proposalId: `admit-${i}`, displayName, classes: [], statement: '' },
        member(i),
      );
    } else {
      const at = tick();
      await emit(
        [
          {
            type: 'MemberAdmitted',
            data: { proposalId: `admit-${i}`, accountId: member(i), displayName, classes: ['member'] },
          },
        ],
        null,
        at,
      );
    }
  }
  const proposalIds: string[] = [];
  for (let p = 0; p < spec.proposals; p++) {
    const proposalId = `p${p}`;
    proposalIds.push(proposalId);
    proposalsOpened++;
    const now = tick();
    const command: Command = {
      type: 'SubmitProposal',
      proposalId,
      title: `Proposal ${p}`,
      body: 'A resolution seeded for the scale benchmarks.',
      action: { kind: 'resolution', text: `Resolution ${p}` },
      closesAt: new Date(Date.parse(now) + 300 * 86_400_000).toISOString(),
    };
    await emit(decide(draft.peek() as CommonsState, command, { actor: founder, now }), founder, now);
  }
  const stances = ['agree', 'abstain'] as const;
  const first = proposalIds[0];
  for (let i = 0; first !== undefined && i < Math.min(spec.positions, spec.members); i++) {
    const stance = stances[i % 2] ?? 'agree';
    const reason = `seeded position ${i}`;
    if (byDecision) await run({ type: 'TakePosition', proposalId: first, stance, reason }, member(i));
    else {
      const at = tick();
      await emit(
        [{ type: 'PositionTaken', data: { proposalId: first, accountId: member(i), stance, reason } }],
        member(i),
        at,
      );
    }
  }
  await flush();

  const tokens: string[] = [];
  const accountIds: string[] = [];
  const from = Math.max(0, spec.members - spec.tokens);
  for (let i = from; i < spec.members; i++) {
    const accountId = member(i);
    const createdAt = new Date().toISOString();
    await store.createAccount({
      id: accountId,
      email: `${accountId}@bench.local`,
      displayName: `Member ${i}`,
      // Never signed in with: the benchmarks use API tokens.
      passwordHash: 'bench-account-without-password',
      createdAt,
    });
    const token = `pgv_bench_${randomBytes(18).toString('hex')}`;
    await store.createApiToken({
      id: `t-${accountId}`,
      accountId,
      name: 'bench',
      tokenHash: sha256(token),
      createdAt,
    });
    tokens.push(token);
    accountIds.push(accountId);
  }
  return { id, proposalIds, tokens, accountIds, records: size };
}

/** What the seeder process is asked for: `count` commons of one shape per group, ids `${prefix}${i}`. */
export interface SeedPlan {
  target: Target;
  groups: { prefix: string; count: number; shape: Omit<CommonsSpec, 'id'> }[];
}

export interface SeedResult {
  commons: SeededCommons[];
  records: number;
  seconds: number;
}

async function main(plan: SeedPlan): Promise<void> {
  const started = performance.now();
  const store = openTarget(plan.target);
  await store.migrate();
  const keys = loadSigningKeys(plan.target.dataDir);
  const commons: SeededCommons[] = [];
  let total = 0;
  let lastReport = started;
  for (const g of plan.groups) {
    for (let i = 0; i < g.count; i++) {
      const seeded = await seedCommons(store, keys, { id: `${g.prefix}${i}`, ...g.shape });
      total += seeded.records;
      commons.push(seeded);
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.error(
          `seed: ${commons.length} commons, ${total} records, ${((lastReport - started) / 1000).toFixed(0)} s, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
        );
      }
    }
  }
  await store.close();
  const result: SeedResult = { commons, records: total, seconds: (performance.now() - started) / 1000 };
  console.log(JSON.stringify(result));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2];
  if (!arg) throw new Error('usage: seed.ts <SeedPlan JSON> | @<file holding it>');
  await main(JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg) as SeedPlan);
}
