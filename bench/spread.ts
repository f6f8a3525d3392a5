// `npm run bench -- spread` (issue 10): 64 connections, each a different member of a different commons, taking
// positions on that commons' open proposal (stances in turn, so that every request writes), against bare node:http
// in the same run, on SQLite and PostgreSQL, closer of due proposals on (its default interval). Sizes:
// BENCH_COMMONS (default: one per connection), BENCH_MEMBERS (members per commons, default 20); BENCH_CONNECTIONS,
// BENCH_SECONDS, BENCH_STORES, BENCH_QUICK=1, BENCH_TIMEOUT_S (see scale-lib.ts).
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
import type { Op } from './scale-load';
import { dropTarget, newTarget, type SeededCommons } from './seed';

const commonsCount = Number(process.env.BENCH_COMMONS ?? connections);
const members = size('BENCH_MEMBERS', 20);

const plan = (commons: SeededCommons[]) => ({
  seconds,
  connections: Array.from({ length: connections }, (_, i) => {
    const c = commons[i % commons.length]!;
    const ops: Op[] = stanceBodies.map((body) => ({
      kind: 'write',
      method: 'PUT',
      path: `/api/v1/commons/${c.id}/proposals/${c.proposalIds[0]}/position`,
      body,
    }));
    return { token: c.tokens[0], ops };
  }),
});

const rows: Row[] = [];
const bare = await startBare();
const fake = Array.from({ length: commonsCount }, (_, i) => ({
  id: `s${i}`,
  proposalIds: ['p0'],
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
        { prefix: 's', count: commonsCount, shape: { members, proposals: 1, positions: 0, tokens: 1 } },
      ],
    });
    if ('failure' in seeded) {
      rows.push({ target: `peergov on ${kind}`, failure: seeded.failure });
      continue;
    }
    console.error(
      `spread: seeded ${kind}: ${seeded.result.records} records in ${seeded.result.seconds.toFixed(1)} s`,
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

const clean = printThroughput(
  `spread: ${connections} connections, each a member of its own commons (${commonsCount} commons of ${members} members + founder, one open proposal each), PUT position, ${seconds} s`,
  rows,
);
process.exit(clean ? 0 : 1);
