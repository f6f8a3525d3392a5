import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../src/index';
import { storeContract } from './contract';
import { pgTestUrl, requirePostgres } from './pg-available';

const available = await requirePostgres();
// A fresh schema for this file, dropped at the end, so runs never see each other's data.
const schema = `peergov_test_${randomBytes(6).toString('hex')}`;

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgTestUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

if (available) {
  afterAll(async () => {
    await withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  });

  storeContract('PostgreSQL', async () => openPostgresStore({ url: pgTestUrl, schema, poolSize: 5 }));

  describe('PostgreSQL store specifics', () => {
    it('keeps every table in its schema, and several processes may migrate a new schema at once', async () => {
      const own = `${schema}_m`;
      const stores = Array.from({ length: 3 }, () =>
        openPostgresStore({ url: pgTestUrl, schema: own, poolSize: 1 }),
      );
      try {
        await Promise.all(stores.map((s) => s.migrate()));
        const tables = await withClient(async (client) => {
          const { rows } = await client.query<{ table_name: string }>(
            'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
            [own],
          );
          return rows.map((r) => r.table_name);
        });
        expect(tables).toEqual([
          'accounts',
          'api_tokens',
          'docs',
          'heads',
          'records',
          'schema_migrations',
          'sessions',
        ]);
      } finally {
        for (const s of stores) await s.close();
        await withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${own}" CASCADE`));
      }
    });

    it('rejects a schema name that is not a plain identifier', () => {
      expect(() => openPostgresStore({ url: pgTestUrl, schema: 'x"; DROP SCHEMA public; --' })).toThrow(
        /plain identifier/,
      );
    });
  });
} else {
  describe.skip('PostgreSQL store (not reachable: see the warning above)', () => {
    it('did not run', () => {});
  });
}
