import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, createContext, type AppContext } from '../src/index';
import { pgTestUrl } from '../../store/test/pg-available';

/** `value`, or a thrown error naming `what` if it is undefined or null: a missing entry fails the test, named. */
export function must<T>(value: T | undefined | null, what = 'a value'): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}, found ${String(value)}`);
  return value;
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  dataDir: string;
  close(): Promise<void>;
}

/** A real app on a fresh SQLite file or a fresh PostgreSQL schema. */
export async function testApp(
  kind: 'sqlite' | 'postgres',
  extra: Record<string, unknown> = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peergov-api-'));
  const schema = `t_api_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const ctx = await createContext({
    dataDir,
    port: 0,
    logLevel: 'silent',
    closeIntervalMs: 0,
    // Test suites send hundreds of sign-ups from one address; the limit itself is tested on its own.
    signUpPerHour: 100_000,
    signInPerAddressPerHour: 100_000,
    accountLookupsPerHour: 100_000,
    invitationsPerHour: 100_000,
    ...(kind === 'postgres' ? { databaseUrl: pgTestUrl, databaseSchema: schema } : {}),
    ...extra,
  });
  const app = await buildApp(ctx);
  await app.ready();
  return {
    app,
    ctx,
    dataDir,
    async close() {
      await app.close();
      await ctx.mailer.close();
      await ctx.store.close();
      if (kind === 'postgres') {
        const c = new pg.Client({ connectionString: pgTestUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A signed-in person: their cookie and CSRF token, with helpers to call the API. */
export class Person {
  cookie = '';
  csrf = '';
  id = '';
  constructor(
    private readonly app: FastifyInstance,
    readonly email: string,
    readonly name: string,
  ) {}

  /** Signs up, then signs in with the same email and password (sign-up itself answers 202 and opens no session). */
  async signUp(): Promise<this> {
    const payload = { email: this.email, password: 'correct horse battery', displayName: this.name };
    const r = await this.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload });
    if (r.statusCode !== 202) throw new Error(`signup failed: ${r.body}`);
    const s = await this.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signin',
      payload: { email: this.email, password: payload.password },
    });
    if (s.statusCode !== 200) throw new Error(`sign-in after signup failed: ${s.body}`);
    this.cookie = must(String(s.headers['set-cookie']).split(';')[0], 'a session cookie');
    this.csrf = s.json().csrfToken;
    this.id = s.json().account.id;
    return this;
  }

  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method,
      url,
      headers: { cookie: this.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': this.csrf }) },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  }
}
