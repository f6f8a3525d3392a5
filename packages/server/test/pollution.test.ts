// Prototype pollution and inherited-property confusion. Every route of /api/openapi.json gets the names every
// plain object inherits (__proto__, constructor, prototype, toString, hasOwnProperty, valueOf) in every id position
// (path parameters, query parameters) and every key position of its body (account ids, role ids, replyTo, classes,
// the kinds of amend_constitution.rules, objects with a "__proto__" or "constructor" own key). The answer is never a
// 5xx, a refusal is problem+json with a code and writes nothing, and no shared object (Object.prototype, Object,
// Object.prototype.toString...) ever gains a property. Then the known exploit: a change_role proposal for the role
// "__proto__" that passes.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../store/test/pg-available';
import {
  answerFaults,
  closeAsIfLater,
  codeOf,
  fillPath,
  foundWorld,
  person,
  loadRoutes,
  problemFaults,
  PROTO_NAMES,
  prototypeKeys,
  requiredQuery,
  restorePrototype,
  snapshot,
  type Route,
  type World,
  VOTE_ON_RESOLUTIONS,
} from './attack-kit';
import { testApp, type Person, type TestApp } from './harness';

/** Query parameters that are a search by free text (an inherited name is searched for like any word). */
const FREE_TEXT_QUERY = new Set(['GET /api/v1/commons/{id}/members q']);

const pgOk = await requirePostgres('the prototype pollution suite on PostgreSQL');

/** A copy of `body` with an own, enumerable `key` (even "__proto__") on the object at `path`. */
function withOwnKey(body: unknown, path: string[], key: string, value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  let at: Record<string, unknown> = copy;
  for (const p of path) at = at[p] as Record<string, unknown>;
  Object.defineProperty(at, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** An object with one own key, even "__proto__". */
function own(key: string, value: unknown): Record<string, unknown> {
  return withOwnKey({}, [], key, value) as Record<string, unknown>;
}

/** Paths of every object inside a body (the body itself is []). */
function objectPaths(body: unknown, path: string[] = []): string[][] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const out = [path];
  for (const [k, v] of Object.entries(body)) out.push(...objectPaths(v, [...path, k]));
  return out;
}

const SIGNUP = 'POST /api/v1/auth/signup';

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`prototype pollution on ${kind}`, () => {
    let t: TestApp;
    let w: World;
    let routes: Route[];
    let c: string;

    const validBodies = (): Record<string, unknown> => ({
      'POST /api/v1/auth/signin': { email: w.cara.email, password: 'correct horse battery' },
      'POST /api/v1/tokens': { name: 'script' },
      'POST /api/v1/commons': { name: 'Field', template: 'multi-stakeholder-coop', classes: ['users'] },
      'POST /api/v1/commons/{id}/applications': { displayName: 'Cara', classes: ['users'] },
      'POST /api/v1/commons/{id}/constitution/diff': {
        action: { kind: 'amend_constitution', rules: { resolution: { type: 'consent', hours: 24 } } },
      },
      'POST /api/v1/commons/{id}/proposals': {
        title: 'Votes',
        action: VOTE_ON_RESOLUTIONS,
      },
      'PUT /api/v1/commons/{id}/proposals/{pid}/position': { stance: 'agree', reason: 'Fine' },
      'PUT /api/v1/commons/{id}/proposals/{pid}/ballot': { ballot: { ranking: [] } },
      'POST /api/v1/commons/{id}/proposals/{pid}/nominations': { accountId: 'a1' },
      'PUT /api/v1/commons/{id}/delegations': { scope: { type: 'kind', kind: 'resolution' }, trustee: 'a1' },
      'POST /api/v1/commons/{id}/delegations/revoke': { scope: { type: 'commons' } },
      'POST /api/v1/commons/{id}/proposals/{pid}/comments': { text: 'Hello', replyTo: null },
      'PATCH /api/v1/commons/{id}/proposals/{pid}/comments/{cid}': { text: 'Hello again' },
      'PUT /api/v1/commons/{id}/reviews/{rid}/answer': { answer: 'partly', comment: 'Slow' },
      'POST /api/v1/auth/password-reset': { email: w.cara.email },
      'POST /api/v1/auth/password-reset/confirm': { token: 'x'.repeat(43), password: 'long enough pw' },
      'PATCH /api/v1/account': { locale: 'en' },
      'PATCH /api/v1/account/notifications': { settings: { decision: 'digest' } },
      'POST /api/v1/account/password': { currentPassword: 'not the one', newPassword: 'long enough pw' },
      'POST /api/v1/account/email': { email: 'elsewhere@example.org', password: 'not the one' },
      'POST /api/v1/account/email/confirm': { token: 'x'.repeat(43) },
      'POST /api/v1/commons/{id}/invitations': { classes: ['users'] },
      'POST /api/v1/invitations/lookup': { token: 'x'.repeat(43) },
      'POST /api/v1/invitations/accept': { token: 'x'.repeat(43) },
      'POST /api/v1/commons/{id}/replay': { rules: { resolution: { type: 'consent', hours: 1 } } },
    });

    /** Who sends a route's requests: Cara where a member could not (applying), else Ada. */
    const sender = (r: Route) => (r.key === 'POST /api/v1/commons/{id}/applications' ? w.cara : w.ada);

    const send = (who: Person | null, method: string, url: string, body?: unknown) =>
      t.app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });

    /**
     * Sends one attack; returns its faults. `strict`: it must be refused (and write nothing); otherwise it may be
     * accepted, but a refusal must still be a proper problem that writes nothing. Either way nothing shared changes.
     */
    const attack = async (
      label: string,
      strict: boolean,
      request: () => Promise<LightMyRequestResponse>,
      expected?: { status: number; code?: RegExp },
    ): Promise<string[]> => {
      const protoBefore = prototypeKeys();
      const before = await snapshot(t, [w.ada.id, w.bob.id, w.cara.id]);
      const r = await request();
      const faults = strict ? problemFaults(r) : answerFaults(r);
      if (expected && r.statusCode !== expected.status)
        faults.push(`expected ${expected.status}, got ${r.statusCode} ${r.body.slice(0, 160)}`);
      if (expected?.code && !expected.code.test(codeOf(r)))
        faults.push(`expected code ${String(expected.code)}, got "${codeOf(r)}"`);
      const polluted = restorePrototype(protoBefore);
      if (polluted.length > 0) faults.push(`polluted ${polluted.join(', ')}`);
      if (({} as Record<string, unknown>).description !== undefined) faults.push('({}).description is set');
      if (r.statusCode >= 400) {
        const after = await snapshot(t, [w.ada.id, w.bob.id, w.cara.id]);
        if (after !== before) faults.push(`a refused request wrote: ${before} -> ${after}`);
      }
      return faults.length > 0 ? [`${label}: ${faults.join('; ')}`] : [];
    };

    beforeAll(async () => {
      t = await testApp(kind, { signInPerMinute: 100_000 });
      w = await foundWorld(t);
      c = `/api/v1/commons/${w.commonsId}`;
      routes = await loadRoutes(t.app);
    });
    afterAll(async () => t?.close());

    it('knows a valid body for every route of the OpenAPI document that takes one', () => {
      const bodies = validBodies();
      expect(routes.length).toBeGreaterThanOrEqual(20);
      const missing = routes.filter((r) => r.hasBody && r.key !== SIGNUP && !(r.key in bodies));
      expect(missing.map((r) => r.key)).toEqual([]);
    });

    it('answers 404 (or 400 where the schema refuses the name) to an inherited name in every path parameter', async () => {
      const faults: string[] = [];
      for (const r of routes.filter((x) => x.params.length > 0)) {
        for (const param of r.params) {
          for (const name of PROTO_NAMES) {
            const url =
              fillPath(r.path, {
                id: w.commonsId,
                pid: w.pid,
                cid: w.cid,
                tokenId: w.tokenId,
                seq: '0',
                [param]: name,
              }) + requiredQuery(r);
            const body = r.hasBody ? validBodies()[r.key] : undefined;
            // Numbers only for seq: the schema refuses a name there (400); anywhere else nothing has that id.
            const expected = param === 'seq' ? { status: 400 } : { status: 404, code: /_not_found$/ };
            faults.push(
              ...(await attack(
                `${r.key} with ${param}=${name}`,
                true,
                () => send(sender(r), r.method, url, body),
                expected,
              )),
            );
          }
        }
      }
      expect(faults).toEqual([]);
    });

    it('refuses an inherited name in every query parameter (400)', async () => {
      const faults: string[] = [];
      for (const r of routes.filter((x) => x.query.length > 0)) {
        for (const q of r.query) {
          for (const name of PROTO_NAMES) {
            const rest = requiredQuery(r, q);
            const url = `${fillPath(r.path, { id: w.commonsId, pid: w.pid, cid: w.cid, tokenId: w.tokenId, seq: '0' })}${rest || '?'}${rest ? '&' : ''}${q}=${encodeURIComponent(name)}`;
            if (FREE_TEXT_QUERY.has(`${r.key} ${q}`)) {
              // A search for the name: answered, and it finds no one (no inherited entry is ever listed).
              const res = await send(w.ada, r.method, url);
              if (res.statusCode !== 200 || res.body !== '{"items":[],"next":null,"total":0}')
                faults.push(`${r.key} with ?${q}=${name}: ${res.statusCode} ${res.body}`);
              continue;
            }
            faults.push(
              ...(await attack(`${r.key} with ?${q}=${name}`, true, () => send(w.ada, r.method, url), {
                status: 400,
              })),
            );
          }
        }
      }
      expect(faults).toEqual([]);
    });

    it('refuses an inherited name as an account id, role id, class, mandate, rule kind, stance or reply', async () => {
      const faults: string[] = [];
      const propose = (action: unknown) => () =>
        send(w.bob, 'POST', `${c}/proposals`, { title: 'Attack', action });
      const role = 'membership-secretary';
      for (const n of PROTO_NAMES) {
        const cases: [string, boolean, () => Promise<LightMyRequestResponse>, number?][] = [
          ['admit_member accountId', true, propose({ kind: 'admit_member', accountId: n }), 404],
          [
            'admit_member classes',
            true,
            propose({ kind: 'admit_member', accountId: w.cara.id, classes: [n] }),
            422,
          ],
          ['remove_member accountId', true, propose({ kind: 'remove_member', accountId: n }), 404],
          [
            'create_role mandate',
            true,
            propose({ kind: 'create_role', roleId: 'gardener', name: 'G', mandate: [n], termDays: null }),
          ],
          ['change_role roleId', true, propose({ kind: 'change_role', roleId: n, description: 'x' }), 404],
          ['change_role mandate', true, propose({ kind: 'change_role', roleId: role, mandate: [n] })],
          ['assign_role roleId', true, propose({ kind: 'assign_role', roleId: n, accountId: w.bob.id }), 404],
          ['assign_role accountId', true, propose({ kind: 'assign_role', roleId: role, accountId: n }), 404],
          [
            'unassign_role roleId',
            true,
            propose({ kind: 'unassign_role', roleId: n, accountId: w.ada.id }),
            404,
          ],
          [
            'unassign_role accountId',
            true,
            propose({ kind: 'unassign_role', roleId: role, accountId: n }),
            404,
          ],
          [
            'amend_constitution rules key',
            true,
            propose({ kind: 'amend_constitution', rules: own(n, { type: 'automatic' }) }),
          ],
          [
            'amend_constitution procedure type',
            true,
            propose({ kind: 'amend_constitution', rules: { resolution: { type: n } } }),
          ],
          [
            'chambers classId',
            true,
            propose({
              kind: 'amend_constitution',
              rules: {
                resolution: {
                  type: 'chambers',
                  hours: 24,
                  chambers: [{ classId: n, rule: { type: 'consent' } }],
                },
              },
            }),
          ],
          ['action kind', true, propose({ kind: n })],
          [
            'application classes',
            true,
            () => send(w.cara, 'POST', `${c}/applications`, { classes: [n] }),
            422,
          ],
          [
            'commons classes',
            true,
            () =>
              send(w.cara, 'POST', '/api/v1/commons', {
                name: 'X',
                template: 'multi-stakeholder-coop',
                classes: [n],
              }),
          ],
          [
            'commons template',
            true,
            () => send(w.cara, 'POST', '/api/v1/commons', { name: 'X', template: n }),
          ],
          [
            'comment replyTo',
            true,
            () => send(w.bob, 'POST', `${c}/proposals/${w.pid}/comments`, { text: 'hi', replyTo: n }),
            404,
          ],
          [
            'position stance',
            true,
            () => send(w.bob, 'PUT', `${c}/proposals/${w.pid}/position`, { stance: n }),
            400,
          ],
          [
            'sign-in email',
            true,
            () => send(null, 'POST', '/api/v1/auth/signin', { email: n, password: 'correct horse battery' }),
          ],
          // A role may be called so: accepted or refused, it must not touch anything shared.
          [
            'create_role roleId',
            false,
            propose({ kind: 'create_role', roleId: n, name: 'R', mandate: ['resolution'], termDays: null }),
          ],
          ['token name', false, () => send(w.cara, 'POST', '/api/v1/tokens', { name: n })],
          ['comment text', false, () => send(w.bob, 'POST', `${c}/proposals/${w.pid}/comments`, { text: n })],
        ];
        for (const [what, strict, request, status] of cases) {
          faults.push(
            ...(await attack(
              `${what} = ${n}`,
              strict,
              request,
              status === undefined ? undefined : { status },
            )),
          );
        }
      }
      expect(faults).toEqual([]);
    });

    it('survives a "__proto__" or "constructor" own key in every object of every body', async () => {
      const faults: string[] = [];
      const bodies = validBodies();
      for (const r of routes.filter((x) => x.hasBody && x.key !== SIGNUP)) {
        const body = bodies[r.key];
        const url = fillPath(r.path, {
          id: w.commonsId,
          pid: w.pid,
          cid: w.cid,
          tokenId: w.tokenId,
          seq: '0',
        });
        for (const path of objectPaths(body)) {
          for (const [key, value] of [
            ['__proto__', { description: 'polluted', polluted: true, isAdmin: true }],
            ['constructor', { prototype: { polluted: true } }],
            ['prototype', { polluted: true }],
          ] as const) {
            faults.push(
              ...(await attack(`${r.key} with ${key} at body.${path.join('.')}`, false, () =>
                send(sender(r), r.method, url, withOwnKey(body, path, key, value)),
              )),
            );
          }
        }
      }
      expect(faults).toEqual([]);
    });

    it('signs up people whose names are inherited names', async () => {
      const faults: string[] = [];
      for (const n of PROTO_NAMES) {
        const before = prototypeKeys();
        try {
          const p = await person(t.app, `${n.replace(/_/g, 'u')}@example.org`, n);
          const session = await p.call('GET', '/api/v1/auth/session');
          if (session.json().account?.displayName !== n)
            faults.push(`${n}: session ${session.body.slice(0, 120)}`);
        } catch (e) {
          faults.push(`${n}: ${(e as Error).message.slice(0, 200)}`);
        }
        const polluted = restorePrototype(before);
        if (polluted.length > 0) faults.push(`${n}: polluted ${polluted.join(', ')}`);
      }
      expect(faults).toEqual([]);
    });

    it('is not polluted by a change_role proposal for an inherited role that passes (do-ocracy)', async () => {
      const faults: string[] = [];
      const before = prototypeKeys();
      const beforeNames = Object.getOwnPropertyNames(Object.prototype).sort();
      try {
        for (const n of PROTO_NAMES) {
          const founded = await w.cara.call('POST', '/api/v1/commons', {
            name: `Do ${n}`,
            template: 'do-ocracy',
          });
          expect(founded.statusCode, founded.body).toBe(201);
          const d = `/api/v1/commons/${founded.json().id}`;
          const sizeBefore = (await t.app.inject({ url: `${d}/log?limit=1` })).json().size;
          const r = await w.cara.call('POST', `${d}/proposals`, {
            title: 'Describe',
            action: { kind: 'change_role', roleId: n, description: 'x' },
          });
          if (r.statusCode !== 404 || codeOf(r) !== 'role_not_found') {
            faults.push(
              `change_role ${n}: expected 404 role_not_found, got ${r.statusCode} ${r.body.slice(0, 160)}`,
            );
          }
          if (r.statusCode === 201) {
            // Accepted: carry the attack through. Cara is the whole electorate: her consent settles it.
            const pos = await w.cara.call('PUT', `${d}/proposals/${r.json().id}/position`, {
              stance: 'agree',
            });
            if (pos.statusCode >= 500) faults.push(`change_role ${n}: position ${pos.statusCode}`);
            await closeAsIfLater(t, 10);
          } else {
            faults.push(...problemFaults(r).map((f) => `change_role ${n}: ${f}`));
            const sizeAfter = (await t.app.inject({ url: `${d}/log?limit=1` })).json().size;
            if (sizeAfter !== sizeBefore) faults.push(`change_role ${n}: log ${sizeBefore} -> ${sizeAfter}`);
          }
          const afterNames = Object.getOwnPropertyNames(Object.prototype).sort();
          if (JSON.stringify(afterNames) !== JSON.stringify(beforeNames))
            faults.push(
              `change_role ${n}: Object.prototype now has ${afterNames.filter((k) => !beforeNames.includes(k)).join(', ')}`,
            );
          if (({} as Record<string, unknown>).description !== undefined)
            faults.push(
              `change_role ${n}: ({}).description is ${String(({} as Record<string, unknown>).description)}`,
            );
          const polluted = restorePrototype(before);
          if (polluted.length > 0) faults.push(`change_role ${n}: polluted ${polluted.join(', ')}`);
        }
      } finally {
        restorePrototype(before);
      }
      expect(faults).toEqual([]);
    });

    it('still signs people up and in, and lets members propose, take positions and comment, after every attack', async () => {
      const gus = await person(t.app, 'gus@example.org', 'Gus');
      const signIn = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signin',
        payload: { email: w.bob.email, password: 'correct horse battery' },
      });
      expect(signIn.statusCode, signIn.body).toBe(200);
      const proposal = await w.bob.call('POST', `${c}/proposals`, {
        title: 'Plant apples',
        action: { kind: 'resolution', text: 'Apples' },
      });
      expect(proposal.statusCode, proposal.body).toBe(201);
      const pos = await w.ada.call('PUT', `${c}/proposals/${proposal.json().id}/position`, {
        stance: 'agree',
        reason: 'Good',
      });
      expect(pos.statusCode, pos.body).toBe(200);
      const comment = await w.bob.call('POST', `${c}/proposals/${proposal.json().id}/comments`, {
        text: 'Thanks',
      });
      expect(comment.statusCode, comment.body).toBe(201);
      const applied = await gus.call('POST', `${c}/applications`, { classes: ['community'] });
      expect(applied.statusCode, applied.body).toBe(201);
      const verify = await t.app.inject({ url: `${c}/log/verify` });
      expect(verify.json().ok, verify.body).toBe(true);
      expect(({} as Record<string, unknown>).description).toBeUndefined();
    });
  });
}
