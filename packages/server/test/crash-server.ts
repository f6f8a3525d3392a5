// The real server in a process of its own, for crash.test.ts: configured from the environment (PEERGOV_DATA_DIR,
// DATABASE_URL, PEERGOV_DATABASE_SCHEMA), on a free port; prints "LISTENING <url>" once it accepts connections.
import { startServer } from '../src/server';

const dataDir = process.env.PEERGOV_DATA_DIR;
if (!dataDir) throw new Error('PEERGOV_DATA_DIR is required');
const server = await startServer({
  dataDir,
  databaseUrl: process.env.DATABASE_URL || undefined,
  databaseSchema: process.env.PEERGOV_DATABASE_SCHEMA || undefined,
  port: 0,
  host: '127.0.0.1',
  logLevel: 'silent',
  closeIntervalMs: 0,
  signInPerMinute: 1_000_000,
  signUpPerHour: 1_000_000,
});
process.stdout.write(`LISTENING ${server.url}\n`);
