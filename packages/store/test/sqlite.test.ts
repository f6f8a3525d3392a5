import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore, openStore } from '../src/index';
import { storeContract } from './contract';

const dir = mkdtempSync(join(tmpdir(), 'peergov-store-'));
// The parent directories do not exist yet: opening creates them.
const file = join(dir, 'nested', 'deeper', 'peergov.sqlite');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('SQLite', async () => openSqliteStore({ file }));

describe('SQLite store specifics', () => {
  it('uses WAL journaling in the file', async () => {
    const store = openSqliteStore({ file: join(dir, 'wal', 'x.sqlite') });
    await store.migrate();
    await store.close();
    const db = new Database(join(dir, 'wal', 'x.sqlite'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('works in memory', async () => {
    const store = openSqliteStore({ file: ':memory:' });
    await store.migrate();
    const body = '{"a":"\u00e9"}';
    const records = [{ commonsId: 'c', seq: 0, type: 't', at: 'now', hash: 'h', body }];
    await store.append({
      commonsId: 'c',
      expectedSize: 0,
      records,
      head: { commonsId: 'c', size: 1, hash: 'h', merkle: [], checkpoint: null },
      docs: [],
    });
    expect(await store.readRecords('c')).toEqual(records);
    await store.close();
  });

  it('refuses a database written by a newer schema', async () => {
    const path = join(dir, 'newer.sqlite');
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    const store = openSqliteStore({ file: path });
    await expect(store.migrate()).rejects.toThrow(/newer than this program/);
    await store.close();
  });
});

describe('SQLite store migrations', () => {
  it('a database from before Merkle nodes (schema version 1) migrates: its logs are kept, with no nodes', async () => {
    const path = join(dir, 'v1.sqlite');
    const store = openSqliteStore({ file: path });
    await store.migrate();
    const records = [{ commonsId: 'c', seq: 0, type: 't', at: 'now', hash: 'h', body: '{}' }];
    const head = { commonsId: 'c', size: 1, hash: 'h', merkle: [], checkpoint: null };
    await store.append({ commonsId: 'c', expectedSize: 0, records, head, docs: [] });
    await store.close();
    const db = new Database(path);
    db.exec(
      'DROP TABLE reminders; DROP TABLE notification_settings; DROP TABLE notifications; ' +
        'DROP TABLE snapshots; DROP TABLE mail_suppressions; DROP TABLE outbox; DROP TABLE invitations; DROP TABLE account_tokens; ' +
        'DROP INDEX accounts_by_age; ALTER TABLE accounts DROP COLUMN locale; ' +
        'DROP TABLE deadlines; DROP INDEX heads_unindexed; ALTER TABLE heads DROP COLUMN deadlines_indexed; ' +
        'DROP TABLE merkle_nodes; ALTER TABLE heads DROP COLUMN nodes_size',
    );
    db.pragma('user_version = 1');
    db.close();
    const again = openSqliteStore({ file: path });
    await again.migrate();
    await again.migrate();
    expect(await again.head('c')).toEqual(head);
    expect(await again.merkleNodesSize('c')).toBe(0);
    await again.addMerkleNodes('c', 0, 1, [{ level: 0, index: 0, hash: 'leaf' }]);
    expect(await again.readMerkleNodes('c', [{ level: 0, index: 0 }])).toEqual([
      { level: 0, index: 0, hash: 'leaf' },
    ]);
    await again.close();
  });

  it('a database from before deadlines (schema version 2) migrates: its logs are kept, unindexed, with none due', async () => {
    const path = join(dir, 'v2.sqlite');
    const store = openSqliteStore({ file: path });
    await store.migrate();
    const records = [{ commonsId: 'c', seq: 0, type: 't', at: 'now', hash: 'h', body: '{}' }];
    const head = { commonsId: 'c', size: 1, hash: 'h', merkle: [], checkpoint: null };
    await store.append({ commonsId: 'c', expectedSize: 0, records, head, docs: [], deadlines: [] });
    expect(await store.unindexedCommons(10)).toEqual([]);
    await store.close();
    const db = new Database(path);
    db.exec(
      'DROP TABLE reminders; DROP TABLE notification_settings; DROP TABLE notifications; ' +
        'DROP TABLE snapshots; DROP TABLE mail_suppressions; DROP TABLE outbox; DROP TABLE invitations; DROP TABLE account_tokens; ' +
        'DROP INDEX accounts_by_age; ALTER TABLE accounts DROP COLUMN locale; ' +
        'DROP TABLE deadlines; DROP INDEX heads_unindexed; ALTER TABLE heads DROP COLUMN deadlines_indexed',
    );
    db.pragma('user_version = 2');
    db.close();
    const again = openSqliteStore({ file: path });
    await again.migrate();
    await again.migrate();
    expect(await again.head('c')).toEqual(head);
    expect(await again.unindexedCommons(10)).toEqual(['c']);
    expect(await again.dueDeadlines('9999', 10)).toEqual([]);
    await again.replaceDeadlines('c', 1, [{ id: 'p', at: '2030' }]);
    expect(await again.unindexedCommons(10)).toEqual([]);
    expect(await again.dueDeadlines('9999', 10)).toEqual([{ commonsId: 'c', id: 'p', at: '2030' }]);
    await again.close();
  });
});

describe('openStore', () => {
  it('opens <dataDir>/peergov.sqlite without a database URL (or with an empty one)', async () => {
    for (const databaseUrl of [undefined, '']) {
      const dataDir = join(dir, `data-${databaseUrl === undefined ? 'none' : 'empty'}`);
      const store = openStore({ dataDir, databaseUrl });
      expect(store.kind).toBe('sqlite');
      await store.migrate();
      await store.close();
      expect(existsSync(join(dataDir, 'peergov.sqlite'))).toBe(true);
    }
  });

  it('opens PostgreSQL for postgres:// and postgresql:// URLs (connecting lazily)', async () => {
    for (const databaseUrl of ['postgres://u@127.0.0.1:1/db', 'postgresql://u@127.0.0.1:1/db']) {
      const store = openStore({ dataDir: dir, databaseUrl, schema: 'some_schema' });
      expect(store.kind).toBe('postgres');
      await store.close();
    }
  });

  it('rejects any other database URL, hiding its password', () => {
    expect(() => openStore({ dataDir: dir, databaseUrl: 'mysql://me:secret@host/db' })).toThrow(
      /postgres:\/\/.*mysql:\/\/me:\*\*\*@host/,
    );
    expect(() => openStore({ dataDir: dir, databaseUrl: 'mysql://me:secret@host/db' })).not.toThrow(/secret/);
  });
});
