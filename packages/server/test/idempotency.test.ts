import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyRequest, type LightMyRequestResponse } from 'fastify';
import { IDEMPOTENCY_WINDOW_MS, IdempotencyKeys } from '../src/idempotency';
import { requirePostgres } from '../../store/test/pg-available';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the Idempotency-Key suite on PostgreSQL');

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`Idempotency-Key on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let bob: Person;
    let commonsId: string;

    beforeAll(async () => {
      t = await testApp(kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      bob = await new Person(t.app, 'bob@example.org', 'Bob').signUp();
      const r = await ada.call('POST', '/api/v1/commons', { name: 'Garden', template: 'single-class' });
      commonsId = r.json().id;
    });
    afterAll(async () => t?.close());

    const post = (
      who: Person,
      url: string,
      payload: unknown,
      key?: string,
    ): Promise<LightMyRequestResponse> =>
      t.app.inject({
        method: 'POST',
        url,
        headers: {
          cookie: who.cookie,
          'x-csrf-token': who.csrf,
          ...(key === undefined ? {} : { 'idempotency-key': key }),
        },
        payload: payload as object,
      });
    const proposals = async () =>
      (await ada.call('GET', `/api/v1/commons/${commonsId}/proposals`)).json() as {
        id: string;
        title: string;
      }[];
    const logSize = async () =>
      (await ada.call('GET', `/api/v1/commons/${commonsId}/log?limit=1`)).json().size;
    const proposal = (title: string) => ({ title, action: { kind: 'resolution', text: 'Plant beans' } });

    it('answers three clicks at once with one key by one proposal, the same answer three times', async () => {
      const url = `/api/v1/commons/${commonsId}/proposals`;
      const before = await logSize();
      const answers = await Promise.all([1, 2, 3].map(() => post(ada, url, proposal('Beans'), 'click-1')));
      expect(answers.map((r) => r.statusCode)).toEqual([201, 201, 201]);
      expect(new Set(answers.map((r) => r.json().id)).size).toBe(1);
      expect(answers.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(2);
      expect((await proposals()).filter((p) => p.title === 'Beans')).toHaveLength(1);
      const after = await logSize();
      expect(after).toBeGreaterThan(before);

      // Later, the same key again: the first answer, nothing written.
      const again = await post(ada, url, proposal('Beans'), 'click-1');
      expect(again.statusCode).toBe(201);
      expect(again.headers['content-type']).toContain('application/json');
      expect(again.json()).toEqual(answers[0]!.json());
      expect(await logSize()).toBe(after);
    });

    it('writes again for a new key, or without one', async () => {
      const url = `/api/v1/commons/${commonsId}/proposals`;
      await post(ada, url, proposal('Peas'), 'click-2');
      await post(ada, url, proposal('Peas'), 'click-3');
      await post(ada, url, proposal('Peas'));
      expect((await proposals()).filter((p) => p.title === 'Peas')).toHaveLength(3);
    });

    it('refuses a key used again for another request, writing nothing', async () => {
      const url = `/api/v1/commons/${commonsId}/proposals`;
      const before = await logSize();
      const r = await post(ada, url, proposal('Not beans'), 'click-1');
      expect(r.statusCode).toBe(422);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().code).toBe('idempotency_key_reused');
      const elsewhere = await post(ada, `/api/v1/commons/${commonsId}/leave`, {}, 'click-1');
      expect(elsewhere.json().code).toBe('idempotency_key_reused');
      expect(await logSize()).toBe(before);
    });

    it("keeps each account's keys apart", async () => {
      const r = await post(bob, '/api/v1/commons', { name: 'Orchard', template: 'single-class' }, 'click-1');
      expect(r.statusCode).toBe(201);
      expect(r.headers['idempotent-replayed']).toBeUndefined();
      expect(r.json().name).toBe('Orchard');
    });

    it('refuses a malformed key with a clear 400, writing nothing', async () => {
      const url = `/api/v1/commons/${commonsId}/proposals`;
      const before = await logSize();
      for (const key of ['', 'x'.repeat(256), 'with space', 'tab\there']) {
        const r = await t.app.inject({
          method: 'POST',
          url,
          headers: {
            cookie: ada.cookie,
            'x-csrf-token': ada.csrf,
            'idempotency-key': key,
          },
          payload: proposal('Bad key'),
        });
        expect(r.statusCode, JSON.stringify(key)).toBe(400);
        expect(r.json().code).toBe('invalid_idempotency_key');
        expect(r.json().detail).toMatch(/Idempotency-Key/);
      }
      expect(await logSize()).toBe(before);
    });

    it('replays a refusal as it was, and never to a request without the CSRF token', async () => {
      const url = `/api/v1/commons/${commonsId}/proposals`;
      const first = await post(bob, url, proposal('Outsider'), 'click-4');
      expect(first.statusCode).toBe(403);
      const again = await post(bob, url, proposal('Outsider'), 'click-4');
      expect(again.statusCode).toBe(403);
      expect(again.json()).toEqual(first.json());
      const forged = await t.app.inject({
        method: 'POST',
        url: `/api/v1/commons/${commonsId}/proposals`,
        headers: { cookie: ada.cookie, 'idempotency-key': 'click-1' },
        payload: proposal('Beans'),
      });
      expect(forged.statusCode).toBe(403);
      expect(forged.json().code).toBe('csrf_failed');
    });
  });
}

describe('the keys kept', () => {
  const appWith = async (keys: IdempotencyKeys) => {
    const app = Fastify({ logger: false });
    app.decorateRequest('caller', null as never);
    app.addHook('onRequest', async (request) => {
      request.caller = {
        account: { id: String(request.headers['x-account']) },
      } as unknown as FastifyRequest['caller'];
    });
    keys.register(app);
    let writes = 0;
    app.post('/api/v1/write', async () => ({ write: ++writes, pad: 'x'.repeat(60) }));
    await app.ready();
    const post = async (key: string, account = 'a') =>
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/write',
          headers: { 'idempotency-key': key, 'x-account': account },
          payload: {},
        })
      ).json().write as number;
    return { app, post };
  };

  it('forgets the oldest answers beyond a bound on their bytes, and keys after the window', async () => {
    let now = 0;
    const keys = new IdempotencyKeys(() => now, 200);
    const { app, post } = await appWith(keys);
    expect(await post('k1')).toBe(1);
    expect(await post('k1')).toBe(1);
    expect(await post('k2')).toBe(2);
    expect(await post('k3')).toBe(3);
    expect(keys.keptBytes).toBeLessThanOrEqual(200);
    // k1, the oldest, was forgotten to stay within the bound: sent again it writes again.
    expect(await post('k1')).toBe(4);
    expect(await post('k3')).toBe(3);
    now += IDEMPOTENCY_WINDOW_MS + 1;
    expect(await post('k3')).toBe(5);
    await app.close();
  });
});
