// `npm run bench -- hot` (issue 10): 64 connections taking positions (stances in turn, so every request writes) on
// one proposal that already has BENCH_POSITIONS positions (default 10,000), in a commons of BENCH_MEMBERS members
// (default 100,000), against bare node:http in the same run, on SQLite and PostgreSQL, closer on. BENCH_CONNECTIONS,
// BENCH_SECONDS, BENCH_STORES, BENCH_QUICK=1, BENCH_TIMEOUT_S as in scale-lib.ts.
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
import { dropTarget, newTarget } from './seed';

const members = size('BENCH_MEMBERS', 100_000);
const positions = size('BENCH_POSITIONS', 10_000);
const tokens = Math.min(connections, members);

const plan = (path: string, tokenList: string[]) => ({
  seconds,
  connections: Array.from({ length: connections }, (_, i) => {
    const ops: Op[] = stanceBodies.map((body) => ({ kind: 'write', method: 'PUT', path, body }));
    // Rotated per connection, so that connections sharing a token (quick mode) still change its stance each time.
    return { token: tokenList[i % tokenList.length], ops: [...ops.slice(i % 3), ...ops.slice(0, i % 3)] };
  }),
});

const rows: Row[] = [];
const bare = await startBare();
const bareRun = await loadServer(bare, plan('/api/v1/commons/hot0/proposals/p0/position', ['none']));
await bare.stop();
rows.push({ target: 'bare node:http', ...bareRun });

for (const kind of stores) {
  const target = newTarget(kind);
  try {
    const seeded = await seed({
      target,
      groups: [{ prefix: 'hot', count: 1, shape: { members, proposals: 1, positions, tokens } }],
    });
    if ('failure' in seeded) {
      rows.push({ target: `peergov on ${kind}`, failure: seeded.failure });
      continue;
    }
    console.error(
      `hot: seeded ${kind}: ${seeded.result.records} records in ${seeded.result.seconds.toFixed(1)} s`,
    );
    const c = seeded.result.commons[0]!;
    let server;
    try {
      server = await startPeergov(target);
    } catch (e) {
      rows.push({ target: `peergov on ${kind}`, failure: String(e) });
      continue;
    }
    const r = await loadServer(
      server,
      plan(`/api/v1/commons/${c.id}/proposals/${c.proposalIds[0]}/position`, c.tokens),
      [`/api/v1/commons/${c.id}`],
    );
    await server.stop();
    rows.push({ target: `peergov on ${kind}`, ...r });
  } finally {
    await dropTarget(target);
  }
}

const clean = printThroughput(
  `hot: ${connections} connections on one proposal with ${positions} positions, in a commons of ${members} members + founder, PUT position, ${seconds} s`,
  rows,
);
process.exit(clean ? 0 : 1);
