// The OpenAPI document describes what every operation answers: each has a 2xx response schema, and in a small
// scenario each answer validates against its documented schema (Ajv, strict) with no field dropped on the way
// (Fastify serialises replies with these schemas, and a field missing from one would silently disappear).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, createContext, type AppContext } from '../src/index';
import { commonsView, proposalView } from '../src/views';
import { must, Person } from './harness';

type Doc = {
  paths: Record<string, Record<string, { responses?: Record<string, Response> }>>;
  components: { schemas: Record<string, unknown> };
};
type Response = { content?: Record<string, { schema?: unknown }> };

let app: FastifyInstance;
let ctx: AppContext;
let dataDir: string;
let doc: Doc;
let ajv: Ajv2020;
// What each handler returned, as JSON.stringify would write it, before Fastify serialised it with the schema.
const returned = new Map<string, unknown>();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'peergov-openapi-'));
  ctx = await createContext({ dataDir, port: 0, logLevel: 'silent', closeIntervalMs: 0 });
  app = await buildApp(ctx);
  app.addHook('onRequest', async (req) => {
    returned.delete(`${req.method} ${req.url}`);
  });
  app.addHook('preSerialization', async (req, _reply, payload) => {
    returned.set(`${req.method} ${req.url}`, JSON.parse(JSON.stringify(payload)));
    return payload;
  });
  await app.ready();
  doc = (await app.inject({ url: '/api/openapi.json' })).json();
  ajv = new Ajv2020({ strict: true, allErrors: true });
  // The document's components, under an id of their own: `#/components/schemas/X` becomes `components#/$defs/X`.
  ajv.addSchema({ $id: 'components', $defs: rebase(doc.components.schemas) });
});

afterAll(async () => {
  await app.close();
  await ctx.store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string'
        ? v.replace('#/components/schemas/', 'components#/$defs/')
        : rebase(v),
    ]),
  );
}

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, responses: op.responses ?? {} })),
  );

/** The answer is what the document says this operation answers with its status, and nothing was dropped. */
function checkAnswer(
  method: string,
  path: string,
  res: LightMyRequestResponse,
  expected?: unknown,
): Record<string, unknown> {
  const op = doc.paths[path]?.[method.toLowerCase()];
  expect(op, `${method} ${path} is documented`).toBeDefined();
  const documented = op!.responses?.[String(res.statusCode)];
  expect(documented, `${method} ${path} documents status ${res.statusCode}`).toBeDefined();
  const schema = documented!.content?.['application/json']?.schema;
  expect(schema, `${method} ${path} ${res.statusCode} has a schema`).toBeDefined();
  const body = res.json();
  const validate = ajv.compile(rebase(schema) as object);
  expect(validate(body), `${method} ${path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  const before = returned.get(`${res.raw.req.method} ${res.raw.req.url}`);
  // A handler that sent a pre-serialised string never reaches preSerialization: compared with the view instead.
  if (expected !== undefined) expect(body).toEqual(JSON.parse(JSON.stringify(expected)));
  else expect(before, `${method} ${path} was serialised from an object`).toBeDefined();
  if (before !== undefined && res.raw.req.url) expect(body).toEqual(before);
  return body;
}

describe('the OpenAPI document', () => {
  it('gives every operation a 2xx response with a schema (or no content for 204)', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(20);
    for (const { path, method, responses } of ops) {
      const ok = Object.keys(responses).filter((s) => /^2\d\d$/.test(s));
      expect(ok, `${method} ${path}`).toHaveLength(1);
      const [status] = ok;
      if (status === '204') continue;
      const content = responses[status!]!.content ?? {};
      expect(
        Object.values(content).some((c) => c.schema !== undefined),
        `${method} ${path} ${status}`,
      ).toBe(true);
      // Every operation documents its problem responses too.
      expect(
        Object.keys(responses).filter((s) => /^[45]\d\d$/.test(s)).length,
        `${method} ${path}`,
      ).toBeGreaterThan(0);
    }
  });

  it('names the shared problem schema Problem in components, as every error response refers to it', () => {
    const components = (doc as unknown as { components: { schemas: Record<string, unknown> } }).components
      .schemas;
    expect(Object.keys(components)).toContain('Problem');
    expect(Object.keys(components).filter((k) => /^def-\d+$/.test(k))).toEqual([]);
  });

  it('describes exactly what the operations of a scenario answer', async () => {
    const get = (url: string) => app.inject({ method: 'GET', url });
    checkAnswer('GET', '/api/v1/health', await get('/api/v1/health'));
    checkAnswer('GET', '/api/v1/setup', await get('/api/v1/setup'));
    checkAnswer('GET', '/api/v1/templates', await get('/api/v1/templates'));

    const signUp = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'ada@example.org', password: 'correct horse battery', displayName: 'Ada' },
    });
    checkAnswer('POST', '/api/v1/auth/signup', signUp);
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signin',
      payload: { email: 'ada@example.org', password: 'correct horse battery' },
    });
    checkAnswer('POST', '/api/v1/auth/signin', signIn);
    checkAnswer('GET', '/api/v1/auth/session', await get('/api/v1/auth/session'));

    const ada = await new Person(app, 'ada2@example.org', 'Ada').signUp();
    const bob = await new Person(app, 'bob@example.org', 'Bob').signUp();
    checkAnswer('GET', '/api/v1/auth/session', await ada.call('GET', '/api/v1/auth/session'));
    checkAnswer('POST', '/api/v1/tokens', await ada.call('POST', '/api/v1/tokens', { name: 'laptop' }));
    checkAnswer('GET', '/api/v1/tokens', await ada.call('GET', '/api/v1/tokens'));

    // A co-operative (classes, a role held by the founder) and a do-ocracy (admissions decided at once).
    const coop = checkAnswer(
      'POST',
      '/api/v1/commons',
      await ada.call('POST', '/api/v1/commons', { name: 'Coop', template: 'multi-stakeholder-coop' }),
    );
    const created = await ada.call('POST', '/api/v1/commons', { name: 'Garden', template: 'do-ocracy' });
    const id = String(checkAnswer('POST', '/api/v1/commons', created).id);
    const state = () => ctx.commons.get(id).then((s) => s!);

    const applied = await bob.call('POST', `/api/v1/commons/${id}/applications`, { statement: 'Hello' });
    const admission = String(applied.json().id);
    const now = () => new Date().toISOString();
    // Sent as a pre-serialised string: compared with the view itself.
    const s1 = await state();
    checkAnswer(
      'POST',
      '/api/v1/commons/{id}/applications',
      applied,
      proposalView(s1, must(s1.proposals[admission], `proposal ${admission}`), bob.id, now()),
    );
    expect(applied.json().outcome.passed).toBe(true);

    const proposed = await ada.call('POST', `/api/v1/commons/${id}/proposals`, {
      title: 'A role',
      action: {
        kind: 'create_role',
        roleId: 'gardener',
        name: 'Gardener',
        mandate: ['resolution'],
        termDays: null,
      },
    });
    const pid = String(proposed.json().id);
    const s2 = await state();
    checkAnswer(
      'POST',
      '/api/v1/commons/{id}/proposals',
      proposed,
      proposalView(s2, must(s2.proposals[pid], `proposal ${pid}`), ada.id, now()),
    );

    const position = await bob.call('PUT', `/api/v1/commons/${id}/proposals/${pid}/position`, {
      stance: 'disagree',
      reason: 'Not yet',
    });
    const s3 = await state();
    checkAnswer(
      'PUT',
      '/api/v1/commons/{id}/proposals/{pid}/position',
      position,
      proposalView(s3, must(s3.proposals[pid], `proposal ${pid}`), bob.id, now()),
    );
    const comment = await bob.call('POST', `/api/v1/commons/${id}/proposals/${pid}/comments`, {
      text: 'Why?',
    });
    const posted = checkAnswer('POST', '/api/v1/commons/{id}/proposals/{pid}/comments', comment);
    expect(posted.proposalId).toBe(pid);
    const one = `/api/v1/commons/${id}/proposals/${pid}/comments/${String(posted.id)}`;
    const ONE = '/api/v1/commons/{id}/proposals/{pid}/comments/{cid}';
    const edited = checkAnswer(
      'PATCH',
      ONE,
      await bob.call('PATCH', one, { text: `Why, @[Ada](${ada.id})?` }),
    );
    expect({ editCount: edited.editCount, mentions: edited.mentions }).toEqual({
      editCount: 1,
      mentions: [{ accountId: ada.id, displayName: 'Ada' }],
    });
    const detail = checkAnswer('GET', ONE, await get(one));
    expect((detail.history as { text: string }[]).map((h) => h.text)).toEqual(['Why?']);
    // Deleted, it keeps its place in the discussion (the lists below still count it).
    const deleted = checkAnswer('DELETE', ONE, await bob.call('DELETE', one));
    expect({ text: deleted.text, deleted: deleted.deletedAt !== null }).toEqual({ text: '', deleted: true });

    const s4 = await state();
    const commons = await ada.call('GET', `/api/v1/commons/${id}`);
    checkAnswer('GET', '/api/v1/commons/{id}', commons, commonsView(s4, ada.id));
    const coopState = (await ctx.commons.get(String(coop.id)))!;
    checkAnswer(
      'GET',
      '/api/v1/commons/{id}',
      await ada.call('GET', `/api/v1/commons/${coop.id}`),
      commonsView(coopState, ada.id),
    );
    checkAnswer('GET', '/api/v1/commons', await bob.call('GET', '/api/v1/commons'));
    checkAnswer('GET', '/api/v1/commons/{id}/proposals', await get(`/api/v1/commons/${id}/proposals`));
    for (const [who, p] of [
      [ada, pid],
      [bob, admission],
    ] as const) {
      checkAnswer(
        'GET',
        '/api/v1/commons/{id}/proposals/{pid}',
        await who.call('GET', `/api/v1/commons/${id}/proposals/${p}`),
        proposalView(s4, must(s4.proposals[p], `proposal ${p}`), who.id, now()),
      );
    }

    // The paged lists, a first page with a cursor and a last one, and a bad limit.
    const members = checkAnswer(
      'GET',
      '/api/v1/commons/{id}/members',
      await get(`/api/v1/commons/${id}/members?limit=1`),
    );
    expect(members.next).toEqual(expect.any(String));
    checkAnswer(
      'GET',
      '/api/v1/commons/{id}/members',
      await get(`/api/v1/commons/${id}/members?after=${encodeURIComponent(String(members.next))}`),
    );
    checkAnswer(
      'GET',
      '/api/v1/commons/{id}/members/{accountId}',
      await get(`/api/v1/commons/${id}/members/${bob.id}`),
    );
    for (const list of ['positions', 'comments']) {
      const page = checkAnswer(
        'GET',
        `/api/v1/commons/{id}/proposals/{pid}/${list}`,
        await get(`/api/v1/commons/${id}/proposals/${pid}/${list}`),
      );
      expect(page.total).toBe(1);
    }
    const badLimit = await get(`/api/v1/commons/${id}/members?limit=0`);
    expect(badLimit.statusCode).toBe(400);
    checkAnswer('GET', '/api/v1/commons/{id}/members', badLimit);

    checkAnswer('GET', '/api/v1/commons/{id}/log', await get(`/api/v1/commons/${id}/log?from=0&limit=50`));
    checkAnswer('GET', '/api/v1/commons/{id}/log/verify', await get(`/api/v1/commons/${id}/log/verify`));
    checkAnswer(
      'GET',
      '/api/v1/commons/{id}/log/checkpoint',
      await get(`/api/v1/commons/${id}/log/checkpoint`),
    );
    checkAnswer(
      'GET',
      '/api/v1/commons/{id}/log/proof/{seq}',
      await get(`/api/v1/commons/${id}/log/proof/1`),
    );
    const consistency = await get(`/api/v1/commons/${id}/log/consistency?from=2`);
    expect(checkAnswer('GET', '/api/v1/commons/{id}/log/consistency', consistency).proof).not.toEqual([]);

    const withdrawn = await ada.call('POST', `/api/v1/commons/${id}/proposals/${pid}/withdraw`);
    const s5 = await state();
    checkAnswer(
      'POST',
      '/api/v1/commons/{id}/proposals/{pid}/withdraw',
      withdrawn,
      proposalView(s5, must(s5.proposals[pid], `proposal ${pid}`), ada.id, now()),
    );
    checkAnswer('POST', '/api/v1/commons/{id}/leave', await bob.call('POST', `/api/v1/commons/${id}/leave`));

    // Problems too: a commons that is not there, a body refused.
    const missing = await get('/api/v1/commons/nope');
    expect(missing.statusCode).toBe(404);
    checkAnswer('GET', '/api/v1/commons/{id}', missing);
    const refused = await ada.call('POST', '/api/v1/commons', { name: '' });
    expect(refused.statusCode).toBe(400);
    checkAnswer('POST', '/api/v1/commons', refused);
  });
});
