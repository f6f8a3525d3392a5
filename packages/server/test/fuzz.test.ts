// Property-based fuzzing (fast-check) of every operation of /api/openapi.json: malformed bodies (wrong types,
// missing and extra fields, huge strings, NUL, lone surrogates, RTL marks, "__proto__" keys, deep nesting, 1e308,
// -0, "NaN"), invalid JSON, wrong content types, odd path and query values. Never a 5xx; a 4xx is problem+json
// with a code; a refused request writes nothing (accounts, commons, log sizes, tokens). About 100 cases per
// operation; PEERGOV_FUZZ_RUNS multiplies that (npm run soak).
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../store/test/pg-available';
import {
  answerFaults,
  encodePart,
  fillPath,
  foundWorld,
  loadRoutes,
  requiredQuery,
  type Route,
  type World,
  VOTE_ON_RESOLUTIONS,
} from './attack-kit';
import { testApp, type Person, type TestApp } from './harness';

const pgOk = await requirePostgres('the API fuzz suite on PostgreSQL');
const RUNS = 100 * Math.max(1, Number(process.env.PEERGOV_FUZZ_RUNS ?? 1) || 1);

/** A JSON value as a tree, written out by hand: objects may repeat keys and carry "__proto__" as an own key. */
type Tree = { t: 'lit'; v: string } | { t: 'arr'; items: Tree[] } | { t: 'obj'; entries: [string, Tree][] };

function write(tree: Tree): string {
  switch (tree.t) {
    case 'lit':
      return tree.v;
    case 'arr':
      return `[${tree.items.map(write).join(',')}]`;
    case 'obj':
      return `{${tree.entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v)}`).join(',')}}`;
  }
}

const lit = (v: unknown): Tree => ({ t: 'lit', v: JSON.stringify(v) });
function toTree(v: unknown): Tree {
  if (Array.isArray(v)) return { t: 'arr', items: v.map(toTree) };
  if (v && typeof v === 'object')
    return { t: 'obj', entries: Object.entries(v).map(([k, x]) => [k, toTree(x)]) };
  return lit(v);
}

const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udc00x',
  'x\ud83d',
  '\u202e\u202dgnp.exe',
  '\u200f\u200e\u061c',
  '\ufeff',
  '\u2028\u2029',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'NaN',
  '-0',
  '1e308',
  'Infinity',
  'null',
  'true',
  '<script>alert(1)</script>',
  "'; DROP TABLE records; --",
  '../../etc/passwd',
  '%00',
  '\\u0000',
  'ｆｕｌｌｗｉｄｔｈ',
  'e\u0301\u0301\u0301',
  '𝒜'.repeat(201),
);
const hugeString = fc.constantFrom(2_001, 10_001, 20_001, 50_001, 60_001, 300_000).map((n) => 'x'.repeat(n));
const text = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: hugeString },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 8 }), nasty, fc.string({ maxLength: 8 }))
      .map((p) => p.join('')),
  },
);
/** Literal JSON numbers, including ones JavaScript cannot hold exactly. */
const numberLiteral = fc.oneof(
  fc.constantFrom('1e308', '-1e308', '1e400', '-0', '0', '-1', '0.5', '9007199254740993', '1e-400', '2e9'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer().map(String),
);
const leaf: fc.Arbitrary<Tree> = fc.oneof(
  text.map(lit),
  numberLiteral.map((v) => ({ t: 'lit', v }) as Tree),
  fc.constantFrom('true', 'false', 'null').map((v) => ({ t: 'lit', v }) as Tree),
);
const key = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'kind',
    'action',
    'rules',
    'title',
    'text',
    'stance',
    'classes',
    'roleId',
    'accountId',
    'email',
    'password',
    'name',
    'template',
  ),
  text,
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('tree'), { maxLength: 4 }).map((items) => ({ t: 'arr', items }) as Tree),
    fc.array(fc.tuple(key, tie('tree')), { maxLength: 5 }).map((entries) => ({ t: 'obj', entries }) as Tree),
  ),
}));
const deep = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom('[', '{"a":'))
  .map(([n, open]) => `${open.repeat(n)}1${(open === '[' ? ']' : '}').repeat(n)}`);

/** One change to a valid body: a value replaced, a field dropped, a field added, or the whole body replaced. */
interface Mutation {
  at: number;
  op: 'replace' | 'drop' | 'add';
  key: string;
  value: Tree;
}
function mutate(body: Tree, m: Mutation): Tree {
  const nodes: Tree[] = [];
  const walk = (x: Tree) => {
    nodes.push(x);
    if (x.t === 'arr') x.items.forEach(walk);
    if (x.t === 'obj') x.entries.forEach(([, v]) => walk(v));
  };
  const copy = structuredClone(body);
  walk(copy);
  const node = nodes[m.at % nodes.length] ?? copy;
  if (node === copy && m.op === 'replace') return m.value;
  if (node.t === 'obj') {
    if (m.op === 'drop' && node.entries.length > 0) node.entries.splice(m.at % node.entries.length, 1);
    else if (m.op === 'add') node.entries.push([m.key, m.value]);
    else if (node.entries.length > 0) node.entries[m.at % node.entries.length]![1] = m.value;
  } else if (node.t === 'arr') {
    if (m.op === 'drop' && node.items.length > 0) node.items.splice(m.at % node.items.length, 1);
    else if (m.op === 'add') node.items.push(m.value);
    else if (node.items.length > 0) node.items[m.at % node.items.length] = m.value;
  } else {
    Object.assign(node, m.value);
  }
  return copy;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('replace', 'drop', 'add'),
  key,
  value: tree,
});

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/JSON',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/jsonx',
    'application/merge-patch+json',
    '*/*',
    '',
  ),
  fc.string({ maxLength: 30 }),
);

/** A request for one operation: everything optional falls back to what is valid. */
interface Attack {
  raw?: string;
  contentType?: string;
  params: Record<string, string>;
  query?: string;
  as: 'ada' | 'bob' | 'cara' | 'nobody';
}

const paramValue = fc.oneof(
  text,
  fc.constantFrom('0', '-1', '99999999999999', '1e3', '%2e%2e', '..', '.', '%00', 'a%2Fb', 'x'.repeat(65)),
);

function attacks(r: Route, valid: unknown): fc.Arbitrary<Attack> {
  const as = fc.constantFrom<Attack['as']>('ada', 'bob', 'cara', 'nobody');
  const params = r.params.length
    ? fc.record(Object.fromEntries(r.params.map((p) => [p, paramValue])), { requiredKeys: [] })
    : fc.constant({});
  const validTree = toTree(valid ?? {});
  const body = fc.oneof(
    { weight: 4, arbitrary: mutation.map((m) => write(mutate(validTree, m))) },
    {
      weight: 2,
      arbitrary: fc
        .array(mutation, { minLength: 2, maxLength: 4 })
        .map((ms) => write(ms.reduce(mutate, validTree))),
    },
    { weight: 2, arbitrary: tree.map(write) },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.nat(), fc.string({ maxLength: 3 })).map(([cut, junk]) => {
        const s = JSON.stringify(valid ?? {});
        return s.slice(0, cut % (s.length + 1)) + junk;
      }),
    },
  );
  const query = r.query.length
    ? fc.oneof(
        fc.tuple(fc.constantFrom(...r.query), paramValue).map(([q, v]) => `${q}=${encodePart(v)}`),
        fc.constantFrom(
          `${r.query[0]}=1&${r.query[0]}=2`,
          `${r.query[0]}[]=1`,
          `${r.query[0]}[a]=1`,
          '%',
          '&&=&',
        ),
      )
    : fc.constantFrom(undefined, 'x=1', '__proto__[a]=1', 'constructor[prototype][a]=1');
  return fc.record(
    {
      raw: r.method === 'GET' ? fc.constant(undefined) : body,
      contentType,
      params,
      query,
      as,
    },
    { requiredKeys: ['params', 'as'] },
  );
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`API fuzz on ${kind}`, () => {
    let t: TestApp;
    let routes: Route[];

    const validBodies = (w: World): Record<string, unknown> => ({
      'POST /api/v1/auth/signup': {
        email: 'fuzz@example.org',
        password: 'long enough password',
        displayName: 'F',
      },
      'POST /api/v1/auth/signin': { email: w.bob.email, password: 'correct horse battery' },
      'POST /api/v1/tokens': { name: 'script' },
      'POST /api/v1/commons': {
        name: 'Field',
        template: 'single-class',
        purpose: 'p',
        charter: 'c',
        classes: [],
      },
      'POST /api/v1/commons/{id}/applications': { displayName: 'Cara', classes: ['users'], statement: 'Hi' },
      'POST /api/v1/commons/{id}/constitution/diff': {
        action: { kind: 'amend_constitution', rules: { resolution: { type: 'consent', hours: 24 } } },
      },
      'POST /api/v1/commons/{id}/proposals': {
        title: 'Votes',
        body: 'b',
        action: VOTE_ON_RESOLUTIONS,
      },
      'PUT /api/v1/commons/{id}/proposals/{pid}/position': { stance: 'agree', reason: 'Fine' },
      'PUT /api/v1/commons/{id}/proposals/{pid}/ballot': { ballot: { ranking: [] } },
      'POST /api/v1/commons/{id}/proposals/{pid}/nominations': { accountId: 'a1' },
      'PUT /api/v1/commons/{id}/delegations': { scope: { type: 'kind', kind: 'resolution' }, trustee: 'a1' },
      'POST /api/v1/commons/{id}/delegations/revoke': { scope: { type: 'commons' } },
      'POST /api/v1/commons/{id}/proposals/{pid}/comments': { text: 'Hello', replyTo: w.cid },
      'PATCH /api/v1/commons/{id}/proposals/{pid}/comments/{cid}': { text: 'Hello again' },
      'PUT /api/v1/commons/{id}/reviews/{rid}/answer': { answer: 'yes', comment: 'Worked' },
      'POST /api/v1/auth/password-reset': { email: w.cara.email },
      'POST /api/v1/auth/password-reset/confirm': { token: 'x'.repeat(43), password: 'long enough pw' },
      'PATCH /api/v1/account': { displayName: 'Bob', locale: 'en' },
      'PATCH /api/v1/account/notifications': { settings: { decision: 'digest' } },
      'POST /api/v1/account/password': { currentPassword: 'not the one', newPassword: 'long enough pw' },
      'POST /api/v1/account/email': { email: 'elsewhere@example.org', password: 'not the one' },
      'POST /api/v1/account/email/confirm': { token: 'x'.repeat(43) },
      'POST /api/v1/commons/{id}/invitations': { classes: ['users'], locale: 'en' },
      'POST /api/v1/invitations/lookup': { token: 'x'.repeat(43) },
      'POST /api/v1/invitations/accept': { token: 'x'.repeat(43), statement: 'Hi' },
      'POST /api/v1/commons/{id}/replay': { rules: { resolution: { type: 'consent', hours: 1 } } },
    });

    /** What a refused request must leave as it was, read straight from the store (it is read after every case). */
    const state = async (w: World) => {
      const ids = await t.ctx.store.listCommonsIds();
      const head = await t.ctx.store.head(w.commonsId);
      const tokens = await Promise.all([w.ada, w.bob, w.cara].map((p) => t.ctx.store.listApiTokens(p.id)));
      return JSON.stringify([
        await t.ctx.store.countAccounts(),
        ids.length,
        head?.size,
        tokens.map((x) => x.length),
      ]);
    };

    beforeAll(async () => {
      t = await testApp(kind, { signInPerMinute: 1_000_000 });
      routes = await loadRoutes(t.app);
    });
    afterAll(async () => t?.close());

    it('has a valid body to start from for every operation that takes one', async () => {
      const w = await foundWorld(t, '-check');
      const bodies = validBodies(w);
      expect(routes.filter((r) => r.hasBody && !(r.key in bodies)).map((r) => r.key)).toEqual([]);
    });

    it(`answers malformed input on every operation with a 4xx problem, and writes nothing (${RUNS} runs each)`, async () => {
      let round = 0;
      const failures: string[] = [];
      for (const r of routes) {
        // The event stream never ends: only its refusals are fuzzed (an unknown commons).
        const stream = r.path.endsWith('/events');
        round += 1;
        // Every operation gets a world of its own, so that one accepted request (a leave, a withdrawal) does not
        // leave the others nothing to aim at.
        const w = await foundWorld(t, `-${round}`);
        const who: Record<Attack['as'], Person | null> = {
          ada: w.ada,
          bob: w.bob,
          cara: w.cara,
          nobody: null,
        };
        const valid = r.hasBody ? validBodies(w)[r.key] : undefined;
        const defaults = { id: w.commonsId, pid: w.pid, cid: w.cid, tokenId: w.tokenId, seq: '0' };
        try {
          await fc.assert(
            fc.asyncProperty(attacks(r, valid), async (a) => {
              const params = { ...defaults, ...a.params, ...(stream ? { id: a.params.id ?? 'nope' } : {}) };
              if (stream && params.id === w.commonsId) return;
              // The person's own stream has no id to get wrong: only its refusal without a session is fuzzed.
              if (stream && !r.path.includes('{id}') && a.as !== 'nobody') return;
              let url = fillPath(r.path, params);
              url += a.query !== undefined ? `?${a.query}` : requiredQuery(r);
              // Signing out would end the session the other cases use: it is sent without one.
              const signsOut =
                r.key === 'POST /api/v1/auth/signout' || r.key === 'POST /api/v1/auth/signout-everywhere';
              const sender = signsOut ? null : who[a.as];
              const headers: Record<string, string> = sender
                ? { cookie: sender.cookie, 'x-csrf-token': sender.csrf }
                : {};
              if (a.raw !== undefined) headers['content-type'] = a.contentType ?? 'application/json';
              const before = await state(w);
              let res: LightMyRequestResponse;
              try {
                res = await t.app.inject({
                  method: r.method,
                  url,
                  headers,
                  ...(a.raw === undefined ? {} : { payload: a.raw }),
                });
              } catch (e) {
                // A URL that cannot even be sent (light-my-request refuses it) proves nothing about the server.
                if (/Invalid URL|ERR_INVALID|Invalid character/i.test(String(e))) return;
                throw e;
              }
              const faults = answerFaults(res);
              if (res.statusCode >= 400) {
                const after = await state(w);
                if (after !== before) faults.push(`a refused request wrote: ${before} -> ${after}`);
              }
              if (faults.length > 0) throw new Error(`${r.key}: ${faults.join('; ')}`);
            }),
            { numRuns: RUNS, endOnFailure: false },
          );
        } catch (e) {
          const cause = (e as Error).cause;
          failures.push(
            `${String((e as Error).message).slice(0, 600)}\n${cause instanceof Error ? cause.message.slice(0, 600) : ''}`,
          );
        }
      }
      expect(failures).toEqual([]);
      // After all of it every log still verifies.
      for (const id of await t.ctx.store.listCommonsIds()) {
        const v = await t.app.inject({ url: `/api/v1/commons/${id}/log/verify` });
        expect(v.json().ok, `${id}: ${v.body}`).toBe(true);
      }
      // Every operation's runs in one test: it grows with the API (48 s on SQLite at load 8, with the replay route).
    }, 240_000);
    // Its time grows with the number of operations (elections and delegation added six): more than the default.
    it(
      `answers malformed input on every operation with a 4xx problem, and writes nothing (${RUNS} runs each)`,
      { timeout: 240_000 },
      async () => {
        let round = 0;
        const failures: string[] = [];
        for (const r of routes) {
          // The event stream never ends: only its refusals are fuzzed (an unknown commons).
          const stream = r.path.endsWith('/events');
          round += 1;
          // Every operation gets a world of its own, so that one accepted request (a leave, a withdrawal) does not
          // leave the others nothing to aim at.
          const w = await foundWorld(t, `-${round}`);
          const who: Record<Attack['as'], Person | null> = {
            ada: w.ada,
            bob: w.bob,
            cara: w.cara,
            nobody: null,
          };
          const valid = r.hasBody ? validBodies(w)[r.key] : undefined;
          const defaults = { id: w.commonsId, pid: w.pid, tokenId: w.tokenId, seq: '0' };
          try {
            await fc.assert(
              fc.asyncProperty(attacks(r, valid), async (a) => {
                const params = { ...defaults, ...a.params, ...(stream ? { id: a.params.id ?? 'nope' } : {}) };
                if (stream && params.id === w.commonsId) return;
                // The person's own stream has no id to get wrong: only its refusal without a session is fuzzed.
                if (stream && !r.path.includes('{id}') && a.as !== 'nobody') return;
                let url = fillPath(r.path, params);
                url += a.query !== undefined ? `?${a.query}` : requiredQuery(r);
                // Signing out would end the session the other cases use: it is sent without one.
                const signsOut =
                  r.key === 'POST /api/v1/auth/signout' || r.key === 'POST /api/v1/auth/signout-everywhere';
                const sender = signsOut ? null : who[a.as];
                const headers: Record<string, string> = sender
                  ? { cookie: sender.cookie, 'x-csrf-token': sender.csrf }
                  : {};
                if (a.raw !== undefined) headers['content-type'] = a.contentType ?? 'application/json';
                const before = await state(w);
                let res: LightMyRequestResponse;
                try {
                  res = await t.app.inject({
                    method: r.method,
                    url,
                    headers,
                    ...(a.raw === undefined ? {} : { payload: a.raw }),
                  });
                } catch (e) {
                  // A URL that cannot even be sent (light-my-request refuses it) proves nothing about the server.
                  if (/Invalid URL|ERR_INVALID|Invalid character/i.test(String(e))) return;
                  throw e;
                }
                const faults = answerFaults(res);
                if (res.statusCode >= 400) {
                  const after = await state(w);
                  if (after !== before) faults.push(`a refused request wrote: ${before} -> ${after}`);
                }
                if (faults.length > 0) throw new Error(`${r.key}: ${faults.join('; ')}`);
              }),
              { numRuns: RUNS, endOnFailure: false },
            );
          } catch (e) {
            const cause = (e as Error).cause;
            failures.push(
              `${String((e as Error).message).slice(0, 600)}\n${cause instanceof Error ? cause.message.slice(0, 600) : ''}`,
            );
          }
        }
        expect(failures).toEqual([]);
        // After all of it every log still verifies.
        for (const id of await t.ctx.store.listCommonsIds()) {
          const v = await t.app.inject({ url: `/api/v1/commons/${id}/log/verify` });
          expect(v.json().ok, `${id}: ${v.body}`).toBe(true);
        }
      },
    );
  });
}
