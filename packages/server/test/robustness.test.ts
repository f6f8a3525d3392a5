// Robustness and security of the HTTP API. Every route listed in /api/openapi.json is attacked with bad input of
// every kind (no auth, wrong content type, malformed JSON, wrong shapes, unknown fields at every level, over-long
// text, huge and negative numbers, NUL and lone surrogates, odd path and query values, unknown ids): the answer
// must be a 4xx application/problem+json with a code and a detail, never a 5xx, and nothing may be written.
import argon2 from 'argon2';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sha256 } from '../src/auth';
import { requirePostgres } from '../../store/test/pg-available';
import { VOTE_ON_RESOLUTIONS } from './attack-kit';
import { must, Person, testApp, type TestApp } from './harness';

/** Query parameters that are a search by free text (any word is a search; `route param`). */
const FREE_TEXT_QUERY = new Set(['GET /api/v1/commons/{id}/members q']);

const pgOk = await requirePostgres('the API robustness suite on PostgreSQL');

const PASSWORD = 'correct horse battery';
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
interface Route {
  method: Method;
  /** As the OpenAPI document writes it: /api/v1/commons/{id}. */
  path: string;
  params: string[];
  query: string[];
  hasBody: boolean;
}

/** Writes anyone may send without being signed in. */
const PUBLIC_WRITES = new Set([
  'POST /api/v1/auth/signup',
  'POST /api/v1/auth/signin',
  'POST /api/v1/auth/signout',
  // What a link in a mail does, opened in any browser: its secret is the proof.
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/password-reset/confirm',
  'POST /api/v1/account/email/confirm',
  'POST /api/v1/mail/unsubscribe',
  'POST /api/v1/notifications/unsubscribe',
  'POST /api/v1/invitations/lookup',
  // A replay of a draft against a public commons' history reads and writes nothing.
  'POST /api/v1/commons/{id}/replay',
]);
/** Reads that need a signed-in caller. */
const PRIVATE_READS = new Set([
  'GET /api/v1/tokens',
  'GET /api/v1/account',
  'GET /api/v1/admin/outbox',
  'GET /api/v1/commons/{id}/invitations',
  'GET /api/v1/notifications',
  'GET /api/v1/notifications/events',
  'GET /api/v1/account/notifications',
]);

/** A problem's shape and headers, or a list of what is wrong with it. */
function problemFaults(r: LightMyRequestResponse): string[] {
  const faults: string[] = [];
  if (r.statusCode < 400 || r.statusCode >= 500) faults.push(`status ${r.statusCode}`);
  if (!/^application\/problem\+json/.test(String(r.headers['content-type'])))
    faults.push(`content-type ${r.headers['content-type']}`);
  let p: Record<string, unknown> = {};
  try {
    p = r.json();
  } catch {
    faults.push(`body is not JSON: ${r.body.slice(0, 80)}`);
  }
  if (typeof p.code !== 'string' || !/^[a-z][a-z_]*$/.test(p.code)) faults.push(`code ${String(p.code)}`);
  if (typeof p.detail !== 'string' || p.detail.length < 5) faults.push(`detail ${String(p.detail)}`);
  if (p.status !== r.statusCode) faults.push(`problem status ${String(p.status)} != ${r.statusCode}`);
  if (r.headers['x-content-type-options'] !== 'nosniff') faults.push('no nosniff header');
  if (faults.length > 0) faults.push(`body ${r.body.slice(0, 200)}`);
  return faults;
}

/** Every way to spoil one value of a valid body: [label, value, strict]; strict ones must be refused. */
function spoilValue(v: unknown): [string, unknown, boolean][] {
  const out: [string, unknown, boolean][] = [['null', null, false]];
  if (typeof v === 'string') {
    out.push(
      ['over-long', 'x'.repeat(60_001), true],
      ['NUL', `${v}\u0000${v}`, true],
      ['lone high surrogate', `${v}\ud800`, true],
      ['lone low surrogate', `\udc00${v}`, true],
      ['number', 1, true],
      ['boolean', true, true],
      ['object', {}, true],
      ['array', [v], true],
    );
  } else if (typeof v === 'number') {
    out.push(
      ['negative', -1, true],
      ['fraction', 0.5, true],
      ['huge', 1e308, true],
      ['unsafe integer', 2 ** 53 + 2, true],
      ['numeric string', String(v), true],
      ['boolean', true, true],
    );
  } else if (typeof v === 'boolean') {
    out.push(['string', String(v), true], ['number', 1, true]);
  } else if (Array.isArray(v)) {
    out.push(
      ['object', {}, true],
      ['string', 'x', true],
      ['10 000 items', Array.from({ length: 10_000 }, () => v[0] ?? 'x'), true],
    );
  } else if (v && typeof v === 'object') {
    out.push(
      ['array', [], true],
      ['string', 'x', true],
      ['number', 1, true],
      ['unknown field', { ...v, zzz_unknown: 1 }, true],
    );
  }
  return out;
}

/** Every spoiled copy of a body: one changed value at every path. */
function spoilBody(body: unknown, path = 'body'): { label: string; body: unknown; strict: boolean }[] {
  const out = spoilValue(body).map(([what, value, strict]) => ({
    label: `${path}: ${what}`,
    body: value,
    strict,
  }));
  const children: [string, unknown][] = Array.isArray(body)
    ? body.map((x, i) => [String(i), x])
    : body && typeof body === 'object'
      ? Object.entries(body)
      : [];
  for (const [key, child] of children) {
    for (const s of spoilBody(child, `${path}.${key}`)) {
      const copy = Array.isArray(body) ? [...body] : { ...(body as object) };
      (copy as Record<string, unknown>)[key] = s.body;
      out.push({ ...s, body: copy });
    }
  }
  return out;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`API robustness on ${kind}`, () => {
    let t: TestApp;
    let ada: Person; // founder of the commons, proposer of `pid`
    let bob: Person; // member, not the proposer
    let cara: Person; // signed in, not a member
    let adaToken: { id: string; token: string };
    let decoyToken: { id: string; token: string }; // the token routes aim at, so that a wrongful delete spares adaToken
    let commonsId: string;
    let pid: string;
    let routes: Route[];
    const future = () => new Date(Date.now() + 5 * 86_400_000).toISOString();

    /** A valid body for each route that takes one; a route missing here fails the coverage test. */
    const validBodies = (): Record<string, unknown[]> => ({
      'POST /api/v1/auth/signup': [
        { email: 'newbie@example.org', password: 'long enough password', displayName: 'Newbie' },
      ],
      'POST /api/v1/auth/signin': [{ email: ada.email, password: PASSWORD }],
      'POST /api/v1/tokens': [{ name: 'script' }],
      'POST /api/v1/commons': [
        {
          name: 'Orchard',
          purpose: 'Fruit',
          charter: 'We share.',
          template: 'multi-stakeholder-coop',
          classes: ['workers'],
        },
      ],
      'POST /api/v1/commons/{id}/applications': [
        { displayName: 'Cara', classes: ['member'], statement: 'I dig.' },
      ],
      'POST /api/v1/commons/{id}/constitution/diff': [
        { action: { kind: 'amend_constitution', rules: { resolution: { type: 'consent', hours: 24 } } } },
      ],
      'POST /api/v1/commons/{id}/proposals': [
        {
          title: 'Vote on resolutions',
          body: 'Majority with a quorum.',
          closesAt: future(),
          action: VOTE_ON_RESOLUTIONS,
        },
        {
          title: 'A gardener',
          action: {
            kind: 'create_role',
            roleId: 'gardener',
            name: 'Gardener',
            description: 'Waters',
            mandate: ['resolution'],
            termDays: 30,
          },
        },
        {
          title: 'Invite',
          action: {
            kind: 'admit_member',
            email: 'cara@example.org',
            displayName: 'Cara',
            classes: ['member'],
          },
        },
        { title: 'Charter', action: { kind: 'adopt_charter', purpose: 'Grow', charter: 'Be kind.' } },
        {
          title: 'Chambers',
          action: {
            kind: 'amend_constitution',
            rules: {
              adopt_charter: {
                type: 'chambers',
                hours: 24,
                chambers: [
                  {
                    classId: 'member',
                    rule: {
                      type: 'vote',
                      threshold: { num: 1, den: 2 },
                      strict: true,
                      quorum: { num: 1, den: 2 },
                      abstentions: 'quorum_only',
                    },
                    weight: 2,
                    veto: true,
                  },
                ],
                weighted: { threshold: { num: 1, den: 2 }, strict: true },
              },
            },
          },
        },
        { title: 'Elect', action: { kind: 'elect_role', roleId: 'gardener', seats: 2 } },
        {
          title: 'Elections and delegation',
          action: {
            kind: 'amend_constitution',
            rules: {
              elect_role: { type: 'election', nominationHours: 0, hours: 24, method: 'scottish_stv' },
              resolution: {
                type: 'vote',
                hours: 24,
                threshold: { num: 1, den: 2 },
                strict: true,
                quorum: { num: 0, den: 1 },
                abstentions: 'ignored',
                delegation: true,
              },
            },
          },
        },
        {
          title: 'Consensus',
          action: {
            kind: 'amend_constitution',
            rules: { adopt_charter: { type: 'consensus', hours: 24, minParticipation: { num: 2, den: 3 } } },
          },
        },
      ],
      'PUT /api/v1/commons/{id}/proposals/{pid}/position': [{ stance: 'agree', reason: 'Fine' }],
      'PUT /api/v1/commons/{id}/proposals/{pid}/ballot': [
        { ballot: { ranking: ['a', 'b'] }, reason: 'Fine' },
        { ballot: { approve: ['a'] } },
        { ballot: { values: [{ option: 'a', value: 3 }] } },
      ],
      'POST /api/v1/commons/{id}/proposals/{pid}/comments': [{ text: 'Hello', replyTo: null }],
      'PATCH /api/v1/commons/{id}/proposals/{pid}/comments/{cid}': [{ text: 'Hello again' }],
      'PUT /api/v1/commons/{id}/reviews/{rid}/answer': [{ answer: 'partly', comment: 'Slow' }],
      'POST /api/v1/commons/{id}/proposals/{pid}/nominations': [{ accountId: 'a1' }],
      'PUT /api/v1/commons/{id}/delegations': [
        { scope: { type: 'kind', kind: 'resolution' }, trustee: 'a1' },
        { scope: { type: 'commons' }, trustee: 'a1' },
        { scope: { type: 'proposal', proposalId: 'p1' }, trustee: 'a1' },
      ],
      'POST /api/v1/commons/{id}/delegations/revoke': [{ scope: { type: 'commons' } }],
      'POST /api/v1/auth/password-reset': [{ email: 'someone@example.org' }],
      'POST /api/v1/auth/password-reset/confirm': [{ token: 'x'.repeat(43), password: 'long enough pw' }],
      'PATCH /api/v1/account': [{ displayName: 'Ada', locale: 'en' }],
      'PATCH /api/v1/account/notifications': [{ settings: { decision: 'digest', reminder: 'off' } }],
      'POST /api/v1/account/password': [{ currentPassword: 'not the one', newPassword: 'long enough pw' }],
      'POST /api/v1/account/email': [{ email: 'elsewhere@example.org', password: 'not the one' }],
      'POST /api/v1/account/email/confirm': [{ token: 'x'.repeat(43) }],
      'POST /api/v1/commons/{id}/invitations': [{ classes: [], locale: 'fr' }],
      'POST /api/v1/invitations/lookup': [{ token: 'x'.repeat(43) }],
      'POST /api/v1/invitations/accept': [{ token: 'x'.repeat(43), statement: 'Hi' }],
      'POST /api/v1/commons/{id}/replay': [{ rules: { resolution: { type: 'consent', hours: 1 } } }],
    });
    // Routes whose query is required: a valid one, so that what is tested is what comes after it.
    const queryFor = (r: Route) =>
      r.path === '/api/v1/mail/unsubscribe'
        ? `?email=x%40example.org&token=${'w'.repeat(43)}`
        : r.path === '/api/v1/notifications/unsubscribe'
          ? `?account=a1&kind=decision&token=${'w'.repeat(43)}`
          : '';
    const bodyFor = (r: Route) => (r.hasBody ? validBodies()[`${r.method} ${r.path}`]?.[0] : undefined);

    const fill = (path: string, values: Record<string, string> = {}) =>
      path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const given = values[name];
        if (given !== undefined) return given;
        return { id: commonsId, pid, tokenId: decoyToken.id, seq: '0' }[name] ?? 'missing';
      });

    const snapshot = async () => {
      const heads: Record<string, number> = {};
      for (const id of await t.ctx.store.listCommonsIds())
        heads[id] = (await t.ctx.store.head(id))?.size ?? -1;
      const tokens = [];
      for (const p of [ada, bob, cara]) tokens.push((await t.ctx.store.listApiTokens(p.id)).length);
      return { accounts: await t.ctx.store.countAccounts(), heads, tokens };
    };

    const send = (
      method: Method,
      url: string,
      opts: { payload?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {},
    ) =>
      t.app.inject({
        method,
        url,
        headers: opts.headers,
        ...(opts.raw !== undefined
          ? { payload: opts.raw }
          : opts.payload !== undefined
            ? { payload: JSON.stringify(opts.payload) }
            : {}),
      });
    const bearer = (extra: Record<string, string> = {}) => ({
      authorization: `Bearer ${adaToken.token}`,
      ...extra,
    });
    const json = { 'content-type': 'application/json' };

    /** Sends a request that must be refused; returns what is wrong (status, shape, or a write). */
    const refused = async (
      label: string,
      request: () => Promise<LightMyRequestResponse>,
      expect?: { status?: number; code?: string | RegExp },
    ) => {
      const before = await snapshot();
      const r = await request();
      const faults = problemFaults(r);
      if (expect?.status !== undefined && r.statusCode !== expect.status)
        faults.push(`expected ${expect.status}, got ${r.statusCode} ${r.body.slice(0, 120)}`);
      const code = (() => {
        try {
          return String(r.json().code);
        } catch {
          return '';
        }
      })();
      if (
        expect?.code !== undefined &&
        !(typeof expect.code === 'string' ? code === expect.code : expect.code.test(code))
      ) {
        faults.push(`expected code ${String(expect.code)}, got ${code}`);
      }
      const after = await snapshot();
      if (JSON.stringify(after) !== JSON.stringify(before))
        faults.push(`wrote something: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
      return faults.length > 0 ? [`${label}: ${faults.join('; ')}`] : [];
    };

    beforeAll(async () => {
      t = await testApp(kind, { signInPerMinute: 100_000 });
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      bob = await new Person(t.app, 'bob@example.org', 'Bob').signUp();
      cara = await new Person(t.app, 'cara@example.org', 'Cara').signUp();
      commonsId = (
        await ada.call('POST', '/api/v1/commons', { name: 'Garden', template: 'single-class' })
      ).json().id;
      const invite = await ada.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
        title: 'Invite Bob',
        action: { kind: 'admit_member', email: bob.email },
      });
      await ada.call('PUT', `/api/v1/commons/${commonsId}/proposals/${invite.json().id}/position`, {
        stance: 'agree',
      });
      const open = await ada.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
        title: 'Paint the shed',
        action: { kind: 'resolution', text: 'Green' },
      });
      expect(open.json().status).toBe('open');
      pid = open.json().id;
      adaToken = (await ada.call('POST', '/api/v1/tokens', { name: 'fuzz' })).json();
      decoyToken = (await ada.call('POST', '/api/v1/tokens', { name: 'decoy' })).json();
      const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
      routes = [];
      for (const [path, item] of Object.entries(
        doc.paths as Record<
          string,
          Record<string, { parameters?: { in: string; name: string }[]; requestBody?: unknown }>
        >,
      )) {
        for (const [m, op] of Object.entries(item)) {
          const params = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
          const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
          routes.push({
            method: m.toUpperCase() as Method,
            path,
            params,
            query,
            hasBody: op.requestBody !== undefined,
          });
        }
      }
    });
    afterAll(async () => t?.close());

    it('enumerates the routes from OpenAPI, and has a valid body for each that takes one', async () => {
      expect(routes.length).toBeGreaterThanOrEqual(20);
      expect(routes.map((r) => `${r.method} ${r.path}`)).toContain(
        'PUT /api/v1/commons/{id}/proposals/{pid}/position',
      );
      const bodies = validBodies();
      const missing = routes
        .filter((r) => r.hasBody && !bodies[`${r.method} ${r.path}`])
        .map((r) => `${r.method} ${r.path}`);
      expect(missing, 'add a valid body for these routes').toEqual([]);
    });

    it('refuses every write without authentication (401) and with a bad bearer token (401 invalid_token)', async () => {
      const faults: string[] = [];
      for (const r of routes) {
        const key = `${r.method} ${r.path}`;
        const payload = bodyFor(r);
        const url = fill(r.path);
        if (r.method !== 'GET' && !PUBLIC_WRITES.has(key)) {
          faults.push(
            ...(await refused(
              `${key} without auth`,
              () => send(r.method, url, { payload, headers: payload ? json : {} }),
              { status: 401, code: 'unauthenticated' },
            )),
          );
          faults.push(
            ...(await refused(
              `${key} with an unknown cookie`,
              () =>
                send(r.method, url, {
                  payload,
                  headers: {
                    ...(payload ? json : {}),
                    cookie: 'peergov_session=forged',
                    'x-csrf-token': 'x',
                  },
                }),
              {
                status: 401,
                code: 'unauthenticated',
              },
            )),
          );
        }
        if (PRIVATE_READS.has(key)) {
          faults.push(
            ...(await refused(`${key} without auth`, () => send(r.method, url), {
              status: 401,
              code: 'unauthenticated',
            })),
          );
        }
        for (const authorization of [
          'Bearer pgv_forged',
          'Basic YWRhOnB3',
          'Bearer',
          `Bearer ${'x'.repeat(5000)}`,
        ]) {
          faults.push(
            ...(await refused(
              `${key} with Authorization "${authorization.slice(0, 20)}"`,
              () => send(r.method, url, { payload, headers: { ...(payload ? json : {}), authorization } }),
              {
                status: 401,
                code: 'invalid_token',
              },
            )),
          );
        }
      }
      expect(faults).toEqual([]);
    });

    it('refuses every cookie-authenticated write with a missing or wrong CSRF token (403 csrf_failed)', async () => {
      const faults: string[] = [];
      for (const r of routes.filter((x) => x.method !== 'GET')) {
        const key = `${r.method} ${r.path}`;
        const payload = bodyFor(r);
        const url = fill(r.path) + queryFor(r);
        for (const [what, csrf] of [
          ['no', undefined],
          ['an empty', ''],
          ['a wrong', 'x'.repeat(32)],
          ["another session's", bob.csrf],
        ] as const) {
          const headers: Record<string, string> = {
            cookie: ada.cookie,
            ...(payload ? json : {}),
            ...(csrf === undefined ? {} : { 'x-csrf-token': csrf }),
          };
          faults.push(
            ...(await refused(
              `${key} with ${what} CSRF token`,
              () => send(r.method, url, { payload, headers }),
              { status: 403, code: 'csrf_failed' },
            )),
          );
        }
      }
      expect(faults).toEqual([]);
      // Sign-out was among them: the session still works.
      expect((await ada.call('GET', '/api/v1/auth/session')).json().account?.id).toBe(ada.id);
    });

    it('refuses malformed JSON, wrong content types and bodies of the wrong shape on every route', async () => {
      const faults: string[] = [];
      const deep = `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
      const malformed: [string, string][] = [
        ['empty', ''],
        ['truncated', '{"title": '],
        ['trailing comma', '{"a":1,}'],
        ['single quotes', "{'a':1}"],
        ['NaN', '{"a":NaN}'],
        ['bare word', 'hello'],
        ['two documents', '{}{}'],
        ['invalid UTF-8 escape', '{"a":"\\uZZZZ"}'],
      ];
      const wrongShapes: [string, string][] = [
        ['array', '[]'],
        ['array of objects', '[{}]'],
        ['number', '42'],
        ['huge number', '1e400'],
        ['string', '"text"'],
        ['null', 'null'],
        ['true', 'true'],
        ['__proto__', '{"__proto__":{"polluted":true}}'],
        ['constructor.prototype', '{"constructor":{"prototype":{"polluted":true}}}'],
        ['deep nesting', deep],
      ];
      for (const r of routes.filter((x) => x.method !== 'GET')) {
        const key = `${r.method} ${r.path}`;
        const url = fill(r.path) + queryFor(r);
        const valid = JSON.stringify(bodyFor(r) ?? {});
        for (const [what, raw] of malformed) {
          faults.push(
            ...(await refused(
              `${key} ${what} JSON`,
              () => send(r.method, url, { raw, headers: bearer(json) }),
              { status: 400, code: 'malformed_json' },
            )),
          );
        }
        for (const [ct, raw] of [
          ['text/plain', valid],
          ['application/x-www-form-urlencoded', 'name=x&template=single-class'],
          [
            'multipart/form-data; boundary=zz',
            `--zz\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--zz--\r\n`,
          ],
          ['application/xml', '<a/>'],
          ['application/jsonx', valid],
        ] as const) {
          // Mail programs unsubscribe with a form (RFC 8058): the one route that reads one (and ignores it).
          if (
            ct === 'application/x-www-form-urlencoded' &&
            (key === 'POST /api/v1/mail/unsubscribe' || key === 'POST /api/v1/notifications/unsubscribe')
          )
            continue;
          faults.push(
            ...(await refused(
              `${key} as ${ct}`,
              () => send(r.method, url, { raw, headers: bearer({ 'content-type': ct }) }),
              { status: 415, code: 'unsupported_media_type' },
            )),
          );
        }
        faults.push(
          ...(await refused(
            `${key} 2 MB body`,
            () =>
              send(r.method, url, { raw: `{"a":"${'x'.repeat(2 * 1024 * 1024)}"}`, headers: bearer(json) }),
            {
              status: 413,
              code: 'payload_too_large',
            },
          )),
        );
        // A route without a body ignores a well-formed one; only routes with a body schema must refuse wrong shapes.
        if (!r.hasBody) continue;
        for (const [what, raw] of wrongShapes) {
          faults.push(
            ...(await refused(
              `${key} body ${what}`,
              () => send(r.method, url, { raw, headers: bearer(json) }),
              { status: 400 },
            )),
          );
        }
        // Valid for some routes (all fields optional): refused there by the domain (Ada is already a member), but for
        // an invitation, which `{}` makes as a link.
        if (key === 'POST /api/v1/commons/{id}/invitations') {
          const link = await send(r.method, url, { raw: '{}', headers: bearer(json) });
          if (link.statusCode !== 201)
            faults.push(`${key} body {}: ${link.statusCode} ${link.body.slice(0, 120)}`);
          continue;
        }
        faults.push(
          ...(await refused(`${key} body {}`, () =>
            send(r.method, url, { raw: '{}', headers: bearer(json) }),
          )),
        );
      }
      expect(faults).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('refuses a spoiled value at every path of every body: unknown fields, over-long text, NUL, surrogates, huge and negative numbers', async () => {
      const faults: string[] = [];
      let count = 0;
      for (const r of routes.filter((x) => x.hasBody)) {
        const key = `${r.method} ${r.path}`;
        // Sign-up and sign-in are sent without a session; every other write by Ada's token.
        const headers = PUBLIC_WRITES.has(key) ? json : bearer(json);
        for (const body of must(validBodies()[key], `valid bodies of ${key}`)) {
          for (const s of spoilBody(body)) {
            count++;
            const label = `${key} ${s.label}`;
            if (s.strict) {
              faults.push(
                ...(await refused(label, () => send(r.method, fill(r.path), { payload: s.body, headers }))),
              );
            } else {
              const res = await send(r.method, fill(r.path), { payload: s.body, headers });
              if (res.statusCode >= 400) faults.push(...problemFaults(res).map((f) => `${label}: ${f}`));
            }
          }
        }
      }
      expect(count).toBeGreaterThan(300);
      expect(faults).toEqual([]);
    });

    it('refuses odd path parameters and unknown ids on every route', async () => {
      const faults: string[] = [];
      const odd: [string, string][] = [
        ['NUL', '%00'],
        ['dot-dot', '..'],
        ['encoded dot-dot', '%2e%2e'],
        ['encoded slash', 'a%2Fb'],
        ['space', 'a%20b'],
        ['quote', "a'%20OR%20'1'='1"],
        ['emoji', '%F0%9F%8C%B1'],
        ['encoded lone surrogate', '%ED%A0%80'],
        ['bad percent-encoding', '%ZZ'],
        ['truncated percent-encoding', 'a%E2%82'],
        ['65 characters', 'x'.repeat(65)],
        ['5000 characters', 'x'.repeat(5000)],
        ['negative', '-1'],
        ['exponent', '1e3'],
      ];
      for (const r of routes.filter((x) => x.params.length > 0)) {
        const key = `${r.method} ${r.path}`;
        const payload = bodyFor(r);
        for (const param of r.params) {
          for (const [what, value] of odd) {
            const url = fill(r.path, { [param]: value });
            // '-1' is a well-formed id; everywhere else these are refused by the schema.
            faults.push(
              ...(await refused(`${key} ${param}=${what}`, () =>
                send(r.method, url, { payload, headers: bearer(payload ? json : {}) }),
              )),
            );
          }
          const unknown = param === 'seq' ? '999999' : 'does-not-exist';
          const code = {
            id: 'commons_not_found',
            pid: 'proposal_not_found',
            tokenId: 'token_not_found',
            seq: 'record_not_found',
            rid: 'review_not_found',
          }[param];
          faults.push(
            ...(await refused(
              `${key} unknown ${param}`,
              () =>
                send(r.method, fill(r.path, { [param]: unknown }), {
                  payload,
                  headers: bearer(payload ? json : {}),
                }),
              {
                status: 404,
                code,
              },
            )),
          );
        }
      }
      expect(faults).toEqual([]);
    });

    it('refuses odd query values and unknown query parameters', async () => {
      const faults: string[] = [];
      for (const r of routes.filter((x) => x.query.length > 0)) {
        const key = `${r.method} ${r.path}`;
        const base = fill(r.path);
        faults.push(
          ...(await refused(`${key} ?zzz=1`, () => send(r.method, `${base}?zzz=1`, { headers: bearer() }), {
            status: 400,
            code: 'invalid_request',
          })),
        );
        for (const q of r.query) {
          // A search by text takes any word; control characters and an empty search are still refused.
          const freeText = FREE_TEXT_QUERY.has(`${key} ${q}`);
          if (freeText) {
            for (const value of ['-1', 'abc', '1e3', '1.5', '99999999999999999999', '%ZZ']) {
              const res = await send(r.method, `${base}?${q}=${value}`, { headers: bearer() });
              if (res.statusCode !== 200) faults.push(`${key} ?${q}=${value}: ${res.statusCode} ${res.body}`);
            }
          }
          for (const value of freeText
            ? ['%00', '', 'open%00']
            : ['-1', 'abc', '1e3', '1.5', '99999999999999999999', '%00', '', '%ZZ', 'open%00']) {
            faults.push(
              ...(await refused(
                `${key} ?${q}=${value}`,
                () => send(r.method, `${base}?${q}=${value}`, { headers: bearer() }),
                { status: 400 },
              )),
            );
          }
          faults.push(
            ...(await refused(
              `${key} ?${q} twice`,
              () => send(r.method, `${base}?${q}=1&${q}=2`, { headers: bearer() }),
              { status: 400 },
            )),
          );
        }
      }
      expect(faults).toEqual([]);
      // Large but well-formed values are answered, not failed.
      for (const url of [
        `/api/v1/commons/${commonsId}/log?from=999999999999&limit=9999`,
        `/api/v1/commons/${commonsId}/log?limit=0`,
      ]) {
        const r = await send('GET', url);
        expect(r.statusCode, url).toBe(200);
      }
      const proof = await send('GET', `/api/v1/commons/${commonsId}/log/proof/0?size=999999999999`);
      expect(proof.statusCode).toBe(404);
      expect(proof.json().code).toBe('record_not_found');
    });

    it('stores other unicode exactly (emoji, combining marks, bidi controls, tabs) and keeps the log verifiable', async () => {
      const title = '🌱 Ünïcödé e\u0301 \u202eRTL\u202c 𝒜\tend \u0001';
      const r = await ada.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
        title,
        body: 'ℕ ∑ 中文 \u200b',
        action: { kind: 'resolution', text: '𝄞' },
      });
      expect(r.statusCode, r.body).toBe(201);
      const back = (await ada.call('GET', `/api/v1/commons/${commonsId}/proposals/${r.json().id}`)).json();
      expect(back.title).toBe(title.trim());
      expect(back.action.text).toBe('𝄞');
      // Invalid UTF-8 bytes in the body are refused (they were silently stored as U+FFFD).
      const bytes = Buffer.concat([
        Buffer.from('{"title":"bad '),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('","action":{"kind":"resolution","text":"x"}}'),
      ]);
      const b = await send('POST', `/api/v1/commons/${commonsId}/proposals`, {
        raw: bytes,
        headers: bearer(json),
      });
      expect(b.statusCode, b.body).toBe(400);
      expect(b.json().code).toBe('invalid_utf8');
      for (const id of await t.ctx.store.listCommonsIds()) {
        expect((await send('GET', `/api/v1/commons/${id}/log/verify`)).json(), id).toMatchObject({
          ok: true,
        });
      }
    });

    it('answers unknown /api paths and methods with a problem', async () => {
      const faults: string[] = [];
      for (const [method, url] of [
        ['GET', '/api/v1/nope'],
        ['GET', '/api/nope'],
        ['POST', '/api/v1/nope'],
        ['DELETE', '/api/v1/commons'],
        ['PUT', `/api/v1/commons/${commonsId}`],
        ['GET', `/api/v1/commons/${commonsId}/log/proof`],
        ['GET', '/api/v2/commons'],
        ['OPTIONS', '/api/v1/commons'],
        ['GET', '/api/v1/../../etc/passwd'],
        ['GET', `/api/v1/commons/${commonsId}/proposals/${pid}/x/y/z`],
      ] as [Method, string][]) {
        faults.push(
          ...(await refused(`${method} ${url}`, () => send(method, url, { headers: bearer() }), {
            status: 404,
            code: 'not_found',
          })),
        );
      }
      // What the router itself refuses still answers as a problem.
      faults.push(
        ...(await refused('bad percent-encoding', () => send('GET', '/api/v1/commons/%ZZ'), {
          status: 400,
          code: 'invalid_url',
        })),
      );
      faults.push(
        ...(await refused(
          'over-long path parameter',
          () => send('GET', `/api/v1/commons/${'x'.repeat(500)}`),
          { status: 414, code: 'uri_too_long' },
        )),
      );
      expect(faults).toEqual([]);
    });

    it('sends security headers on answers, problems and 404s, and keeps secrets out of caches', async () => {
      for (const r of [
        await send('GET', '/api/v1/health'),
        await send('GET', '/api/v1/nope'),
        await send('POST', '/api/v1/commons', { payload: {}, headers: json }),
        await ada.call('GET', '/api/v1/auth/session'),
      ]) {
        expect(r.headers['x-content-type-options']).toBe('nosniff');
        expect(r.headers['x-frame-options']).toBe('DENY');
        expect(r.headers['referrer-policy']).toBe('same-origin');
      }
      for (const r of [
        await ada.call('GET', '/api/v1/auth/session'),
        await ada.call('POST', '/api/v1/tokens', { name: 'cache' }),
      ]) {
        expect(r.headers['cache-control']).toMatch(/no-store/);
      }
    });

    it('hashes passwords with argon2id and never shows a hash, a token hash or a password', async () => {
      const account = await t.ctx.store.findAccountByEmail(ada.email);
      expect(account!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      const seen = [
        await ada.call('GET', '/api/v1/auth/session'),
        await ada.call('GET', '/api/v1/tokens'),
        await ada.call('GET', `/api/v1/commons/${commonsId}`),
        await ada.call('GET', `/api/v1/commons/${commonsId}/log`),
        await send('POST', '/api/v1/auth/signin', {
          payload: { email: ada.email, password: PASSWORD },
          headers: json,
        }),
      ]
        .map((r) => r.body)
        .join('\n');
      expect(seen).not.toMatch(/argon2|passwordHash|tokenHash|correct horse/);
      expect(seen).not.toContain(sha256(adaToken.token));
      // What anyone may read names members, but never their emails.
      const publicReads = await Promise.all(
        [
          `/api/v1/commons/${commonsId}`,
          `/api/v1/commons/${commonsId}/log?limit=1000`,
          `/api/v1/commons/${commonsId}/proposals`,
        ].map((url) => send('GET', url)),
      );
      for (const r of publicReads) expect(r.body).not.toMatch(/@example\.org/);
    });

    it('checks a password even for an unknown email, so timing does not tell who has an account', async () => {
      const spy = vi.spyOn(argon2, 'verify');
      try {
        const r = await send('POST', '/api/v1/auth/signin', {
          payload: { email: 'nobody@example.org', password: 'whatever it is' },
          headers: json,
        });
        expect(r.json().code).toBe('invalid_credentials');
        expect(spy).toHaveBeenCalledTimes(1);
      } finally {
        spy.mockRestore();
      }
    });

    it('sets the session cookie HttpOnly, SameSite=Lax, Path=/, with a lifetime; sign-out clears it and ends the session', async () => {
      const dan = await new Person(t.app, 'dan@example.org', 'Dan').signUp();
      const r = await send('POST', '/api/v1/auth/signin', {
        payload: { email: dan.email, password: PASSWORD },
        headers: json,
      });
      const setCookie = String(r.headers['set-cookie']);
      expect(setCookie).toMatch(/^peergov_session=[A-Za-z0-9_-]{32,};/);
      expect(setCookie).toMatch(/; HttpOnly/);
      expect(setCookie).toMatch(/; SameSite=Lax/);
      expect(setCookie).toMatch(/; Path=\//);
      expect(setCookie).toMatch(/; Max-Age=2592000/);
      expect(setCookie).not.toMatch(/Secure/);
      const out = await dan.call('POST', '/api/v1/auth/signout');
      expect(out.statusCode).toBe(204);
      expect(String(out.headers['set-cookie'])).toMatch(
        /^peergov_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/,
      );
      // The old cookie no longer works, neither to read who is signed in nor to write.
      expect((await dan.call('GET', '/api/v1/auth/session')).json()).toEqual({
        account: null,
        csrfToken: null,
      });
      const w = await dan.call('POST', '/api/v1/commons', { name: 'After', template: 'single-class' });
      expect(w.statusCode).toBe(401);
      expect(w.json().code).toBe('unauthenticated');
    });

    it('refuses an expired session', async () => {
      const token = 'expired-session-token-0123456789abcdef';
      await t.ctx.store.createSession({
        tokenHash: sha256(token),
        accountId: ada.id,
        csrfToken: 'expired-csrf',
        createdAt: new Date(Date.now() - 40 * 86_400_000).toISOString(),
        expiresAt: new Date(Date.now() - 1000).toISOString(),
      });
      const headers = { cookie: `peergov_session=${token}`, 'x-csrf-token': 'expired-csrf' };
      expect((await send('GET', '/api/v1/auth/session', { headers })).json()).toEqual({
        account: null,
        csrfToken: null,
      });
      const faults = await refused(
        'write with an expired session',
        () => send('POST', '/api/v1/tokens', { payload: { name: 'x' }, headers: { ...headers, ...json } }),
        {
          status: 401,
          code: 'unauthenticated',
        },
      );
      expect(faults).toEqual([]);
    });

    it('does not let a token create tokens, nor anyone delete the tokens of another', async () => {
      const faults = [
        ...(await refused(
          'token creating a token',
          () => send('POST', '/api/v1/tokens', { payload: { name: 'child' }, headers: bearer(json) }),
          { status: 403, code: 'session_required' },
        )),
        ...(await refused(
          "bob deleting ada's token",
          () => bob.call('DELETE', `/api/v1/tokens/${adaToken.id}`),
          { status: 404, code: 'token_not_found' },
        )),
      ];
      expect(faults).toEqual([]);
      const mine = await send('GET', '/api/v1/tokens', { headers: bearer() });
      expect(mine.json().map((x: { id: string }) => x.id)).toContain(adaToken.id);
      expect(JSON.stringify(mine.json())).not.toContain('pgv_');
    });

    it('refuses actions outside a member’s rights with the right code, writing nothing', async () => {
      const c = `/api/v1/commons/${commonsId}`;
      const faults = [
        ...(await refused(
          'non-member takes a position',
          () => cara.call('PUT', `${c}/proposals/${pid}/position`, { stance: 'agree' }),
          { status: 403, code: 'not_a_member' },
        )),
        ...(await refused(
          'non-member comments',
          () => cara.call('POST', `${c}/proposals/${pid}/comments`, { text: 'hi' }),
          { status: 403, code: 'not_a_member' },
        )),
        ...(await refused(
          'non-member proposes',
          () =>
            cara.call('POST', `${c}/proposals`, { title: 'x', action: { kind: 'resolution', text: 'y' } }),
          { status: 403, code: 'not_a_member' },
        )),
        ...(await refused('non-member leaves', () => cara.call('POST', `${c}/leave`), {
          status: 403,
          code: 'not_a_member',
        })),
        ...(await refused('non-member withdraws', () => cara.call('POST', `${c}/proposals/${pid}/withdraw`), {
          status: 403,
          code: 'not_proposer',
        })),
        ...(await refused(
          'member withdraws a proposal not theirs',
          () => bob.call('POST', `${c}/proposals/${pid}/withdraw`),
          { status: 403, code: 'not_proposer' },
        )),
        ...(await refused('member applies', () => bob.call('POST', `${c}/applications`, {}), {
          status: 409,
          code: 'already_member',
        })),
        ...(await refused(
          'apply with an unknown class',
          () => cara.call('POST', `${c}/applications`, { classes: ['nope'] }),
          { status: 422, code: 'unknown_class' },
        )),
        ...(await refused(
          'reply to an unknown comment',
          () => bob.call('POST', `${c}/proposals/${pid}/comments`, { text: 'hi', replyTo: 'k_nope' }),
          { status: 404, code: 'comment_not_found' },
        )),
        ...(await refused(
          'invite an unknown email',
          () =>
            bob.call('POST', `${c}/proposals`, {
              title: 'x',
              action: { kind: 'admit_member', email: 'ghost@example.org' },
            }),
          { status: 404, code: 'account_not_found' },
        )),
        ...(await refused(
          'invite an unknown account id',
          () =>
            bob.call('POST', `${c}/proposals`, {
              title: 'x',
              action: { kind: 'admit_member', accountId: 'a_ghost' },
            }),
          { status: 404, code: 'account_not_found' },
        )),
        ...(await refused(
          'invite without naming anyone',
          () => bob.call('POST', `${c}/proposals`, { title: 'x', action: { kind: 'admit_member' } }),
          { status: 400, code: 'invalid_request' },
        )),
        ...(await refused(
          'invite a member',
          () =>
            bob.call('POST', `${c}/proposals`, {
              title: 'x',
              action: { kind: 'admit_member', accountId: ada.id },
            }),
          { status: 409, code: 'already_member' },
        )),
        ...(await refused(
          'remove a non-member',
          () =>
            bob.call('POST', `${c}/proposals`, {
              title: 'x',
              action: { kind: 'remove_member', accountId: cara.id },
            }),
          { status: 404, code: 'member_not_found' },
        )),
        ...(await refused(
          'assign an unknown role',
          () =>
            bob.call('POST', `${c}/proposals`, {
              title: 'x',
              action: { kind: 'assign_role', roleId: 'nope', accountId: bob.id },
            }),
          { status: 404, code: 'role_not_found' },
        )),
        ...(await refused(
          'role id in capitals',
          () =>
            bob.call('POST', `${c}/proposals`, {
              title: 'x',
              action: { kind: 'create_role', roleId: 'Boss', name: 'Boss', mandate: [], termDays: null },
            }),
          { status: 422, code: 'invalid_action' },
        )),
        ...(await refused(
          'closesAt in the past',
          () =>
            bob.call('POST', `${c}/proposals`, {
              title: 'x',
              closesAt: '2000-01-01T00:00:00Z',
              action: { kind: 'resolution', text: 'y' },
            }),
          { status: 400 },
        )),
        ...(await refused(
          'closesAt in ten years',
          () =>
            bob.call('POST', `${c}/proposals`, {
              title: 'x',
              closesAt: '2099-01-01T00:00:00Z',
              action: { kind: 'resolution', text: 'y' },
            }),
          { status: 400 },
        )),
        ...(await refused('closesAt on a leap second', () =>
          bob.call('POST', `${c}/proposals`, {
            title: 'x',
            closesAt: `${new Date().getUTCFullYear() + 1}-06-30T23:59:60Z`,
            action: { kind: 'resolution', text: 'y' },
          }),
        )),
        ...(await refused(
          'closesAt on 30 February',
          () =>
            bob.call('POST', `${c}/proposals`, {
              title: 'x',
              closesAt: `${new Date().getUTCFullYear() + 1}-02-30T12:00:00Z`,
              action: { kind: 'resolution', text: 'y' },
            }),
          { status: 400 },
        )),
        ...(await refused(
          'blank title',
          () =>
            bob.call('POST', `${c}/proposals`, { title: '   ', action: { kind: 'resolution', text: 'y' } }),
          { status: 400, code: 'invalid_input' },
        )),
        ...(await refused(
          // The limit counts characters (code points) in the schema and the kernel alike.
          'title over the limit in characters, each two UTF-16 units',
          () =>
            bob.call('POST', `${c}/proposals`, {
              title: '𝒜'.repeat(201),
              action: { kind: 'resolution', text: 'y' },
            }),
          { status: 400 },
        )),
      ];
      expect(faults).toEqual([]);
    });

    it('refuses a position from a member who joined after the proposal opened, and a withdrawal twice', async () => {
      const c = `/api/v1/commons/${commonsId}`;
      // Cara applies; Ada and Bob admit her by agreeing (single-class admission needs no objection).
      const app = await cara.call('POST', `${c}/applications`, { statement: 'Let me in' });
      expect(app.statusCode, app.body).toBe(201);
      const twice = await refused('apply twice', () => cara.call('POST', `${c}/applications`, {}), {
        status: 409,
        code: 'already_applied',
      });
      expect(twice).toEqual([]);
      let admitted = await ada.call('PUT', `${c}/proposals/${app.json().id}/position`, { stance: 'agree' });
      if (admitted.json().status === 'open')
        admitted = await bob.call('PUT', `${c}/proposals/${app.json().id}/position`, { stance: 'agree' });
      expect(admitted.json().status, admitted.body).toBe('passed');
      expect((await cara.call('GET', c)).json().me.status).toBe('member');
      const faults = await refused(
        'late member takes a position',
        () => cara.call('PUT', `${c}/proposals/${pid}/position`, { stance: 'block' }),
        { status: 403, code: 'not_in_electorate' },
      );
      expect(faults).toEqual([]);
      const w = await ada.call('POST', `${c}/proposals/${pid}/withdraw`);
      expect(w.json().status).toBe('withdrawn');
      expect(
        await refused('withdraw twice', () => ada.call('POST', `${c}/proposals/${pid}/withdraw`), {
          status: 409,
          code: 'proposal_closed',
        }),
      ).toEqual([]);
      expect(
        await refused(
          'position on a withdrawn proposal',
          () => bob.call('PUT', `${c}/proposals/${pid}/position`, { stance: 'agree' }),
          { status: 409, code: 'proposal_closed' },
        ),
      ).toEqual([]);
    });

    it('does not let the last member leave', async () => {
      const solo = (await ada.call('POST', '/api/v1/commons', { name: 'Solo', template: 'do-ocracy' })).json()
        .id;
      expect(
        await refused('last member leaves', () => ada.call('POST', `/api/v1/commons/${solo}/leave`), {
          status: 409,
          code: 'last_member',
        }),
      ).toEqual([]);
    });
  });

  describe.skipIf(kind === 'postgres' && !pgOk)(`sign-in rate limit on ${kind}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await testApp(kind, { signInPerMinute: 3, secureCookies: true });
      await new Person(t.app, 'eve@example.org', 'Eve').signUp();
      await new Person(t.app, 'fay@example.org', 'Fay').signUp();
    });
    afterAll(async () => t?.close());

    const signIn = (email: string, password: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/signin', payload: { email, password } });

    it('limits attempts per address and email; even the right password waits; other people are not locked out', async () => {
      for (let i = 0; i < 3; i++)
        expect((await signIn('eve@example.org', 'wrong password')).json().code).toBe('invalid_credentials');
      const limited = await signIn('EVE@example.org', PASSWORD);
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(limited.json()).toMatchObject({ code: 'rate_limited', status: 429 });
      expect(limited.json().detail).toMatch(/wait/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const fay = await signIn('fay@example.org', PASSWORD);
      expect(fay.statusCode).toBe(200);
      expect(String(fay.headers['set-cookie'])).toMatch(/; Secure/);
    });
  });
}
