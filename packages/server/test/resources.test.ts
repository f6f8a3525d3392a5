// Resources through HTTP on both stores: a pool created and funded by proposals, spending governed by amount (a
// steward alone up to 200.00, consent above), the statement and its CSV with who decided each movement under which
// rule version, bookings of a room with no double booking under concurrent requests, and what is refused: a
// stranger, a member outside their rights, hostile pool ids, bad amounts (problem+json, nothing written).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../store/test/pg-available';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the resources API on PostgreSQL');

const BY_AMOUNT = {
  type: 'by_amount',
  unit: { code: 'EUR', exponent: 2 },
  bands: [
    { upTo: 20_000, procedure: { type: 'role', objectionHours: 0 } },
    { upTo: 200_000, procedure: { type: 'consent', hours: 72 } },
  ],
  otherwise: {
    type: 'vote',
    hours: 168,
    threshold: { num: 1, den: 2 },
    strict: true,
    quorum: { num: 1, den: 3 },
    abstentions: 'quorum_only',
  },
};

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`resources on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let bob: Person;
    let carol: Person;
    let c = '';

    const logSize = async () => (await ada.call('GET', `${c}/log?limit=1`)).json().size as number;
    /** Proposes `action`; when it stays open, Ada and Bob agree (consent or a vote: everyone has spoken). */
    const pass = async (title: string, action: unknown) => {
      const r = await ada.call('POST', `${c}/proposals`, { title, action });
      expect(r.statusCode, r.body).toBe(201);
      if (r.json().status === 'open') {
        await ada.call('PUT', `${c}/proposals/${r.json().id}/position`, { stance: 'agree' });
        const last = await bob.call('PUT', `${c}/proposals/${r.json().id}/position`, { stance: 'agree' });
        expect(last.json().status, last.body).toBe('passed');
      }
      return r.json().id as string;
    };

    beforeAll(async () => {
      t = await testApp(kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      bob = await new Person(t.app, 'bob@example.org', 'Bob').signUp();
      carol = await new Person(t.app, 'carol@example.org', 'Carol').signUp();
      const commons = await ada.call('POST', '/api/v1/commons', { name: 'Garden', template: 'single-class' });
      c = `/api/v1/commons/${commons.json().id}`;
      const application = await bob.call('POST', `${c}/applications`, {});
      await ada.call('PUT', `${c}/proposals/${application.json().id}/position`, { stance: 'agree' });
      // A steward (Ada) who may spend; spending by amount; a fund in euros with 1,000.00 in it.
      await pass('A steward', {
        kind: 'create_role',
        roleId: 'steward',
        name: 'Steward',
        mandate: ['spend'],
        termDays: null,
      });
      await pass('Ada stewards', { kind: 'assign_role', roleId: 'steward', accountId: ada.id });
      await pass('Spending by amount', { kind: 'amend_constitution', rules: { spend: BY_AMOUNT } });
      await pass('A fund', {
        kind: 'create_pool',
        pool: { id: 'fund', name: 'Fund', kind: 'money', unit: { code: 'EUR', exponent: 2 } },
      });
      await pass('Donation', {
        kind: 'record_income',
        poolId: 'fund',
        amount: 100_000,
        source: 'Village fair',
        evidence: 'Bank statement 2026-01, line 12',
      });
    });
    afterAll(async () => t?.close());

    it('lets the steward spend up to 200.00 alone, and sends more to consent', async () => {
      const small = await ada.call('POST', `${c}/proposals`, {
        title: 'Seeds',
        action: {
          kind: 'spend',
          poolId: 'fund',
          amount: '15000',
          to: { outside: 'Seed shop' },
          purpose: 'Seeds',
        },
      });
      expect(small.statusCode, small.body).toBe(201);
      expect(small.json()).toMatchObject({ status: 'passed', procedure: { type: 'role' } });
      const large = await ada.call('POST', `${c}/proposals`, {
        title: 'Greenhouse',
        action: {
          kind: 'spend',
          poolId: 'fund',
          amount: 50_000,
          to: { member: bob.id },
          purpose: 'Greenhouse',
        },
      });
      expect(large.json()).toMatchObject({ status: 'open', procedure: { type: 'consent', hours: 72 } });
      const statement = (await ada.call('GET', `${c}/pools/fund`)).json();
      expect(statement.pool.balance).toBe('85000');
    });

    it('shows the statement: balances, movements with who decided each under which rule version, a series', async () => {
      const list = await carol.call('GET', `${c}/pools`);
      expect(list.statusCode).toBe(200);
      expect(list.json().items).toMatchObject([
        { id: 'fund', kind: 'money', unit: { code: 'EUR', exponent: 2 } },
      ]);
      const r = await carol.call('GET', `${c}/pools/fund?limit=1`);
      expect(r.statusCode, r.body).toBe(200);
      const s = r.json();
      expect(s.balances).toEqual([
        { account: 'outside', label: 'outside', balance: '-85000', formatted: '-850.00 EUR' },
        { account: 'pool', label: 'pool', balance: '85000', formatted: '850.00 EUR' },
      ]);
      expect(s.movements.total).toBe(2);
      expect(s.movements.items).toMatchObject([
        {
          seq: 1,
          kind: 'income',
          formatted: '1,000.00 EUR',
          decision: { title: 'Donation', ruleVersion: 2 },
        },
      ]);
      const next = (await carol.call('GET', `${c}/pools/fund?limit=1&after=${s.movements.next}`)).json();
      expect(next.movements.items).toMatchObject([
        {
          seq: 2,
          kind: 'spend',
          counterparty: 'Seed shop',
          poolBalance: '85000',
          decision: { title: 'Seeds', procedure: 'role', decidedBy: ada.id, ruleVersion: 2 },
        },
      ]);
      expect(next.movements.next).toBeNull();
      expect(s.series.map((p: { balance: string }) => p.balance)).toEqual(['100000', '85000']);
      const bad = await carol.call('GET', `${c}/pools/fund?after=99`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('invalid_cursor');
    });

    it('exports the ledger as CSV, one row per entry, formulas defused', async () => {
      const r = await carol.call('GET', `${c}/pools/fund/ledger.csv`);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/csv/);
      const lines = r.body.trim().split('\r\n');
      expect(lines[0]).toBe(
        'seq,at,kind,account,amount_minor,amount,unit,purpose,counterparty,evidence,proposal,rule_version,decided_by,pool_balance_minor',
      );
      expect(lines).toHaveLength(5);
      expect(lines[1]).toMatch(
        /^1,[^,]+,income,outside,-100000,-1000\.00,EUR,Income from Village fair,Village fair,"?Bank statement 2026-01, line 12"?,/,
      );
      const sum = lines.slice(1).reduce((s, l) => s + BigInt(l.split(',')[4]!), 0n);
      expect(sum).toBe(0n);
    });

    it('refuses a stranger, and a member outside their rights, writing nothing', async () => {
      const before = await logSize();
      const stranger = await carol.call('POST', `${c}/proposals`, {
        title: 'Mine',
        action: { kind: 'spend', poolId: 'fund', amount: 100, to: { outside: 'Carol' }, purpose: 'Mine' },
      });
      expect(stranger.statusCode).toBe(403);
      expect(stranger.json().code).toBe('not_a_member');
      const anonymous = await t.app.inject({ method: 'GET', url: `${c}/pools/fund` });
      expect(anonymous.statusCode).toBe(200);
      expect(await logSize()).toBe(before);
      // Bob is no steward: his small spend waits for one (it is not paid), and he cannot spend what is not there.
      const small = await bob.call('POST', `${c}/proposals`, {
        title: 'Gloves',
        action: { kind: 'spend', poolId: 'fund', amount: 1_000, to: { member: bob.id }, purpose: 'Gloves' },
      });
      expect(small.json()).toMatchObject({ status: 'open', procedure: { type: 'role' } });
      const broke = await bob.call('POST', `${c}/proposals`, {
        title: 'Tractor',
        action: {
          kind: 'spend',
          poolId: 'fund',
          amount: 10_000_000,
          to: { member: bob.id },
          purpose: 'Tractor',
        },
      });
      expect(broke.statusCode).toBe(409);
      expect(broke.json()).toMatchObject({ code: 'insufficient_funds' });
      expect(broke.json().detail).toMatch(/holds 850\.00 EUR/);
      expect((await ada.call('GET', `${c}/pools/fund`)).json().pool.balance).toBe('85000');
    });

    it.each([
      [1.5, /whole number of minor units/],
      ['12,50', /digits/],
      [-100, /must not be negative/],
      ['99999999999999999999999', /beyond the largest amount/],
      [true, /amount/],
    ])('refuses an amount of %j with a clear error, writing nothing', async (amount, message) => {
      const before = await logSize();
      const r = await ada.call('POST', `${c}/proposals`, {
        title: 'Bad',
        action: { kind: 'spend', poolId: 'fund', amount, to: { outside: 'Shop' }, purpose: 'x' },
      });
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.json().detail).toMatch(message);
      expect(await logSize()).toBe(before);
    });

    it('treats hostile pool ids as ids: none is found until made, then it is an ordinary pool', async () => {
      for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const r = await carol.call('GET', `${c}/pools/${id}`);
        expect(r.statusCode, id).toBe(404);
        expect(r.json().code).toBe('pool_not_found');
        expect((await carol.call('GET', `${c}/pools/${id}/ledger.csv`)).statusCode).toBe(404);
        const spend = await ada.call('POST', `${c}/proposals`, {
          title: 'x',
          action: { kind: 'spend', poolId: id, amount: 1, to: { outside: 'x' }, purpose: 'x' },
        });
        expect(spend.statusCode).toBe(404);
        expect(spend.json().code).toBe('pool_not_found');
      }
      await pass('Proto points', {
        kind: 'create_pool',
        pool: { id: '__proto__', name: 'Points', kind: 'points', unit: { code: 'PTS', exponent: 0 } },
      });
      const r = await carol.call('GET', `${c}/pools/__proto__`);
      expect(r.statusCode).toBe(200);
      expect(r.json().pool).toMatchObject({ id: '__proto__', name: 'Points', balance: '0' });
      expect((await carol.call('GET', `${c}/pools`)).json().items.map((p: { id: string }) => p.id)).toEqual([
        'fund',
        '__proto__',
      ]);
    });

    it('books a room once however many ask for the same slot at once', async () => {
      await pass('A room', {
        kind: 'create_pool',
        pool: { id: 'hall', name: 'Hall', kind: 'space', usage: { maxAheadDays: 60, maxMinutes: 240 } },
      });
      const from = new Date(Date.now() + 2 * 86_400_000);
      from.setUTCMinutes(0, 0, 0);
      const until = new Date(from.getTime() + 2 * 3_600_000);
      const tries = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 === 0 ? ada : bob).call('POST', `${c}/proposals`, {
            title: `Booking ${i}`,
            action: {
              kind: 'book',
              poolId: 'hall',
              bookingId: `b${i}`,
              accountId: (i % 2 === 0 ? ada : bob).id,
              from: new Date(from.getTime() + (i % 3) * 30 * 60_000).toISOString(),
              until: until.toISOString(),
            },
          }),
        ),
      );
      const statuses = tries.map((r) => r.statusCode).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(11);
      for (const r of tries.filter((x) => x.statusCode === 409))
        expect(r.json().code).toBe('booking_conflict');
      const hall = (await carol.call('GET', `${c}/pools/hall`)).json();
      expect(hall.bookings.filter((b: { status: string }) => b.status === 'active')).toHaveLength(1);
      // Back to back is fine; a member the usage rules leave out is refused.
      const after = await bob.call('POST', `${c}/proposals`, {
        title: 'After',
        action: {
          kind: 'book',
          poolId: 'hall',
          bookingId: 'later',
          accountId: bob.id,
          from: until.toISOString(),
          until: new Date(until.getTime() + 3_600_000).toISOString(),
        },
      });
      expect(after.json().status, after.body).toBe('passed');
    });

    it('refuses a booking the usage rules do not allow', async () => {
      await pass('A tool for stewards', {
        kind: 'create_pool',
        pool: {
          id: 'drill',
          name: 'Drill',
          kind: 'thing',
          usage: { who: { who: 'roles', roles: ['steward'] }, maxAheadDays: 7, maxMinutes: 60 },
        },
      });
      const from = new Date(Date.now() + 86_400_000);
      const r = await bob.call('POST', `${c}/proposals`, {
        title: 'Drill',
        action: {
          kind: 'book',
          poolId: 'drill',
          bookingId: 'd1',
          accountId: bob.id,
          from: from.toISOString(),
          until: new Date(from.getTime() + 3_600_000).toISOString(),
        },
      });
      expect(r.statusCode).toBe(403);
      expect(r.json().code).toBe('not_allowed_to_book');
      const far = await ada.call('POST', `${c}/proposals`, {
        title: 'Drill',
        action: {
          kind: 'book',
          poolId: 'drill',
          bookingId: 'd2',
          accountId: ada.id,
          from: new Date(Date.now() + 30 * 86_400_000).toISOString(),
          until: new Date(Date.now() + 30 * 86_400_000 + 3_600_000).toISOString(),
        },
      });
      expect(far.statusCode).toBe(422);
      expect(far.json()).toMatchObject({ code: 'invalid_booking' });
      expect(far.json().detail).toMatch(/at most 7 days ahead/);
    });

    it('keeps the steward who asks from approving, where the constitution separates duties', async () => {
      await pass('Bob stewards too', { kind: 'assign_role', roleId: 'steward', accountId: bob.id });
      await pass('Two to sign', {
        kind: 'amend_constitution',
        rules: {
          spend: {
            ...BY_AMOUNT,
            bands: [{ upTo: 20_000, procedure: { type: 'role', objectionHours: 0, excludeProposer: true } }],
          },
        },
      });
      const asked = await ada.call('POST', `${c}/proposals`, {
        title: 'Twine',
        action: { kind: 'spend', poolId: 'fund', amount: 500, to: { outside: 'Shop' }, purpose: 'Twine' },
      });
      expect(asked.json()).toMatchObject({
        status: 'open',
        procedure: { type: 'role', excludeProposer: true },
        procedureText: expect.stringMatching(/other than the one who asks/),
      });
      const own = await ada.call('PUT', `${c}/proposals/${asked.json().id}/position`, { stance: 'agree' });
      expect(own.json().status).toBe('open');
      const approved = await bob.call('PUT', `${c}/proposals/${asked.json().id}/position`, {
        stance: 'agree',
      });
      expect(approved.json()).toMatchObject({ status: 'passed', outcome: { decidedBy: bob.id } });
    });
  });
}
