// Crash safety: the real server in its own process (crash-server.ts) on SQLite and on PostgreSQL, under write load
// (members taking positions and commenting on one proposal over HTTP), is killed with SIGKILL at a random moment
// and started again. Every write that got a 2xx answer must still be there, through the API (positions, comments)
// and in the log (PositionTaken and CommentPosted records), and every log must verify. PEERGOV_CRASH_ROUNDS rounds
// per store (default 3; npm run soak runs 20).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTestUrl, requirePostgres } from '../../store/test/pg-available';
import { person } from './attack-kit';
import { testApp, type Person } from './harness';

const pgOk = await requirePostgres('the crash suite on PostgreSQL');
const ROUNDS = Math.max(1, Number(process.env.PEERGOV_CRASH_ROUNDS ?? 3) || 3);
const here = dirname(fileURLToPath(import.meta.url));

interface Server {
  url: string;
  child: ChildProcess;
}

/** Starts crash-server.ts in a process of its own on the given store; resolves once it listens. */
function startChild(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'crash-server.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 60 s: ${out} ${err}`));
    }, 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /LISTENING (\S+)/.exec(out)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({ url, child });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening: ${out} ${err}`));
    });
  });
}

/** Kills a server with SIGKILL and waits until it is gone. */
function kill(s: Server): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill('SIGKILL');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A request over real HTTP as a signed-in person (their harness session cookie and CSRF token). */
async function call(base: string, who: Person, method: string, path: string, body?: unknown) {
  const r = await fetch(base + path, {
    method,
    headers: {
      cookie: who.cookie,
      ...(method === 'GET' ? {} : { 'x-csrf-token': who.csrf }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  return { status: r.status, body: text, json: () => JSON.parse(text) as Record<string, unknown> };
}

interface LogRecord {
  seq: number;
  type: string;
  actor: string | null;
  data: Record<string, unknown>;
}

async function readLog(base: string, who: Person, commonsId: string): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for (;;) {
    const r = await call(
      base,
      who,
      'GET',
      `/api/v1/commons/${commonsId}/log?from=${records.length}&limit=1000`,
    );
    const page = r.json() as { size: number; records: LogRecord[] };
    records.push(...page.records);
    if (page.records.length === 0 || records.length >= page.size) return records;
  }
}

/** Every item of a paged list (members, positions, comments), following its cursors. */
async function readAll<T>(base: string, who: Person, path: string): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  do {
    const r = await call(
      base,
      who,
      'GET',
      `${path}?limit=200${after === null ? '' : `&after=${encodeURIComponent(after)}`}`,
    );
    expect(r.status, r.body).toBe(200);
    const page = r.json() as unknown as { items: T[]; next: string | null };
    items.push(...page.items);
    after = page.next;
  } while (after !== null);
  return items;
}

const STANCES = ['agree', 'disagree', 'abstain', 'block'] as const;

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`crash safety on ${kind}`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'peergov-crash-'));
    const schema = `t_crash_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const storeEnv: Record<string, string> =
      kind === 'postgres'
        ? { PEERGOV_DATA_DIR: dataDir, DATABASE_URL: pgTestUrl, PEERGOV_DATABASE_SCHEMA: schema }
        : { PEERGOV_DATA_DIR: dataDir, DATABASE_URL: '' };
    let founder: Person;
    let members: Person[];
    let commonsId: string;
    let pid: string;
    let server: Server | undefined;
    /** Every acknowledged write: [member index, stance] positions, comment ids, per member. */
    const acked = { positions: new Map<string, number>(), comments: new Set<string>() };
    /** Each member's last acknowledged stance, and the one in flight (unanswered) when the server died. */
    const lastStance = new Map<string, string>();
    const inFlight = new Map<string, string | undefined>();

    beforeAll(async () => {
      // Accounts, sessions and the commons are set up in this process on the same store, through the harness.
      const t = await testApp(kind, {
        dataDir,
        ...(kind === 'postgres' ? { databaseSchema: schema } : {}),
      });
      try {
        founder = await person(t.app, 'ada@example.org', 'Ada');
        const created = await founder.call('POST', '/api/v1/commons', {
          name: 'Crash',
          template: 'do-ocracy',
        });
        commonsId = created.json().id;
        members = [];
        for (const name of ['Bob', 'Cara', 'Dan', 'Eve']) {
          const p = await person(t.app, `${name.toLowerCase()}@example.org`, name);
          // Do-ocracy admits whoever applies.
          const applied = await p.call('POST', `/api/v1/commons/${commonsId}/applications`, {});
          expect(applied.json().status, applied.body).toBe('passed');
          members.push(p);
        }
        // Ada never takes a position, so consent is never complete and the proposal stays open under load.
        const open = await founder.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
          title: 'Under load',
          action: { kind: 'resolution', text: 'Keep going' },
        });
        expect(open.json().status, open.body).toBe('open');
        pid = open.json().id;
      } finally {
        await t.app.close();
        await t.ctx.store.close();
      }
    });

    afterAll(async () => {
      if (server) await kill(server);
      if (kind === 'postgres') {
        const c = new pg.Client({ connectionString: pgTestUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** Checks that everything acknowledged so far is there, and that every log verifies. */
    const check = async (base: string) => {
      const p = await call(base, founder, 'GET', `/api/v1/commons/${commonsId}/proposals/${pid}`);
      expect(p.status, p.body).toBe(200);
      const view = p.json() as { status: string };
      expect(view.status).toBe('open');
      // The whole lists, through their pages (the view carries only the first of each).
      const proposal = `/api/v1/commons/${commonsId}/proposals/${pid}`;
      const comments = await readAll<{ id: string }>(base, founder, `${proposal}/comments`);
      const positions = await readAll<{ accountId: string; stance: string }>(
        base,
        founder,
        `${proposal}/positions`,
      );
      const commentIds = new Set(comments.map((c) => c.id));
      const lostComments = [...acked.comments].filter((id) => !commentIds.has(id));
      expect(lostComments, 'acknowledged comments missing from the proposal').toEqual([]);
      for (const m of members) {
        const last = lastStance.get(m.id);
        if (last === undefined) continue;
        const shown = positions.find((x) => x.accountId === m.id)?.stance;
        // The last acknowledged stance, or the one whose answer the crash cut off (it may have committed).
        expect([last, inFlight.get(m.id)], `${m.name}'s position`).toContain(shown);
      }
      const log = await readLog(base, founder, commonsId);
      const logged = new Set(log.filter((r) => r.type === 'CommentPosted').map((r) => String(r.data.id)));
      expect(
        [...acked.comments].filter((id) => !logged.has(id)),
        'acknowledged comments not in the log',
      ).toEqual([]);
      for (const m of members) {
        const n = log.filter((r) => r.type === 'PositionTaken' && r.actor === m.id).length;
        expect(n, `${m.name}'s PositionTaken records`).toBeGreaterThanOrEqual(acked.positions.get(m.id) ?? 0);
      }
      const list = await call(base, founder, 'GET', '/api/v1/commons?limit=200');
      for (const c of (list.json() as unknown as { items: { id: string }[] }).items) {
        const v = await call(base, founder, 'GET', `/api/v1/commons/${c.id}/log/verify`);
        expect(v.json().ok, `log of ${c.id}: ${v.body}`).toBe(true);
      }
    };

    it(`keeps every acknowledged write across ${ROUNDS} SIGKILLs under load, and every log verifies`, async () => {
      server = await startChild(storeEnv);
      await check(server.url);
      for (let round = 0; round < ROUNDS; round++) {
        const running: Server = server;
        const base = running.url;
        let dead = false;
        let n = 0;
        // Each member writes one request after another (so the order of their own writes is known).
        const load = members.map(async (m, i) => {
          for (let k = 0; !dead; k++) {
            n += 1;
            try {
              if ((k + i) % 2 === 0) {
                const stance = STANCES[(k + round + i) % STANCES.length]!;
                inFlight.set(m.id, stance);
                const r = await call(
                  base,
                  m,
                  'PUT',
                  `/api/v1/commons/${commonsId}/proposals/${pid}/position`,
                  {
                    stance,
                    reason: `round ${round} write ${k}`,
                  },
                );
                if (r.status >= 500) throw new Error(`5xx under load: ${r.body}`);
                if (r.status === 200) {
                  lastStance.set(m.id, stance);
                  inFlight.set(m.id, undefined);
                  acked.positions.set(m.id, (acked.positions.get(m.id) ?? 0) + 1);
                }
              } else {
                const r = await call(
                  base,
                  m,
                  'POST',
                  `/api/v1/commons/${commonsId}/proposals/${pid}/comments`,
                  {
                    text: `${m.name}, round ${round}, write ${k}`,
                  },
                );
                if (r.status >= 500) throw new Error(`5xx under load: ${r.body}`);
                if (r.status === 201) acked.comments.add(String(r.json().id));
              }
            } catch (e) {
              if (String(e).includes('5xx')) throw e;
              // The server died: the request got no answer.
              return;
            }
          }
        });
        await sleep(300 + Math.floor(Math.random() * 1200));
        await kill(running);
        dead = true;
        await Promise.all(load);
        expect(n, 'writes were sent before the kill').toBeGreaterThan(members.length);
        // The next round's server: first it must show everything acknowledged before the crash.
        server = await startChild(storeEnv);
        await check(server.url);
      }
      await kill(server);
      server = undefined;
      expect(acked.comments.size).toBeGreaterThan(0);
      expect(acked.positions.size).toBe(members.length);
    }, 300_000);
  });
}
