// The server process of the HTTP benchmark: a peergov server (SQLite or PostgreSQL) seeded with one commons,
// `members` members with API tokens and one open proposal; or, with `bare`, a bare node:http JSON endpoint.
// Prints one JSON line describing what to load, then serves until killed.
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@peergov/server';

const [mode, membersArg] = process.argv.slice(2);
const members = Number(membersArg ?? 64);

if (mode === 'bare') {
  // The denominator: parse a JSON body, answer JSON, no storage.
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { stance: string };
      const out = JSON.stringify({ ok: true, stance: parsed.stance, at: new Date().toISOString() });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as { port: number }).port;
    console.log(JSON.stringify({ url: `http://127.0.0.1:${port}`, path: '/position', tokens: ['none'] }));
  });
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'peergov-bench-'));
  const schema = `bench_${Date.now().toString(36)}`;
  const server = await startServer({
    dataDir,
    port: 0,
    logLevel: 'warn',
    closeIntervalMs: 0,
    ...(mode === 'postgres'
      ? {
          databaseUrl: process.env.PEERGOV_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
          databaseSchema: schema,
        }
      : {}),
  });
  const ctx = server.context;
  const founder = await ctx.auth.signUp('founder@bench.local', 'bench password', 'Bench Host');
  const commonsId = 'cbench';
  await ctx.commons.execute(
    commonsId,
    {
      type: 'CreateCommons',
      commonsId,
      name: 'Bench',
      purpose: '',
      charter: '',
      template: 'do-ocracy',
      displayName: 'Bench Host',
      classes: [],
    },
    founder.id,
  );
  const tokens: string[] = [];
  for (let i = 0; i < members; i++) {
    const a = await ctx.auth.signUp(`m${i}@bench.local`, 'bench password', `Member ${i}`);
    await ctx.commons.execute(
      commonsId,
      {
        type: 'ApplyForMembership',
        proposalId: `a${i}`,
        displayName: `Member ${i}`,
        classes: [],
        statement: '',
      },
      a.id,
    );
    tokens.push((await ctx.auth.createToken(a.id, 'bench')).token);
  }
  // The founder never takes a position, so the proposal stays open however often the others change theirs.
  await ctx.commons.execute(
    commonsId,
    {
      type: 'SubmitProposal',
      proposalId: 'pbench',
      title: 'Bench',
      body: '',
      action: { kind: 'resolution', text: 'Benchmark' },
    },
    founder.id,
  );
  console.log(
    JSON.stringify({
      url: server.url,
      path: `/api/v1/commons/${commonsId}/proposals/pbench/position`,
      tokens,
      schema,
    }),
  );
}

// Exit cleanly on a signal so that profilers (--cpu-prof) can write their output.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
