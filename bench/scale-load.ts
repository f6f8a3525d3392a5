// The load process of the scale benchmarks: `node --import tsx bench/scale-load.ts <plan file>`. Keeps one request
// in flight per connection for `seconds` (keep-alive; each connection cycles through its own list of operations with
// its own bearer token) and, optionally, holds live-update streams open that behave as the web app does on each
// event: fetch the pages' resources again and count the bytes. Prints one JSON line (LoadResult).
import http from 'node:http';
import { readFileSync } from 'node:fs';

export interface Op {
  kind: 'read' | 'write';
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  body?: string;
}

/** A live-update stream (`GET /api/v1/commons/:id/events`) and what its page fetches again on each event. */
/**
 * When a page's resource loads again, as the web app's pages decide from a live event (use-live-updates.ts):
 * `commons` when the commons view changed, `proposals` when any proposal did (lists show counts), `members` when the
 * membership changed, `{ proposal }` when that proposal did. An event with `complete: false`, or one that does not
 * parse, loads everything again.
 */
export type RefetchWhen = 'commons' | 'proposals' | 'members' | { proposal: string };

export interface Follower {
  commonsId: string;
  /**
   * The page's resources, all loaded when it opens and each again when an event touches what it shows; the log check
   * (consistency from the size last checked) runs on every event, as the web app's does.
   */
  refetch: { path: string; when: RefetchWhen }[];
}

interface Touched {
  proposals: string[];
  accounts: string[];
  commons: boolean;
  complete: boolean;
}

/** Whether an event (its data, parsed) makes the page load a resource again: the web app's predicates. */
function matters(e: Touched | null, when: RefetchWhen): boolean {
  if (e === null || !e.complete) return true;
  if (when === 'commons') return e.commons;
  if (when === 'proposals') return e.proposals.length > 0;
  if (when === 'members') return e.commons && e.accounts.length > 0;
  return e.proposals.includes(when.proposal);
}

function touchedOf(data: string): Touched | null {
  try {
    const v = JSON.parse(data) as Partial<Touched>;
    if (!Array.isArray(v.proposals) || !Array.isArray(v.accounts) || typeof v.commons !== 'boolean')
      return null;
    return {
      proposals: v.proposals,
      accounts: v.accounts,
      commons: v.commons,
      complete: v.complete === true,
    };
  } catch {
    return null;
  }
}

export interface LoadPlan {
  url: string;
  seconds: number;
  connections: { token?: string; ops: Op[] }[];
  followers?: Follower[];
}

interface Stats {
  ok: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export interface LoadResult extends Stats {
  errors: number;
  firstError: string;
  reads: Stats;
  writes: Stats;
  writesTotal: number;
  followers: {
    streams: number;
    open: number;
    events: number;
    refetches: number;
    /** Bytes of the refetched bodies and of the streams themselves, over the whole run. */
    bytes: number;
    /** Of these, the bytes of the first page loads, before the measured requests started. */
    initialBytes: number;
    errors: number;
    firstError: string;
  };
}

const planFile = process.argv[2];
if (!planFile) throw new Error('usage: scale-load.ts <plan file>');
const plan = JSON.parse(readFileSync(planFile, 'utf8')) as LoadPlan;
const target = new URL(plan.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections.length });
const latencies: Record<Op['kind'], number[]> = { read: [], write: [] };
let errors = 0;
let firstError = '';
let writesTotal = 0;
// Set once the streams are open: the measured window (after a warm-up of a second at most) starts then.
let warmupEnd = Infinity;
let deadline = Infinity;

function request(
  path: string,
  options: { method?: string; token?: string; body?: string; agent: http.Agent },
): Promise<{ status: number; text: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: options.method ?? 'GET',
        agent: options.agent,
        headers: {
          ...(options.body
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) }
            : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), bytes }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const followed = {
  streams: plan.followers?.length ?? 0,
  open: 0,
  events: 0,
  refetches: 0,
  bytes: 0,
  initialBytes: 0,
  errors: 0,
  firstError: '',
};
const streamRequests: http.ClientRequest[] = [];
const followerAgents: http.Agent[] = [];

// One viewer: a browser tab with its own connections (at most 6 per host over HTTP/1.1, one held by the stream).
function follow(f: Follower): Promise<void> {
  const own = new http.Agent({ keepAlive: true, maxSockets: 5 });
  followerAgents.push(own);
  let seen = 0;
  const failed = (what: string) => {
    followed.errors++;
    followed.firstError ||= what;
  };
  const fetchOne = async (path: string): Promise<void> => {
    try {
      const r = await request(path, { agent: own });
      followed.bytes += r.bytes;
      if (r.status < 200 || r.status >= 300)
        return failed(`GET ${path}: ${r.status} ${r.text.slice(0, 200)}`);
      if (path.includes('/log/consistency')) seen = (JSON.parse(r.text) as { to: number }).to;
    } catch (e) {
      if (performance.now() < deadline) failed(`GET ${path}: ${String(e)}`);
    }
  };
  // What the page loads: the resources the event touched (all of them when it opens) and the log check
  // (consistency from the size this browser saw last).
  const load = (event: Touched | null) => {
    const consistency = `/api/v1/commons/${f.commonsId}/log/consistency?from=${seen}`;
    const paths = f.refetch.filter((r) => matters(event, r.when)).map((r) => r.path);
    return Promise.all([...paths, consistency].map((p) => fetchOne(p).then(() => followed.refetches++)));
  };
  return new Promise((resolve) => {
    void load(null).then(() => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: `/api/v1/commons/${f.commonsId}/events`,
          agent: false,
        },
        (res) => {
          if (res.statusCode !== 200) {
            failed(`GET events of ${f.commonsId}: ${res.statusCode}`);
            res.resume();
            return resolve();
          }
          followed.open++;
          resolve();
          let buffered = '';
          res.on('data', (c: Buffer) => {
            followed.bytes += c.length;
            buffered += c.toString();
            let end;
            while ((end = buffered.indexOf('\n\n')) >= 0) {
              const event = buffered.slice(0, end);
              buffered = buffered.slice(end + 2);
              const data = event
                .split('\n')
                .filter((l) => l.startsWith('data:'))
                .map((l) => l.slice(5).trimStart());
              if (data.length === 0) continue;
              followed.events++;
              if (performance.now() < deadline) void load(touchedOf(data.join('\n')));
            }
          });
          res.on('error', () => {});
        },
      );
      req.on('error', (e) => {
        if (performance.now() < deadline) failed(`events of ${f.commonsId}: ${String(e)}`);
        resolve();
      });
      streamRequests.push(req);
      req.end();
    });
  });
}

// The streams open (with their first page loads) before the measured requests start.
await Promise.all((plan.followers ?? []).map(follow));
followed.initialBytes = followed.bytes;
const started = performance.now();
warmupEnd = started + Math.min(1000, plan.seconds * 200);
deadline = started + plan.seconds * 1000;
await Promise.all(plan.connections.map(worker));

async function worker(conn: { token?: string; ops: Op[] }): Promise<void> {
  for (let i = 0; performance.now() < deadline; i++) {
    const op = conn.ops[i % conn.ops.length];
    if (!op) return;
    const t = performance.now();
    try {
      const r = await request(op.path, { method: op.method, token: conn.token, body: op.body, agent });
      const ok = r.status >= 200 && r.status < 300;
      if (ok && op.kind === 'write') writesTotal++;
      if (t < warmupEnd) continue;
      if (ok) latencies[op.kind].push(performance.now() - t);
      else {
        errors++;
        firstError ||= `${op.method} ${op.path}: ${r.status} ${r.text.slice(0, 300)}`;
      }
    } catch (e) {
      errors++;
      firstError ||= `${op.method} ${op.path}: ${String(e)}`;
    }
  }
}
const measuredSeconds = (plan.seconds * 1000 - Math.min(1000, plan.seconds * 200)) / 1000;
const stats = (xs: number[]): Stats => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return {
    ok: s.length,
    perSecond: Math.round(s.length / measuredSeconds),
    p50: +q(0.5).toFixed(2),
    p99: +q(0.99).toFixed(2),
  };
};
const result: LoadResult = {
  ...stats([...latencies.read, ...latencies.write]),
  errors,
  firstError,
  reads: stats(latencies.read),
  writes: stats(latencies.write),
  writesTotal,
  followers: followed,
};
console.log(JSON.stringify(result));
for (const r of streamRequests) r.destroy();
for (const a of followerAgents) a.destroy();
agent.destroy();
process.exit(0);
