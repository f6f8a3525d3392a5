// `npm run bench -- ledger` (issue 15): 64 connections through the HTTP API on one commons, half spending 0.01 from
// one pool (each a proposal decided at once under an automatic rule: ProposalOpened, ProposalDecided,
// TransactionRecorded) and half booking distinct one-minute slots of one room, against bare node:http in the same run,
// on SQLite and PostgreSQL. Afterwards the statement is read back: the ledger sums to zero, no account is below its
// floor, no slot is booked twice. BENCH_CONNECTIONS, BENCH_SECONDS, BENCH_STORES, BENCH_QUICK=1 as in scale-lib.ts.
import {
  connections,
  loadServer,
  printThroughput,
  seconds,
  startBare,
  startPeergov,
  stores,
  type Row,
} from './scale-lib';
import type { Op } from './scale-load';
import { dropTarget, newTarget } from './seed';

const SLOTS = 2_000;
const soon = Date.now() + 3_600_000;

/** The operations of connection `c`: spends for even connections, bookings of its own slots for odd ones. */
function opsOf(c: number, commonsId: string): Op[] {
  const path = `/api/v1/commons/${commonsId}/proposals`;
  if (c % 2 === 0)
    return [
      {
        kind: 'write',
        method: 'POST',
        path,
        body: JSON.stringify({
          title: 'Spend',
          action: { kind: 'spend', poolId: 'fund', amount: '1', to: { outside: 'Shop' }, purpose: 'Bench' },
        }),
      },
    ];
  return Array.from({ length: SLOTS }, (_, k) => {
    const from = soon + (c * SLOTS + k) * 60_000;
    return {
      kind: 'write' as const,
      method: 'POST' as const,
      path,
      body: JSON.stringify({
        title: 'Book',
        action: {
          kind: 'book',
          poolId: 'room',
          bookingId: `c${c}k${k}`,
          accountId: '%ACCOUNT%',
          from: new Date(from).toISOString(),
          until: new Date(from + 60_000).toISOString(),
        },
      }),
    };
  });
}

/** Signs up, makes a do-ocracy with spending and booking automatic, a fund with 1,000,000.00 and a room. */
async function setUp(url: string) {
  let cookie = '';
  let csrf = '';
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(url + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(cookie ? { cookie } : {}),
        ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
    return { r, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const credentials = { email: 'bench@example.org', password: 'correct horse battery' };
  await call('POST', '/api/v1/auth/signup', { ...credentials, displayName: 'Bench' });
  const signedIn = await call('POST', '/api/v1/auth/signin', credentials);
  cookie = String(signedIn.r.headers.get('set-cookie')).split(';')[0]!;
  csrf = signedIn.json.csrfToken as string;
  const accountId = (signedIn.json.account as { id: string }).id;
  const commons = await call('POST', '/api/v1/commons', { name: 'Bench', template: 'do-ocracy' });
  const c = `/api/v1/commons/${commons.json.id as string}`;
  const pass = async (action: unknown) => {
    const p = await call('POST', `${c}/proposals`, { title: 'Setup', action });
    if (p.json.status === 'open')
      await call('PUT', `${c}/proposals/${p.json.id as string}/position`, { stance: 'agree' });
  };
  await pass({
    kind: 'amend_constitution',
    rules: {
      spend: { type: 'automatic' },
      book: { type: 'automatic' },
      record_income: { type: 'automatic' },
    },
  });
  await pass({
    kind: 'create_pool',
    pool: { id: 'fund', name: 'Fund', kind: 'money', unit: { code: 'EUR', exponent: 2 } },
  });
  await pass({
    kind: 'record_income',
    poolId: 'fund',
    amount: '100000000',
    source: 'Bench',
    evidence: 'Bench',
  });
  await pass({
    kind: 'create_pool',
    pool: { id: 'room', name: 'Room', kind: 'space', usage: { maxAheadDays: 3650, maxMinutes: 60 } },
  });
  const token = await call('POST', '/api/v1/tokens', { name: 'bench' });
  return { commonsId: commons.json.id as string, token: token.json.token as string, accountId, call, c };
}

const rows: Row[] = [];
const notes = new Map<string, string>();
const bare = await startBare();
const barePlan = {
  seconds,
  connections: Array.from({ length: connections }, (_, i) => ({
    token: 'none',
    ops: opsOf(i, 'bench').map((op) => ({ ...op, body: op.body?.replace('%ACCOUNT%', 'bench') })),
  })),
};
const bareRun = await loadServer(bare, barePlan);
await bare.stop();
rows.push({ target: 'bare node:http', ...bareRun });

for (const kind of stores) {
  const target = newTarget(kind);
  try {
    const server = await startPeergov(target);
    try {
      const s = await setUp(server.url);
      const r = await loadServer(server, {
        seconds,
        connections: Array.from({ length: connections }, (_, i) => ({
          token: s.token,
          ops: opsOf(i, s.commonsId).map((op) => ({
            ...op,
            body: op.body?.replace('%ACCOUNT%', s.accountId),
          })),
        })),
      });
      const fund = (await s.call('GET', `${s.c}/pools/fund?limit=1`)).json as {
        balances: { account: string; balance: string }[];
        movements: { total: number };
      };
      const room = (await s.call('GET', `${s.c}/pools/room`)).json as {
        bookings: { from: string; until: string; status: string }[];
      };
      const sum = fund.balances.reduce((a, b) => a + BigInt(b.balance), 0n);
      const below = fund.balances.filter((b) => b.account !== 'outside' && BigInt(b.balance) < 0n).length;
      const active = room.bookings
        .filter((b) => b.status === 'active')
        .sort((a, b) => (a.from < b.from ? -1 : 1));
      const overlaps = active.filter((b, i) => i > 0 && active[i - 1]!.until > b.from).length;
      notes.set(
        `peergov on ${kind}`,
        `${fund.movements.total - 1} spends, ${active.length} bookings; ledger sum ${sum}, accounts below floor ${below}, overlapping bookings ${overlaps}`,
      );
      rows.push({ target: `peergov on ${kind}`, ...r });
      if (sum !== 0n || below > 0 || overlaps > 0)
        rows.push({ target: `${kind} invariants`, failure: 'BROKEN' });
    } finally {
      await server.stop();
    }
  } catch (e) {
    rows.push({ target: `peergov on ${kind}`, failure: String(e) });
  } finally {
    await dropTarget(target);
  }
}

const clean = printThroughput(
  `ledger: ${connections} connections on one commons, half POSTing spends of 0.01 from one pool, half booking distinct slots of one room (each a proposal decided at once), ${seconds} s`,
  rows,
);
for (const [target, note] of notes) console.log(`${target}: ${note}`);
process.exit(clean ? 0 : 1);
