// Rules for rules through HTTP on both stores: a draft amendment previewed as a plain-language difference with what
// would refuse it; a commons split into domains with different modes; an amendment that would lock the
// constitution refused with every reason in words (problem+json, nothing written); tiers decide an amendment's
// procedure and the entrenched tier refuses change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../store/test/pg-available';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the rules-for-rules API on PostgreSQL');

const consent = (hours: number) => ({ type: 'consent', hours });
const role = { type: 'role', objectionHours: 0 };
const doOcracy = { type: 'automatic', objectionHours: 48 };
const LOCKING = { amend_constitution: role, create_role: role, change_role: role, assign_role: role };
const DOMAINS = [
  { id: 'members', name: 'Membership', mode: 'peer', kinds: ['admit_member', 'remove_member'] },
  { id: 'ops', name: 'Operations', mode: 'do_ocracy', kinds: ['resolution'] },
];
const TIERS = {
  procedures: { policy: consent(24), constitutional: consent(48), entrenched: consent(96) },
  entrenchedBy: null,
  kinds: { remove_member: 'policy' },
};

interface Line {
  code: string;
  params: Record<string, string>;
  text: string;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`rules for rules on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let eve: Person;
    let c = '';
    const logSize = async () => (await ada.call('GET', `${c}/log?limit=1`)).json().size as number;
    const propose = (who: Person, action: Record<string, unknown>) =>
      who.call('POST', `${c}/proposals`, {
        title: 'Amend',
        action: { kind: 'amend_constitution', ...action },
      });

    beforeAll(async () => {
      t = await testApp(kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      eve = await new Person(t.app, 'eve@example.org', 'Eve').signUp();
      const r = await ada.call('POST', '/api/v1/commons', { name: 'Garden', template: 'single-class' });
      expect(r.statusCode, r.body).toBe(201);
      c = `/api/v1/commons/${r.json().id}`;
    });
    afterAll(async () => t?.close());

    it('shows a commons founded before tiers as it was: no tiers, no domains', async () => {
      const view = (await ada.call('GET', c)).json();
      expect(view.constitution.tiers).toBeNull();
      expect(view.constitution.domains).toEqual([]);
      expect(view.constitution.placement[0]).toEqual({ kind: 'admit_member', domain: null, tier: null });
    });

    it('previews a draft: its difference in plain words and the procedure that would decide it, writing nothing', async () => {
      const before = await logSize();
      const r = await eve.call('POST', `${c}/constitution/diff`, {
        action: { kind: 'amend_constitution', rules: { resolution: doOcracy }, domains: DOMAINS },
      });
      expect(r.statusCode, r.body).toBe(200);
      const preview = r.json();
      expect(preview.problems).toEqual([]);
      expect(preview.procedure).toMatchObject({ type: 'vote' });
      const lines = preview.lines as Line[];
      expect(lines[0]).toMatchObject({
        code: 'rule',
        params: { kind: 'resolution' },
        text: 'Decide anything else: was "Passes after 72 hours unless a member objects.", becomes "Happens when a member asks for it, unless a member objects within 48 hours."',
      });
      expect(lines.map((l) => l.code)).toEqual([
        'rule',
        'domain_added',
        'domain_added',
        'kind_domain',
        'kind_domain',
        'kind_domain',
      ]);
      expect(await logSize()).toBe(before);
    });

    it('refuses an amendment that would lock the constitution, with every reason in words, writing nothing', async () => {
      const before = await logSize();
      const preview = (
        await ada.call('POST', `${c}/constitution/diff`, {
          action: { kind: 'amend_constitution', rules: LOCKING },
        })
      ).json();
      const r = await propose(ada, { rules: LOCKING });
      expect(r.statusCode, r.body).toBe(422);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      const problem = r.json();
      expect(problem.code).toBe('constitution_locked');
      expect(problem.problems.map((p: Line) => p.code)).toEqual([
        'role_unfillable',
        'role_unfillable',
        'role_unfillable',
        'role_unfillable',
        'amendment_impossible',
      ]);
      for (const p of problem.problems as Line[]) expect(problem.detail).toContain(p.text);
      // The editor's preview lists the same problems before anyone proposes.
      expect(preview.problems).toEqual(problem.problems);
      expect(await logSize()).toBe(before);
    });

    it('splits the commons into domains with different modes; the proposal shows its difference first', async () => {
      const r = await propose(ada, { rules: { resolution: doOcracy }, domains: DOMAINS });
      expect(r.statusCode, r.body).toBe(201);
      const proposal = r.json();
      expect(proposal.status).toBe('open');
      expect(proposal.amendment.tier).toBeNull();
      expect((proposal.amendment.lines as Line[]).map((l) => l.code)).toContain('domain_added');
      const agreed = await ada.call('PUT', `${c}/proposals/${proposal.id}/position`, { stance: 'agree' });
      expect(agreed.json().status).toBe('passed');
      const view = (await ada.call('GET', c)).json();
      expect(view.constitution.domains).toEqual(DOMAINS);
      expect(view.constitution.placement).toContainEqual({ kind: 'resolution', domain: 'ops', tier: null });
      // Passed, the proposal still shows what it changed, from the version it was proposed under.
      const again = (await ada.call('GET', `${c}/proposals/${proposal.id}`)).json();
      expect(again.amendment.lines).toEqual(proposal.amendment.lines);
    });

    it("refuses a rule its domain's mode forbids, saying which and why", async () => {
      const vote = {
        type: 'vote',
        hours: 24,
        threshold: { num: 1, den: 2 },
        strict: true,
        quorum: { num: 0, den: 1 },
        abstentions: 'ignored',
      };
      const before = await logSize();
      const r = await propose(ada, { rules: { resolution: vote } });
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json()).toMatchObject({ code: 'invalid_domains', problems: [{ code: 'mode_forbids' }] });
      expect(r.json().detail).toMatch(/"Decide anything else" is in the domain "Operations"/);
      expect(await logSize()).toBe(before);
    });

    it('puts rules in tiers; then a policy rule takes the constitutional procedure, the entrenched refuses', async () => {
      const r = await propose(ada, {
        rules: {},
        tiers: { ...TIERS, kinds: { ...TIERS.kinds, adopt_charter: 'entrenched' } },
      });
      // Proposed as a move into an entrenched tier that never changes: refused; the same tiers without it pass.
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().problems).toEqual([expect.objectContaining({ code: 'moved_to_locked_tier' })]);
      const ok = await propose(ada, { rules: {}, tiers: TIERS });
      expect(ok.statusCode, ok.body).toBe(201);
      await ada.call('PUT', `${c}/proposals/${ok.json().id}/position`, { stance: 'agree' });
      const view = (await ada.call('GET', c)).json();
      expect(view.constitution.tiers).toMatchObject(TIERS);
      const policy = await propose(ada, { rules: { remove_member: consent(100) } });
      expect(policy.statusCode, policy.body).toBe(201);
      expect(policy.json()).toMatchObject({ procedure: consent(48), amendment: { tier: 'policy' } });
    });

    it('refuses a stranger’s amendment, and malformed drafts by their schema', async () => {
      expect((await propose(eve, { rules: { resolution: consent(1) } })).statusCode).toBe(403);
      for (const action of [
        {
          kind: 'amend_constitution',
          rules: {},
          domains: [{ id: 'a', name: 'A', mode: 'market', kinds: [] }],
        },
        {
          kind: 'amend_constitution',
          rules: {},
          tiers: { ...TIERS, kinds: JSON.parse('{"__proto__":"policy"}') },
        },
        { kind: 'amend_constitution', rules: {} },
      ]) {
        const r = await ada.call('POST', `${c}/constitution/diff`, { action });
        expect([400, 422], r.body).toContain(r.statusCode);
      }
    });
  });
}
