// Processes of the scale benchmarks, one per mode:
// - `bare`: the denominator, a bare node:http server: reads the body, answers a small JSON object to any GET or PUT,
//   and holds `/events` paths open as an SSE stream that never sends an event (no log grows behind it);
// - `peergov <target JSON>`: startServer on a seeded target (SQLite data dir or PostgreSQL schema), closer of due
//   proposals at its default interval, logging warnings only;
// - `verify <target JSON> <commons id>`: verifyStored of one commons' log and documents (what `peergov verify` does),
//   for PostgreSQL, where the CLI cannot name a schema.
// The servers print one JSON line ({ url }) once listening, then serve until a signal.
import http from 'node:http';
import { startServer, verifyStored } from '@peergov/server';
import { loadSigningKeys } from '../packages/server/src/keys';
import { openTarget, type Target } from './seed';

const [mode, targetArg, commonsArg] = process.argv.slice(2);

if (mode === 'bare') {
  const server = http.createServer((req, res) => {
    if (req.url?.endsWith('/events')) {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
      res.write('retry: 3000\nid: 0\n\n');
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = body ? (JSON.parse(body) as { stance?: string }) : {};
      const out = JSON.stringify({ ok: true, stance: parsed.stance ?? null, at: new Date().toISOString() });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as { port: number }).port;
    console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` }));
  });
} else if (mode === 'peergov' && targetArg) {
  const target = JSON.parse(targetArg) as Target;
  const server = await startServer({
    dataDir: target.dataDir,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'warn',
    ...(target.databaseUrl ? { databaseUrl: target.databaseUrl, databaseSchema: target.schema } : {}),
  });
  console.log(JSON.stringify({ url: server.url }));
} else if (mode === 'verify' && targetArg && commonsArg) {
  const target = JSON.parse(targetArg) as Target;
  const started = performance.now();
  const store = openTarget(target);
  const log = await store.readLog(commonsArg);
  if (!log) throw new Error(`no commons ${commonsArg}`);
  const result = verifyStored(commonsArg, log, loadSigningKeys(target.dataDir).publicKey);
  await store.close();
  console.log(JSON.stringify({ ...result, records: log.records.length, ms: performance.now() - started }));
  process.exit(result.ok ? 0 : 1);
} else {
  throw new Error('usage: scale-server.ts bare | peergov <target JSON> | verify <target JSON> <commons id>');
}

// Exit cleanly on a signal so that profilers (--cpu-prof) can write their output.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
