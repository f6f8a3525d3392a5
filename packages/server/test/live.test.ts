// Live updates through real HTTP: a Server-Sent Events client (node:http) on a listening server hears each committed
// append once; on PostgreSQL, a write in one server process reaches the SSE clients of another.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index';
import { pgTestUrl, requirePostgres } from '../../store/test/pg-available';

const pgOk = await requirePostgres('the live-update test on PostgreSQL');

/** A live event that changed nothing but the log's size (the fields every event has). */
const NOTHING = { proposals: [], accounts: [], positions: [], comments: [], commons: false, complete: true };
interface LiveData {
  size: number;
  types: string[];
  proposals: string[];
  accounts: string[];
  positions: string[];
  comments: string[];
  commons: boolean;
  complete: boolean;
}

interface SseEvent {
  id: string | null;
  data: unknown;
}

/** A minimal EventSource on node:http: collects the events and comment lines of one stream. */
class SseClient {
  readonly events: SseEvent[] = [];
  comments = 0;
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  body = '';
  ended = false;
  private request!: http.ClientRequest;
  private buffer = '';
  private waiters: (() => void)[] = [];

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      client.request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        client.status = res.statusCode ?? 0;
        client.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.receive(chunk));
        res.on('end', () => {
          client.ended = true;
          client.wake();
        });
        res.on('error', () => undefined);
        // Resolves once the stream's opening lines (or a whole error answer) are in.
        const ready = () => (client.buffer === '' && client.body !== '') || client.ended;
        if (ready()) resolve(client);
        else client.waitFor(ready, 5000).then(() => resolve(client), reject);
      });
      client.request.on('error', reject);
    });
  }

  private receive(chunk: string): void {
    this.body += chunk;
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id: string | null = null;
      let data: string | null = null;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments += 1;
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data = line.slice(6);
      }
      if (data !== null) this.events.push({ id, data: JSON.parse(data) });
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when `done()` holds; rejects after `ms`. */
  waitFor(done: () => boolean, ms = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; stream so far: ${this.body}`)), ms);
      const check = () => {
        if (done()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  close(): void {
    this.request.destroy();
  }
}

/** A person signed up through the API, writing with their cookie and CSRF token. */
async function signUp(base: string, email: string) {
  const signup = await fetch(`${base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery', displayName: email.split('@')[0] }),
  });
  expect(signup.status).toBe(202);
  // Sign-up opens no session (its answer must not tell whether the email was taken): sign in next.
  const r = await fetch(`${base}/api/v1/auth/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery' }),
  });
  expect(r.status).toBe(200);
  const [cookie = ''] = String(r.headers.get('set-cookie')).split(';');
  const { csrfToken } = (await r.json()) as { csrfToken: string };
  return async (server: string, method: string, path: string, body: unknown) => {
    const res = await fetch(`${server}${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

const serverConfig = (dataDir: string) => ({
  dataDir,
  port: 0,
  logLevel: 'silent',
  closeIntervalMs: 0,
  signUpPerHour: 100_000,
});

describe('live updates over Server-Sent Events (SQLite)', () => {
  let server: RunningServer;
  let dataDir: string;
  let write: Awaited<ReturnType<typeof signUp>>;
  let commonsId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'peergov-live-'));
    server = await startServer({ ...serverConfig(dataDir), liveHeartbeatMs: 200 });
    write = await signUp(server.url, 'ada@example.org');
    const commons = await write(server.url, 'POST', '/api/v1/commons', {
      name: 'Live',
      template: 'single-class',
    });
    commonsId = commons.id as string;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('streams one event with the new size and the event types after each committed write', async () => {
    const sse = await SseClient.open(`${server.url}/api/v1/commons/${commonsId}/events`);
    try {
      expect(sse.status).toBe(200);
      expect(sse.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(sse.headers['cache-control']).toBe('no-store');
      expect(sse.headers['x-content-type-options']).toBe('nosniff');
      const size = (
        (await (await fetch(`${server.url}/api/v1/commons/${commonsId}/log?limit=1`)).json()) as {
          size: number;
        }
      ).size;
      // The opening lines: the reconnection delay and the current size as the last event id.
      expect(sse.body).toBe(`retry: 3000\nid: ${size}\n\n`);
      expect(sse.events).toEqual([]);

      const proposal = await write(server.url, 'POST', `/api/v1/commons/${commonsId}/proposals`, {
        title: 'Paint the shed',
        action: { kind: 'resolution', text: 'Green' },
      });
      await sse.waitFor(() => sse.events.length === 1);
      const pid = String(proposal.id);
      // What changed, by id: the page showing this proposal loads it again, no other page does.
      expect(sse.events[0]).toEqual({
        id: String(size + 1),
        data: { ...NOTHING, size: size + 1, types: ['ProposalOpened'], proposals: [pid] },
      });

      const comment = await write(
        server.url,
        'POST',
        `/api/v1/commons/${commonsId}/proposals/${String(proposal.id)}/comments`,
        {
          text: 'Yes, green.',
        },
      );
      await sse.waitFor(() => sse.events.length === 2);
      const kid = String(comment.id);
      expect(sse.events[1]?.data).toEqual({
        ...NOTHING,
        size: size + 2,
        types: ['CommentPosted'],
        proposals: [pid],
        comments: [kid],
      });
      // Heartbeats keep the stream open (every 200 ms in this test, 25 s by default).
      await sse.waitFor(() => sse.comments >= 2);
      expect(sse.events).toHaveLength(2);
      // Nothing private: sizes, types and ids only (public, as the log is), never a title, text or name.
      expect(sse.body.replaceAll(pid, '').replaceAll(kid, '')).not.toMatch(/Paint|green|ada/i);
    } finally {
      sse.close();
    }
  });

  it('is listed in OpenAPI as a text/event-stream', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    const op = doc.paths['/api/v1/commons/{id}/events']?.get;
    expect(Object.keys(op?.responses['200']?.content ?? {})).toEqual(['text/event-stream']);
  });

  it('catches up a reconnection whose Last-Event-ID is behind, and answers an unknown commons with a 404 problem', async () => {
    const sse = await SseClient.open(`${server.url}/api/v1/commons/${commonsId}/events`, {
      'last-event-id': '1',
    });
    try {
      await sse.waitFor(() => sse.events.length === 1);
      const { size, types, proposals, comments, complete } = sse.events[0]!.data as LiveData;
      expect(types).toHaveLength(size - 1);
      expect(types).toContain('ProposalOpened');
      // What changed since, read back from the log: the proposal and its comment.
      expect(complete).toBe(true);
      expect(proposals).toHaveLength(1);
      expect(comments).toHaveLength(1);
      expect(sse.events[0]?.id).toBe(String(size));
    } finally {
      sse.close();
    }
    const missing = await SseClient.open(`${server.url}/api/v1/commons/nope/events`);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(missing.body)).toMatchObject({ status: 404, code: 'commons_not_found' });
  });

  it('forgets a client that disconnects, and ends open streams when the server closes', async () => {
    const gone = await SseClient.open(`${server.url}/api/v1/commons/${commonsId}/events`);
    const staying = await SseClient.open(`${server.url}/api/v1/commons/${commonsId}/events`);
    expect(server.context.live.count(commonsId)).toBe(2);
    gone.close();
    await expect.poll(() => server.context.live.count(commonsId)).toBe(1);
    await server.close();
    await staying.waitFor(() => staying.ended, 5000);
    expect(server.context.live.count(commonsId)).toBe(0);
  });
});

describe.skipIf(!pgOk)('live updates across two server processes on one PostgreSQL', () => {
  const schema = `t_live_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'peergov-live-pg-'));
  let first: RunningServer;
  let second: RunningServer;

  beforeAll(async () => {
    // Two composition roots on one schema and one signing key, as two processes behind a load balancer have.
    const config = { ...serverConfig(dataDir), databaseUrl: pgTestUrl, databaseSchema: schema };
    first = await startServer(config);
    second = await startServer(config);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    const c = new pg.Client({ connectionString: pgTestUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("delivers a write in one process to the other's SSE clients, and each append once", async () => {
    const write = await signUp(first.url, 'bea@example.org');
    const commons = await write(first.url, 'POST', '/api/v1/commons', {
      name: 'Shared',
      template: 'single-class',
    });
    const id = commons.id as string;
    const onFirst = await SseClient.open(`${first.url}/api/v1/commons/${id}/events`);
    const onSecond = await SseClient.open(`${second.url}/api/v1/commons/${id}/events`);
    try {
      // Written through the second process: the first hears it through NOTIFY, with the types read back.
      const compost = await write(second.url, 'POST', `/api/v1/commons/${id}/proposals`, {
        title: 'Compost',
        action: { kind: 'resolution', text: 'Yes' },
      });
      await onFirst.waitFor(() => onFirst.events.length === 1);
      await onSecond.waitFor(() => onSecond.events.length === 1);
      // Heard through NOTIFY, the records read back name the same ids as the writer's own event.
      const opened = { ...NOTHING, size: 2, types: ['ProposalOpened'], proposals: [String(compost.id)] };
      expect(onFirst.events[0]?.data).toEqual(opened);
      expect(onSecond.events[0]?.data).toEqual(opened);

      // Written through the first: its own NOTIFY, heard back, is not announced a second time.
      const bees = await write(first.url, 'POST', `/api/v1/commons/${id}/proposals`, {
        title: 'Bees',
        action: { kind: 'resolution', text: 'Yes' },
      });
      await onFirst.waitFor(() => onFirst.events.length === 2);
      await onSecond.waitFor(() => onSecond.events.length === 2);
      await new Promise((r) => setTimeout(r, 300));
      for (const sse of [onFirst, onSecond]) {
        expect(sse.events.map((e) => e.data)).toEqual([
          opened,
          { ...NOTHING, size: 3, types: ['ProposalOpened'], proposals: [String(bees.id)] },
        ]);
      }
    } finally {
      onFirst.close();
      onSecond.close();
    }
  });
});
