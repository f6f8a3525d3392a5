// Chambers through HTTP on both stores: a multi-stakeholder co-operative amends its constitution so that charter
// changes need every chamber, the guardians with a veto; bad chambers are refused (problem+json, nothing written);
// a charter proposal that fails in one chamber says why there, and one the guardians veto says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../store/test/pg-available';
import { closeAsIfLater } from './attack-kit';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the chambers API on PostgreSQL');

const majority = {
  type: 'vote',
  threshold: { num: 1, den: 2 },
  strict: true,
  quorum: { num: 1, den: 2 },
  abstentions: 'quorum_only',
};
const CHAMBERS = {
  type: 'chambers',
  hours: 48,
  chambers: [
    { classId: 'workers', rule: majority },
    { classId: 'users', rule: majority },
    { classId: 'community', rule: { type: 'consent' } },
    { classId: 'guardians', rule: majority, veto: true },
  ],
};

interface ChamberRow {
  classId: string;
  passed: boolean;
  vetoed: boolean;
  counts: Record<string, number>;
  reasons: { code: string; params: Record<string, unknown>; text: string }[];
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`chambers on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let bob: Person;
    let cy: Person;
    let dan: Person;
    let gil: Person;
    let hal: Person;
    let everyone: Person[] = [];
    let c = '';
    let commonsId = '';

    const logSize = async () => (await ada.call('GET', `${c}/log?limit=1`)).json().size as number;
    const charter = async (title: string) => {
      const r = await ada.call('POST', `${c}/proposals`, {
        title,
        action: {
          kind: 'adopt_charter',
          purpose: 'Grow and share',
          charter: `${title}: build on the meadow`,
        },
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    const take = (who: Person, pid: string, stance: string) =>
      who.call('PUT', `${c}/proposals/${pid}/position`, { stance });

    beforeAll(async () => {
      t = await testApp(kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      bob = await new Person(t.app, 'bob@example.org', 'Bob').signUp();
      cy = await new Person(t.app, 'cy@example.org', 'Cy').signUp();
      dan = await new Person(t.app, 'dan@example.org', 'Dan').signUp();
      gil = await new Person(t.app, 'gil@example.org', 'Gil').signUp();
      hal = await new Person(t.app, 'hal@example.org', 'Hal').signUp();
      everyone = [ada, bob, cy, dan, gil, hal];
      const commons = await ada.call('POST', '/api/v1/commons', {
        name: 'Meadow co-op',
        template: 'multi-stakeholder-coop',
        classes: ['workers'],
      });
      expect(commons.statusCode, commons.body).toBe(201);
      commonsId = commons.json().id;
      c = `/api/v1/commons/${commonsId}`;
      // Each applies in a class; Ada, the membership secretary, admits them; no one objects within three days.
      const joins: [Person, string[]][] = [
        [bob, ['workers']],
        [cy, ['users', 'community']],
        [dan, ['community']],
        [gil, ['guardians']],
        [hal, ['guardians']],
      ];
      for (const [who, classes] of joins) {
        const a = await who.call('POST', `${c}/applications`, { classes });
        expect(a.statusCode, a.body).toBe(201);
        const ok = await take(ada, a.json().id, 'agree');
        expect(ok.statusCode, ok.body).toBe(200);
      }
      expect(await closeAsIfLater(t, 4, commonsId)).toBe(5);
      const byClass = (await ada.call('GET', c)).json().memberCounts.byClass as {
        classId: string;
        members: number;
      }[];
      expect(Object.fromEntries(byClass.map((x) => [x.classId, x.members]))).toEqual({
        workers: 2,
        users: 1,
        community: 2,
        guardians: 2,
      });
    });
    afterAll(async () => t?.close());

    it('refuses chambers that do not fit the commons, saying what is wrong, writing nothing', async () => {
      const before = await logSize();
      // The kernel's check (422 invalid_procedure), or the request's schema (400) for a weight below 1.
      const cases: [unknown, RegExp, number][] = [
        [
          {
            ...CHAMBERS,
            chambers: [...CHAMBERS.chambers, { classId: '__proto__', rule: { type: 'consent' } }],
          },
          /no stakeholder class "__proto__" in this commons/,
          422,
        ],
        [{ ...CHAMBERS, chambers: CHAMBERS.chambers.slice(1) }, /"workers" has none/, 422],
        [
          {
            ...CHAMBERS,
            weighted: { threshold: { num: 1, den: 2 }, strict: true },
            chambers: CHAMBERS.chambers.map((x) => ({ ...x, weight: 0 })),
          },
          /weight/,
          400,
        ],
      ];
      for (const [rule, detail, status] of cases) {
        const r = await ada.call('POST', `${c}/proposals`, {
          title: 'Chambers',
          action: { kind: 'amend_constitution', rules: { adopt_charter: rule } },
        });
        expect(r.statusCode, r.body).toBe(status);
        if (status === 422) expect(r.json().code).toBe('invalid_procedure');
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(r.json().detail ?? JSON.stringify(r.json())).toMatch(detail);
      }
      expect(await logSize()).toBe(before);
    });

    it('amends the constitution: charter changes need every chamber, the guardians can veto', async () => {
      const r = await ada.call('POST', `${c}/proposals`, {
        title: 'Chambers for the charter',
        action: { kind: 'amend_constitution', rules: { adopt_charter: CHAMBERS } },
      });
      expect(r.statusCode, r.body).toBe(201);
      let last = r;
      for (const who of everyone) last = await take(who, r.json().id, 'agree');
      expect(last.json().status).toBe('passed');
      const commons = (await ada.call('GET', c)).json();
      expect(commons.constitution.rules.adopt_charter).toEqual(CHAMBERS);
      expect(
        commons.constitution.text.find((x: { kind: string }) => x.kind === 'adopt_charter').text,
      ).toMatch(/in Guardians of the natural environment, more than half of its votes agree.*can veto/);
    });

    it('a charter change that fails in the users chamber shows why there', async () => {
      const pid = await charter('Users say no');
      for (const who of [ada, bob, dan, gil, hal]) await take(who, pid, 'agree');
      const done = await take(cy, pid, 'disagree');
      expect(done.json().status).toBe('rejected');
      const p = (await ada.call('GET', `${c}/proposals/${pid}`)).json();
      expect(p.outcome.passed).toBe(false);
      expect(p.outcome.reasons).toEqual([
        expect.objectContaining({ code: 'chamber_failed', params: { chamber: 'users' } }),
      ]);
      const rows = p.outcome.chambers.chambers as ChamberRow[];
      expect(rows.map((x) => [x.classId, x.passed])).toEqual([
        ['workers', true],
        ['users', false],
        ['community', true],
        ['guardians', true],
      ]);
      const users = rows.find((x) => x.classId === 'users')!;
      expect(users.counts).toMatchObject({ electorate: 1, agree: 0, disagree: 1 });
      expect(users.reasons[0]).toMatchObject({ code: 'threshold_not_met', params: { agree: 0, against: 1 } });
      // Cy is a user and in the community: their disagree counts in both (consent holds: no objection).
      expect(rows.find((x) => x.classId === 'community')!.counts).toMatchObject({ agree: 1, disagree: 1 });
      expect(p.outcome.chambers.weighted).toBeNull();
    });

    it('the guardians veto a charter change every other chamber agreed to', async () => {
      const pid = await charter('Guardians say no');
      for (const who of [ada, bob, cy, dan]) await take(who, pid, 'agree');
      await take(gil, pid, 'block');
      const done = await take(hal, pid, 'disagree');
      expect(done.json().status).toBe('rejected');
      const p = (await ada.call('GET', `${c}/proposals/${pid}`)).json();
      expect(p.outcome.reasons.map((r: { code: string }) => r.code)).toEqual(['chamber_failed', 'vetoed']);
      const guardians = (p.outcome.chambers.chambers as ChamberRow[]).find((x) => x.classId === 'guardians')!;
      expect(guardians).toMatchObject({ vetoed: true, counts: { block: 1, disagree: 1, electorate: 2 } });
    });

    it('a charter change that passes in every chamber is adopted, and the log verifies', async () => {
      const pid = await charter('Everyone agrees');
      let last;
      for (const who of everyone) last = await take(who, pid, 'agree');
      expect(last!.json().status).toBe('passed');
      const commons = (await ada.call('GET', c)).json();
      expect(commons.charter).toMatch(/Everyone agrees/);
      const verify = await ada.call('GET', `${c}/log/verify`);
      expect(verify.statusCode, verify.body).toBe(200);
      expect(verify.json().ok).toBe(true);
    });

    it('OpenAPI documents the chambers procedure and the outcome chamber by chamber', async () => {
      const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
      const text = JSON.stringify(doc);
      expect(text).toContain('"chambers"');
      expect(text).toContain('A majority of its votes cast against (disagree, block) vetoes');
      expect(text).toContain('vetoed');
    });
  });
}
