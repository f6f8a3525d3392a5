// Whether the PostgreSQL test suites can run. Shared with the server's tests: import { pgTestUrl, requirePostgres }.

import pg from 'pg';

/** The PostgreSQL the test suites use (PEERGOV_TEST_DATABASE_URL, else the local trust-auth database `test`). */
export const pgTestUrl = process.env.PEERGOV_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Resolves true if PostgreSQL answers at pgTestUrl. If not: throws when PEERGOV_REQUIRE_ALL=1 (the suite must fail),
 * otherwise warns loudly on stderr and resolves false (the caller skips its suite).
 */
export async function requirePostgres(suite = 'the PostgreSQL store suite'): Promise<boolean> {
  const client = new pg.Client({ connectionString: pgTestUrl, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  let problem: string | undefined;
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    problem = (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
  if (problem === undefined) return true;
  const message = `PostgreSQL not reachable at ${redact(pgTestUrl)}: ${suite} did NOT run (${problem})`;
  if (process.env.PEERGOV_REQUIRE_ALL === '1') {
    throw new Error(`${message}, and PEERGOV_REQUIRE_ALL=1 requires it`);
  }
  process.stderr.write(`\n!!!!!!!!!!\n!!! WARNING: ${message}\n!!!!!!!!!!\n\n`);
  return false;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
