// Raw SQL on a test app's database, the same on both stores: how the tests play an operator who edits the database.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { pgTestUrl } from '../../store/test/pg-available';
import type { TestApp } from './harness';

export type Row = Record<string, unknown>;

/** Raw SQL on the test database, `?` placeholders on both. */
export interface Db {
  all(sql: string, params?: unknown[]): Promise<Row[]>;
  /** The first row of a query that the test expects to find; fails the test naming the query if there is none. */
  one(sql: string, params?: unknown[]): Promise<Row>;
  run(sql: string, params?: unknown[]): Promise<void>;
  /** A JSON column's value as stored (TEXT on SQLite, jsonb on PostgreSQL), parsed. */
  json(value: unknown): unknown;
  /** The parameter to write a JSON column. */
  jsonParam(value: unknown): unknown;
  /** A JSON value as a SELECT of its column returns it (the inverse of json). */
  asStored(value: unknown): unknown;
  /** `::jsonb` on PostgreSQL. */
  jsonCast: string;
  table(name: string): string;
  close(): Promise<void>;
}

export async function openDb(t: TestApp, kind: 'sqlite' | 'postgres'): Promise<Db> {
  const db = await openRawDb(t, kind);
  return {
    ...db,
    one: async (sql, params) => {
      const [row] = await db.all(sql, params);
      if (row === undefined) throw new Error(`no row for ${sql} with ${JSON.stringify(params ?? [])}`);
      return row;
    },
  };
}

async function openRawDb(t: TestApp, kind: 'sqlite' | 'postgres'): Promise<Omit<Db, 'one'>> {
  if (kind === 'sqlite') {
    const db = new Database(join(t.dataDir, 'peergov.sqlite'));
    db.pragma('busy_timeout = 5000');
    return {
      all: async (sql, params = []) => db.prepare(sql).all(...params) as Row[],
      run: async (sql, params = []) => void db.prepare(sql).run(...params),
      json: (v) => JSON.parse(v as string),
      jsonParam: (v) => JSON.stringify(v),
      asStored: (v) => JSON.stringify(v),
      jsonCast: '',
      table: (name) => name,
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: pgTestUrl });
  await client.connect();
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    all: async (sql, params = []) => (await client.query(numbered(sql), params)).rows as Row[],
    run: async (sql, params = []) => void (await client.query(numbered(sql), params)),
    json: (v) => v,
    jsonParam: (v) => JSON.stringify(v),
    asStored: (v) => v,
    jsonCast: '::jsonb',
    table: (name) => `${t.ctx.config.databaseSchema}.${name}`,
    close: () => client.end(),
  };
}
