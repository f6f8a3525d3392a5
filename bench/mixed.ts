// `npm run bench -- mixed` (issue 10): 64 connections sending 90% reads (proposal pages and commons overviews: GET
// /api/v1/commons/:id/proposals/:pid and GET /api/v1/commons/:id) and 10% writes (PUT position, stances in turn),
// while BENCH_STREAMS live-update streams (default 200, GET /api/v1/commons/:id/events) behave as the web app does on
// each event (the predicates of packages/web/src/components/use-live-updates.ts, as each page uses them): a proposal
// page loads the proposal again when the event touched it and the commons view when that changed; an overview its
// open proposals when any proposal changed and its member lists when the membership did; both run the log check
// (consistency from the size they saw) on every event. The bytes they download are counted.
// Against bare node:http (the same requests; its streams never send an event) in the same run, on SQLite and
// PostgreSQL, closer on. Sizes: BENCH_COMMONS commons (default 10) of BENCH_MEMBERS members (default 1,000) with
// BENCH_PROPOSALS open proposals each (default 10), the first with BENCH_POSITIONS positions (default 100).
import {
  connections,
  loadServer,
  printThroughput,
  seconds,
  seed,
  size,
  stanceBodies,
  startBare,
  startPeergov,
  stores,
  type Row,
} from './scale-lib';
import type { Follower, Op } from './scale-load';
import { dropTarget, newTarget, type SeededCommons } from './seed';

const commonsCount = size('BENCH_COMMONS', 10);
const members = size('BENCH_MEMBERS', 1000);
const proposals = size('BENCH_PROPOSALS', 10);
const positions = size('BENCH_POSITIONS', 100);
const streams = size('BENCH_STREAMS', 200);
const tokensPerCommons = Math.min(members, Math.ceil(connections / commonsCount));

// A small deterministic generator, so that every target gets the same sequence of requests.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function plan(commons: SeededCommons[]) {
  const rand = random(42);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const conns = Array.from({ length: connections }, (_, i) => {
    const c = commons[i % commons.length]!;
    const token = c.tokens[Math.floor(i / commons.length) % c.tokens.length];
    // 100 operations, 10 of them writes, in a shuffled order; each write is the next stance of this connection.
    const ops: Op[] = [];
    let writes = 0;
    for (let k = 0; k < 100; k++) {
      const other = pick(commons);
      if (k % 10 === 0) {
        ops.push({
          kind: 'write',
          method: 'PUT',
          path: `/api/v1/commons/${c.id}/proposals/${pick(c.proposalIds)}/position`,
          body: stanceBodies[writes++ % stanceBodies.length],
        });
      } else if (k % 2 === 0) {
        ops.push({ kind: 'read', method: 'GET', path: `/api/v1/commons/${other.id}` });
      } else {
        ops.push({
          kind: 'read',
          method: 'GET',
          path: `/api/v1/commons/${other.id}/proposals/${pick(other.proposalIds)}`,
        });
      }
    }
    // Shuffled reads between the writes, the writes kept in their order (each changes the stance of the last).
    for (let k = ops.length - 1; k > 0; k--) {
      const j = Math.floor(rand() * (k + 1));
      const a = ops[k]!;
      const b = ops[j]!;
      if (a.kind === 'read' && b.kind === 'read') [ops[k], ops[j]] = [b, a];
    }
    return { token, ops };
  });
  const followers: Follower[] = Array.from({ length: streams }, (_, j) => {
    const c = commons[j % commons.length]!;
    const base = `/api/v1/commons/${c.id}`;
    const pid = c.proposalIds[j % c.proposalIds.length]!;
    const commonsView = { path: base, when: 'commons' as const };
    return j % 2 === 0
      ? {
          commonsId: c.id,
          refetch: [
            commonsView,
            { path: `${base}/proposals?status=open`, when: 'proposals' as const },
            { path: `${base}/members?status=member`, when: 'members' as const },
            { path: `${base}/members?status=applicant`, when: 'members' as const },
          ],
        }
      : {
          commonsId: c.id,
          refetch: [commonsView, { path: `${base}/proposals/${pid}`, when: { proposal: pid } }],
        };
  });
  return { seconds, connections: conns, followers };
}

const rows: Row[] = [];
const bare = await startBare();
const fake = Array.from({ length: commonsCount }, (_, i) => ({
  id: `mix${i}`,
  proposalIds: Array.from({ length: proposals }, (_, p) => `p${p}`),
  tokens: ['none'],
  accountIds: [],
  records: 0,
}));
const bareRun = await loadServer(bare, plan(fake));
await bare.stop();
rows.push({ target: 'bare node:http', ...bareRun });

for (const kind of stores) {
  const target = newTarget(kind);
  try {
    const seeded = await seed({
      target,
      groups: [
        {
          prefix: 'mix',
          count: commonsCount,
          shape: { members, proposals, positions, tokens: tokensPerCommons },
        },
      ],
    });
    if ('failure' in seeded) {
      rows.push({ target: `peergov on ${kind}`, failure: seeded.failure });
      continue;
    }
    console.error(
      `mixed: seeded ${kind}: ${seeded.result.records} records in ${seeded.result.seconds.toFixed(1)} s`,
    );
    let server;
    try {
      server = await startPeergov(target);
    } catch (e) {
      rows.push({ target: `peergov on ${kind}`, failure: String(e) });
      continue;
    }
    const r = await loadServer(
      server,
      plan(seeded.result.commons),
      seeded.result.commons.map((c) => `/api/v1/commons/${c.id}`),
    );
    await server.stop();
    rows.push({ target: `peergov on ${kind}`, ...r });
  } finally {
    await dropTarget(target);
  }
}

const mib = (b: number) => (b < 2 ** 20 ? `${(b / 1024).toFixed(1)} KiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
const clean = printThroughput(
  `mixed: ${connections} connections, 90% GET (overview, proposal page) and 10% PUT position, ${streams} live-update streams; ${commonsCount} commons of ${members} members + founder, ${proposals} open proposals each (the first with ${positions} positions), ${seconds} s`,
  rows,
  (x) =>
    `reads ${x.reads.perSecond}/s p50 ${x.reads.p50 ?? '-'} p99 ${x.reads.p99 ?? '-'}; writes ${x.writes.perSecond}/s p50 ${x.writes.p50 ?? '-'} p99 ${x.writes.p99 ?? '-'} (${x.writesTotal} writes in all); ` +
    `streams open ${x.followers.open}/${x.followers.streams}, ${x.followers.events} events, ${x.followers.refetches} refetches, ` +
    `${mib(x.followers.bytes - x.followers.initialBytes)} downloaded while loaded (${x.writesTotal > 0 ? mib((x.followers.bytes - x.followers.initialBytes) / x.writesTotal) : '-'} per write, first loads ${mib(x.followers.initialBytes)})`,
);
process.exit(clean ? 0 : 1);
