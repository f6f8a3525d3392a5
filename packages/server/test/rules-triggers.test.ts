// Rules for rules through HTTP on both stores: the templates with when each suits and what it gives up; a founder
// with planned devolution whose twelfth admission changes the rules in the same commit (the log shows the firing
// and its reason, the constitution the version it made); review dates of a rule and a decision opened by the closer
// with a moved clock, answered by members (strangers refused, bad answers told); a sunset that lapses; bad triggers
// refused with problem+json, nothing written.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDueProposals } from '../src/closer';
import { requirePostgres } from '../../store/test/pg-available';
import { must, Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the rules-for-rules API on PostgreSQL');
const DAY = 86_400_000;

function expectProblem(r: LightMyRequestResponse, status: number, code: string): void {
  expect(r.statusCode, r.body).toBe(status);
  expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(r.json()).toMatchObject({ status, code });
}

interface LogRecord {
  seq: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`rules for rules on ${kind}`, () => {
    let t: TestApp;
    let clock = Date.parse('2030-03-01T09:00:00.000Z');
    let n = 0;
    const person = async (name: string) =>
      new Person(t.app, `${name.toLowerCase()}-${++n}@example.org`, name).signUp();
    beforeAll(async () => {
      t = await testApp(kind, { clock: () => new Date(clock) });
    });
    afterAll(() => t.close());

    const found = async (founder: Person, template = 'founder-devolution') => {
      const c = await founder.call('POST', '/api/v1/commons', { name: `Garden ${++n}`, template });
      expect(c.statusCode, c.body).toBe(201);
      return c.json().id as string;
    };
    const commons = async (p: Person, id: string) => (await p.call('GET', `/api/v1/commons/${id}`)).json();
    const log = async (p: Person, id: string): Promise<LogRecord[]> =>
      (await p.call('GET', `/api/v1/commons/${id}/log?limit=1000`)).json().records;
    const amend = (p: Person, id: string, action: Record<string, unknown>) =>
      p.call('POST', `/api/v1/commons/${id}/proposals`, {
        title: 'Rules for rules',
        action: { kind: 'amend_constitution', rules: {}, ...action },
      });

    it('lists at least eight templates, each with when it suits, what it gives up and its triggers in words', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/v1/templates' });
      expect(r.statusCode).toBe(200);
      const all = r.json() as { id: string; suits: string; givesUp: string; triggers: { text: string }[] }[];
      expect(all.length).toBeGreaterThanOrEqual(8);
      for (const tpl of all) {
        expect(tpl.suits.length, tpl.id).toBeGreaterThan(20);
        expect(tpl.givesUp.length, tpl.id).toBeGreaterThan(20);
      }
      expect(all.map((x) => x.id)).toEqual(
        expect.arrayContaining([
          'do-ocracy',
          'founder-devolution',
          'consensus-circle',
          'sociocratic-circles',
          'elected-board',
          'multi-stakeholder-coop',
          'liquid-democracy',
          'sortition-jury',
        ]),
      );
      const devolution = must(all.find((x) => x.id === 'founder-devolution'));
      expect(devolution.triggers.map((x) => x.text)).toEqual([
        expect.stringMatching(/change once the commons has 12 members\.$/),
      ]);
      const board = must(all.find((x) => x.id === 'elected-board'));
      expect(board.triggers[0]?.text).toMatch(/mandate of Board is not renewed within 365 days/);
    });

    it('the twelfth admission fires the trigger in its own commit, with the reason in the log and the page', async () => {
      const ada = await person('Ada');
      const id = await found(ada);
      const before = await commons(ada, id);
      expect(before.constitution.triggers).toMatchObject([
        { id: 'devolve-at-12', when: { type: 'members', atLeast: 12 }, dueAt: null },
      ]);
      expect(before.constitution.rules.resolution).toEqual({ type: 'role', objectionHours: 0 });
      const others = await Promise.all(Array.from({ length: 11 }, (_, i) => person(`M${i + 2}`)));
      for (const [i, other] of others.entries()) {
        // The founder holds the mandate: her proposal to admit is her decision.
        const p = await ada.call('POST', `/api/v1/commons/${id}/proposals`, {
          title: `Admit ${other.name}`,
          action: { kind: 'admit_member', email: other.email },
        });
        expect(p.statusCode, p.body).toBe(201);
        expect(p.json().status).toBe('passed');
        const c = await commons(ada, id);
        expect(c.constitution.version, `after member ${i + 2}`).toBe(i === 10 ? 2 : 1);
      }
      const after = await commons(ada, id);
      expect(after.memberCounts.byStatus.member).toBe(12);
      expect(after.constitution).toMatchObject({
        version: 2,
        adoptedBy: null,
        triggers: [],
        changedBy: {
          by: 'trigger',
          id: 'devolve-at-12',
          reason: { code: 'trigger_members', params: { members: 12, atLeast: 12 } },
        },
        rules: { resolution: { type: 'consent', hours: 72 } },
      });
      expect(after.history).toMatchObject([{ version: 1, changedBy: null }]);
      // In the log, right after the twelfth admission and in the same commit (one time for the append).
      const records = await log(ada, id);
      const fired = must(records.find((r) => r.type === 'RuleTriggered'));
      const admitted = must(records[fired.seq - 1]);
      expect(admitted.type).toBe('MemberAdmitted');
      expect(admitted.at).toBe(fired.at);
      expect(fired.data).toMatchObject({
        trigger: { id: 'devolve-at-12' },
        reason: { text: 'The commons reached 12 members; the rule changed at 12.' },
        constitution: { version: 2 },
      });
      // The log still verifies, and a fresh read of the commons is what the log proves.
      const verify = await ada.call('GET', `/api/v1/commons/${id}/log/verify`);
      expect(verify.json()).toMatchObject({ ok: true });
    });

    it('review dates of a rule and a decision open on their dates; members answer, others are refused', async () => {
      const ada = await person('Ada');
      const eve = await person('Eve');
      const id = await found(ada);
      const reviewAt = new Date(clock + 10 * DAY).toISOString();
      const a = await amend(ada, id, { reviews: [{ kind: 'resolution', at: reviewAt }] });
      expect(a.statusCode, a.body).toBe(201);
      expect(a.json().status).toBe('passed');
      expect((await commons(ada, id)).constitution.reviews).toEqual([{ kind: 'resolution', at: reviewAt }]);
      const r = await ada.call('POST', `/api/v1/commons/${id}/proposals`, {
        title: 'Plant beans',
        action: { kind: 'resolution', text: 'Plant beans by the wall' },
        reviewAt: new Date(clock + 20 * DAY).toISOString(),
      });
      expect(r.statusCode, r.body).toBe(201);
      const early = await ada.call('POST', `/api/v1/commons/${id}/proposals`, {
        title: 'Too early',
        action: { kind: 'resolution', text: 'x' },
        reviewAt: new Date(clock - DAY).toISOString(),
      });
      expectProblem(early, 422, 'invalid_review');
      // Nothing is due yet.
      await closeDueProposals(t.ctx.commons, new Date(clock));
      expect((await ada.call('GET', `/api/v1/commons/${id}/reviews`)).json().items).toEqual([]);
      clock += 10 * DAY;
      await closeDueProposals(t.ctx.commons, new Date(clock));
      let items = (await ada.call('GET', `/api/v1/commons/${id}/reviews`)).json().items;
      expect(items).toMatchObject([
        {
          subject: { type: 'rule', kind: 'resolution', proposalId: null },
          procedure: { type: 'role', objectionHours: 0 },
          decisions: [{ id: r.json().id, title: 'Plant beans', passed: true }],
          decisionCount: 1,
          counts: { yes: 0, partly: 0, no: 0 },
          mine: null,
          canAnswer: true,
        },
      ]);
      clock += 10 * DAY;
      await closeDueProposals(t.ctx.commons, new Date(clock));
      items = (await ada.call('GET', `/api/v1/commons/${id}/reviews`)).json().items;
      expect(items.map((x: { subject: { type: string } }) => x.subject.type)).toEqual(['decision', 'rule']);
      const rule = items[1].id as string;
      const url = `/api/v1/commons/${id}/reviews/${rule}/answer`;
      const ok = await ada.call('PUT', url, { answer: 'partly', comment: 'Fast, but only Ada decides' });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ mine: 'partly', counts: { partly: 1 } });
      const records = await log(ada, id);
      expect(records.at(-1)).toMatchObject({
        type: 'ReviewAnswered',
        data: { reviewId: rule, answer: 'partly', comment: 'Fast, but only Ada decides' },
      });
      const size = records.length;
      // A stranger with an account, a bad answer, a review that is not there (an inherited name too): refused.
      expectProblem(await eve.call('PUT', url, { answer: 'yes' }), 403, 'not_a_member');
      expect((await ada.call('PUT', url, { answer: 'maybe' })).statusCode).toBe(400);
      expectProblem(
        await ada.call('PUT', `/api/v1/commons/${id}/reviews/__proto__/answer`, { answer: 'yes' }),
        404,
        'review_not_found',
      );
      expect((await log(ada, id)).length).toBe(size);
    });

    it('a sunset lapses to its fallback unless renewed; bad triggers are refused and nothing is written', async () => {
      const ada = await person('Ada');
      const id = await found(ada);
      const at = new Date(clock + 5 * DAY).toISOString();
      const s = await amend(ada, id, {
        sunsets: [{ kind: 'resolution', at, fallback: { type: 'consent', hours: 48 } }],
      });
      expect(s.statusCode, s.body).toBe(201);
      expect((await commons(ada, id)).constitution.sunsets).toEqual([
        { kind: 'resolution', at, fallback: { type: 'consent', hours: 48 } },
      ]);
      const size = (await log(ada, id)).length;
      for (const [triggers, message] of [
        [
          [{ id: 'x', when: { type: 'members', atLeast: 0 }, rules: { resolution: { type: 'automatic' } } }],
          /from 2/,
        ],
        [
          [{ id: 'x', when: { type: 'class_size', classId: 'constructor', atLeast: 3 }, rules: {} }],
          /constructor/,
        ],
        [
          [{ id: '__proto__', when: { type: 'weather' }, rules: {} }],
          /members, date, class_size or mandate_lapse/,
        ],
      ] as const) {
        const r = await amend(ada, id, { triggers });
        expectProblem(r, 422, 'invalid_trigger');
        expect(r.json().detail).toMatch(message);
      }
      expect((await log(ada, id)).length).toBe(size);
      clock += 5 * DAY;
      await closeDueProposals(t.ctx.commons, new Date(clock));
      const c = await commons(ada, id);
      expect(c.constitution).toMatchObject({
        version: 3,
        sunsets: [],
        changedBy: { by: 'sunset', id: 'resolution', reason: { code: 'sunset' } },
        rules: { resolution: { type: 'consent', hours: 48 } },
      });
    });
  });
}
