import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type StoreConfig } from '../src/index';
import { openStoreLazily } from '../src/open-lazily';

const dataDir = mkdtempSync(join(tmpdir(), 'peergov-open-lazily-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const refusal = (config: StoreConfig): string => {
  try {
    openStore(config);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('openStore accepted the config');
};

describe('openStoreLazily opens what openStore opens', () => {
  it('SQLite in the data dir without a database URL, or with an empty one', async () => {
    for (const databaseUrl of [undefined, '']) {
      const store = await openStoreLazily({ dataDir, databaseUrl });
      const eager = openStore({ dataDir, databaseUrl });
      try {
        expect(store.kind).toBe(eager.kind);
        expect(store.kind).toBe('sqlite');
        await store.migrate();
        expect(await store.listCommonsIds()).toEqual([]);
      } finally {
        await store.close();
        await eager.close();
      }
    }
  });

  it('PostgreSQL for a postgres:// or postgresql:// URL, in any case (without connecting)', async () => {
    for (const databaseUrl of ['postgres://u@127.0.0.1:1/x', 'POSTGRESQL://u@127.0.0.1:1/x']) {
      const store = await openStoreLazily({ dataDir, databaseUrl });
      const eager = openStore({ dataDir, databaseUrl });
      expect(store.kind).toBe(eager.kind);
      expect(store.kind).toBe('postgres');
      await store.close();
      await eager.close();
    }
  });

  it('refuses any other URL with the same message, the password redacted', async () => {
    const config = { dataDir, databaseUrl: 'mysql://ada:secret@db/x' };
    await expect(openStoreLazily(config)).rejects.toThrow(refusal(config));
    await expect(openStoreLazily(config)).rejects.toThrow('mysql://ada:***@db/x');
  });
});
