// `npm run bench -- replay` (issue 12): a commons' history replayed under a draft constitution. The state is built
// directly (kernel types, no log): BENCH_PROPOSALS decided resolutions (default 10,000) with BENCH_POSITIONS
// positions in all (default 1,000,000) among BENCH_MEMBERS members (default 2,000) in two stakeholder classes, a
// secretary holding a role for resolutions, each proposal decided by a week's consent. Three drafts: a majority vote
// (counts only), the secretary deciding (the holder's positions), one chamber per class (each member's class read
// per proposal); then the majority vote through the real route (POST /api/v1/commons/:id/replay, validation,
// paging and serialisation; the state handed to the service's cache, no store). Baselines in the same run: a plain
// loop over the million positions counting stances, and a copy of the state's proposals (structuredClone).
// Median of BENCH_RUNS runs (default 5) after one warm-up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dict,
  replayUnderDraft,
  TEMPLATES,
  type CommonsState,
  type Counts,
  type Member,
  type Position,
  type Procedure,
  type Proposal,
  type Role,
  type Stance,
} from '../packages/kernel/src/index';
import { buildApp, createContext } from '../packages/server/src/index';

const size = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PROPOSALS = size('BENCH_PROPOSALS', 10_000);
const POSITIONS = size('BENCH_POSITIONS', 1_000_000);
const MEMBERS = size('BENCH_MEMBERS', 2_000);
const RUNS = size('BENCH_RUNS', 5);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** xorshift32: every run builds the same history. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();
const consent: Procedure = { type: 'consent', hours: 168 };

function buildState(): CommonsState {
  const r = rng(12);
  const members = dict<Member>();
  for (let i = 0; i < MEMBERS; i++) {
    const id = `m${i}`;
    members[id] = {
      accountId: id,
      displayName: `Member ${i}`,
      classes: [i % 3 === 0 ? 'users' : 'workers'],
      status: 'member',
      since: iso(0),
      admission: i + 1,
    };
  }
  const tpl = TEMPLATES['single-class'];
  const proposals = dict<Proposal>();
  const positions = dict<Record<string, Position>>();
  const per = Math.floor(POSITIONS / PROPOSALS);
  const stances: Stance[] = ['agree', 'agree', 'agree', 'agree', 'abstain', 'disagree'];
  for (let p = 0; p < PROPOSALS; p++) {
    const id = `p${p}`;
    const mine = dict<Position>();
    const counts: Counts = {
      agree: 0,
      abstain: 0,
      disagree: 0,
      block: 0,
      electorate: MEMBERS,
      participants: 0,
    };
    // A contiguous run of members from a random start (distinct accounts); an objection now and then.
    const start = Math.floor(r() * MEMBERS);
    const objecting = r() < 0.3;
    for (let k = 0; k < per; k++) {
      const accountId = `m${(start + k) % MEMBERS}`;
      const stance: Stance = objecting && k === 0 ? 'block' : stances[Math.floor(r() * stances.length)]!;
      mine[accountId] = { accountId, stance, reason: '', at: iso(p * 10 + 1), counted: true };
      counts[stance] += 1;
      counts.participants += 1;
    }
    // The secretary (m0) takes part in about a tenth of them.
    if (!('m0' in mine) && r() < 0.1) {
      mine.m0 = { accountId: 'm0', stance: 'agree', reason: '', at: iso(p * 10 + 2), counted: true };
      counts.agree += 1;
      counts.participants += 1;
    }
    positions[id] = mine;
    const passed = counts.block === 0;
    proposals[id] = {
      id,
      title: `Resolution ${p}`,
      body: '',
      action: { kind: 'resolution', text: `Resolution ${p}` },
      proposer: 'm1',
      openedAt: iso(p * 10),
      closesAt: iso(p * 10 + 168),
      ruleVersion: 1,
      procedure: consent,
      electorate: { admittedUpTo: MEMBERS, size: MEMBERS },
      counts,
      status: passed ? 'passed' : 'rejected',
      outcome: {
        passed,
        ruleVersion: 1,
        procedure: consent,
        participants: [],
        counts,
        reasons: passed
          ? [{ code: 'no_objection', params: {}, text: 'No objection stood at close.' }]
          : [{ code: 'objection_stands', params: { objections: counts.block }, text: 'An objection stood.' }],
        decidedAt: iso(p * 10 + 168),
        decidedBy: null,
      },
      execution: passed ? { done: true, error: null } : null,
      positionCount: Object.keys(mine).length,
      commentCount: 0,
    };
  }
  const roles = dict<Role>();
  roles.secretary = {
    id: 'secretary',
    name: 'Secretary',
    description: '',
    mandate: ['resolution'],
    termDays: null,
    holders: [{ accountId: 'm0', since: iso(0), until: null }],
  };
  return {
    core: {
      id: 'bench',
      name: 'Bench',
      purpose: '',
      charter: '',
      template: 'single-class',
      createdAt: iso(0),
      createdBy: 'm0',
      classes: [
        { id: 'workers', name: 'Workers', description: '', speaksFor: null },
        { id: 'users', name: 'Users', description: '', speaksFor: null },
      ],
      members,
      admissions: MEMBERS,
      memberCount: MEMBERS,
      roles,
      constitution: {
        version: 1,
        rules: { ...tpl.rules, resolution: consent },
        adoptedAt: iso(0),
        adoptedBy: null,
      },
      history: [],
    },
    proposals,
    positions,
    comments: dict(),
  };
}

const majority = (hours: number): Procedure => ({
  type: 'vote',
  hours,
  threshold: { num: 1, den: 2 },
  strict: true,
  quorum: { num: 1, den: 20 },
  abstentions: 'quorum_only',
});
const chamberVote = {
  type: 'vote',
  threshold: { num: 1, den: 2 },
  strict: true,
  quorum: { num: 0, den: 1 },
  abstentions: 'quorum_only',
} as const;
const chambers: Procedure = {
  type: 'chambers',
  hours: 168,
  chambers: [
    { classId: 'workers', rule: chamberVote },
    { classId: 'users', rule: chamberVote },
  ],
};

/** The median of `RUNS` timings of `f` (ms), after one warm-up; `f`'s last value too. */
async function time<T>(f: (i: number) => T | Promise<T>): Promise<{ ms: number; value: T }> {
  let value = await f(-1);
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    gc();
    const t = process.hrtime.bigint();
    value = await f(i);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { ms: ms[Math.floor(ms.length / 2)]!, value };
}

const built = process.hrtime.bigint();
const state = buildState();
let total = 0;
for (const id of Object.keys(state.positions)) total += Object.keys(state.positions[id]!).length;
console.log(
  `replay: built ${PROPOSALS.toLocaleString('en')} decided proposals, ${total.toLocaleString('en')} positions, ` +
    `${MEMBERS.toLocaleString('en')} members in ${(Number(process.hrtime.bigint() - built) / 1e9).toFixed(1)} s; ` +
    `median of ${RUNS}`,
);

const rows: [string, number, string][] = [];
const loop = await time(() => {
  const c = { agree: 0, abstain: 0, disagree: 0, block: 0 };
  for (const id of Object.keys(state.positions)) {
    const ps = state.positions[id]!;
    for (const a of Object.keys(ps)) c[ps[a]!.stance] += 1;
  }
  return c;
});
rows.push(['baseline: a loop over every position, counting stances', loop.ms, '']);
const copy = await time(() => structuredClone(state.proposals));
rows.push(['baseline: structuredClone of the proposals', copy.ms, '']);

for (const [name, draft] of [
  ['draft: majority vote (counts)', (i: number) => ({ resolution: majority(24 + i + 1) })],
  ['draft: the secretary decides (role)', () => ({ resolution: { type: 'role', objectionHours: 0 } })],
  ['draft: a chamber per class', () => ({ resolution: chambers })],
] as const) {
  const r = await time((i) => replayUnderDraft(state, draft(i)));
  const s = r.value.summary;
  rows.push([name, r.ms, `replayed ${s.replayed}, differ ${s.differ}, not replayable ${s.notReplayable}`]);
}

// Through the route: the real app, its service's cache given the state (no store read, no fold).
const dataDir = mkdtempSync(join(tmpdir(), 'peergov-bench-replay-'));
const ctx = await createContext({ dataDir, port: 0, logLevel: 'silent', closeIntervalMs: 0 });
const service = ctx.commons as unknown as { get: (id: string) => Promise<CommonsState | null> };
const original = service.get.bind(ctx.commons);
service.get = async (id) => (id === 'bench' ? state : original(id));
const app = await buildApp(ctx);
await app.ready();
const viaApi = await time(async (i) => {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/commons/bench/replay',
    payload: { rules: { resolution: majority(1000 + i + 1) } },
  });
  if (res.statusCode !== 200) throw new Error(`replay answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return res.body.length;
});
rows.push([
  'draft: majority vote, through POST /api/v1/commons/:id/replay',
  viaApi.ms,
  `${viaApi.value} bytes (a page of 50)`,
]);
const next = await time(async () => {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/commons/bench/replay?offset=50',
    payload: { rules: { resolution: majority(1000 + RUNS) } },
  });
  return res.statusCode;
});
rows.push(['  its next page (the same draft, kept)', next.ms, '']);
await app.close();
await ctx.mailer.close();
await ctx.store.close();
rmSync(dataDir, { recursive: true, force: true });

const width = Math.max(...rows.map((r) => r[0].length));
for (const [name, ms, note] of rows)
  console.log(
    `${name.padEnd(width)}  ${ms.toFixed(1).padStart(8)} ms  ${(ms / loop.ms).toFixed(2).padStart(6)}× loop  ${note}`,
  );
const worst = Math.max(...rows.filter((r) => r[0].startsWith('draft')).map((r) => r[1]));
console.log(
  `goal: under 1,000 ms for every draft; slowest ${worst.toFixed(1)} ms: ${worst < 1000 ? 'met' : 'NOT MET'}`,
);
