// The fast write path keeps its promises: commands queued in one turn share one append (and nothing is written for
// a refused one), the proposal view sent after a write is exactly the one the API would build, API tokens are
// remembered only briefly and forgotten on deletion, and a proposal another process opened is found.
import type { Command } from '@peergov/kernel';
import type { Store } from '@peergov/store';
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '../src/auth';
import { CommonsService } from '../src/commons-service';
import { buildApp, createContext, LogService, type AppContext } from '../src/index';
import { proposalView, proposalViewJson } from '../src/views';
import { must, testApp, type TestApp } from './harness';

const create = (commonsId: string): Command => ({
  type: 'CreateCommons',
  commonsId,
  name: 'Garden',
  purpose: '',
  charter: '',
  template: 'do-ocracy',
  displayName: 'Fran',
  classes: [],
});
const apply = (i: number): Command => ({
  type: 'ApplyForMembership',
  proposalId: `adm${i}`,
  displayName: `Member ${i}`,
  classes: [],
  statement: '',
});
const position = (stance: 'agree' | 'abstain' | 'disagree', reason = ''): Command => ({
  type: 'TakePosition',
  proposalId: 'p1',
  stance,
  reason,
});

/** A commons with a founder, `n` members (admitted automatically under do-ocracy) and one open proposal p1. */
async function seed(ctx: AppContext, id: string, n: number): Promise<string[]> {
  const founder = await ctx.auth.signUp(`founder-${id}@example.org`, 'long enough pw', 'Fran');
  await ctx.commons.execute(id, create(id), founder.id);
  const members: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = await ctx.auth.signUp(`m${i}-${id}@example.org`, 'long enough pw', `Member ${i}`);
    await ctx.commons.execute(id, apply(i), a.id);
    members.push(a.id);
  }
  await ctx.commons.execute(
    id,
    {
      type: 'SubmitProposal',
      proposalId: 'p1',
      title: 'Water the beans',
      body: '',
      action: { kind: 'resolution', text: 'Water the beans on Sundays' },
    },
    founder.id,
  );
  return members;
}

/** Counts the store's appends. */
function countingAppends(store: Store): { store: Store; appends: () => number } {
  let appends = 0;
  return {
    store: new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'append')
          return (input: Parameters<Store['append']>[0]) => {
            appends++;
            return target.append(input);
          };
        return Reflect.get(target, key, receiver);
      },
    }),
    appends: () => appends,
  };
}

describe('group commit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite');
  });
  afterAll(async () => t?.close());

  it('appends the commands queued in one turn together, with one checkpoint, and writes nothing for a refused one', async () => {
    const members = await seed(t.ctx, 'cbatch', 6);
    const counted = countingAppends(t.ctx.store);
    const service = new CommonsService(counted.store, t.ctx.keys);
    const before = (await t.ctx.store.head('cbatch'))!.size;
    const results = await Promise.allSettled([
      ...members.map((m, i) => service.execute('cbatch', position(i % 2 ? 'agree' : 'abstain', `r${i}`), m)),
      service.execute('cbatch', position('agree'), 'someone-else'),
    ]);
    expect(counted.appends()).toBe(1);
    expect(results.slice(0, -1).every((r) => r.status === 'fulfilled')).toBe(true);
    const refused = must(results.at(-1), 'the last result');
    expect(refused.status === 'rejected' && (refused.reason as { code: string }).code).toBe('not_a_member');
    const head = (await t.ctx.store.head('cbatch'))!;
    expect(head.size).toBe(before + members.length);
    expect(head.checkpoint?.size).toBe(head.size);
    const verified = await new LogService(t.ctx.store, t.ctx.keys.publicKey).verify('cbatch');
    expect(verified).toMatchObject({ ok: true, size: head.size });
    // The writes of one append share their state and memo.
    const ok = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
    expect(new Set(ok.map((r) => r.memo)).size).toBe(1);
    expect(Object.keys(must(ok[0]?.state.positions.p1, 'the positions on p1'))).toHaveLength(members.length);
  });

  it('appends nothing when every command of a turn is refused', async () => {
    const counted = countingAppends(t.ctx.store);
    const service = new CommonsService(counted.store, t.ctx.keys);
    const before = (await t.ctx.store.head('cbatch'))!.size;
    const results = await Promise.allSettled([
      service.execute('cbatch', position('agree'), 'nobody'),
      service.execute('cbatch', position('agree'), null),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(counted.appends()).toBe(0);
    expect((await t.ctx.store.head('cbatch'))!.size).toBe(before);
  });
});

describe('the proposal view after a write', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite');
  });
  afterAll(async () => t?.close());

  it('is byte for byte JSON.stringify(proposalView) for every caller, from one shared serialisation', async () => {
    const members = await seed(t.ctx, 'cview', 3);
    const [first, second, third] = [must(members[0]), must(members[1]), must(members[2])];
    await t.ctx.commons.execute('cview', position('agree', 'yes "quoted" \u00e9'), first);
    await t.ctx.commons.execute(
      'cview',
      { type: 'PostComment', proposalId: 'p1', commentId: 'k1', text: 'Sundays only?', replyTo: null },
      second,
    );
    const state = (await t.ctx.commons.get('cview'))!;
    const p = must(state.proposals.p1, 'proposal p1');
    const memo = new Map<string, string>();
    const now = new Date().toISOString();
    const late = '2999-01-01T00:00:00.000Z';
    for (const [caller, at] of [
      [first, now],
      [second, now],
      [third, late],
      ['not-a-member', now],
      [null, now],
    ] as const) {
      const json = proposalViewJson(state, p, caller, at, memo);
      expect(json).toBe(JSON.stringify(proposalView(state, p, caller, at)));
    }
    expect(memo.size).toBe(1);
    const view = JSON.parse(proposalViewJson(state, p, first, now, memo));
    expect(view.myPosition).toEqual({
      stance: 'agree',
      reason: 'yes "quoted" \u00e9',
      at: expect.any(String),
      counted: true,
    });
    expect(view.canTakePosition).toBe(true);
    expect(view.comments.items).toHaveLength(1);
    expect(view.comments.total).toBe(1);
  });
});

describe('API tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite');
  });
  afterAll(async () => t?.close());

  const request = (token: string) =>
    ({ headers: { authorization: `Bearer ${token}` }, cookies: {} }) as unknown as FastifyRequest;

  it('are remembered for at most five seconds, so that a deletion by another process takes effect', async () => {
    const account = await t.ctx.auth.signUp('tok1@example.org', 'long enough pw', 'Tok');
    let now = 1_000_000;
    const here = new AuthService(t.ctx.store, () => now);
    const elsewhere = new AuthService(t.ctx.store);
    const { id, token } = await here.createToken(account.id, 'script');
    expect((await here.identify(request(token))).account?.id).toBe(account.id);
    expect(await elsewhere.deleteToken(id, account.id)).toBe(true);
    now += 4_000;
    expect((await here.identify(request(token))).account?.id).toBe(account.id);
    now += 1_001;
    await expect(here.identify(request(token))).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('are forgotten at once when deleted in this process, even by a lookup that overlapped the deletion', async () => {
    const account = await t.ctx.auth.signUp('tok2@example.org', 'long enough pw', 'Tok');
    let release: () => void = () => {};
    let gate: Promise<void> | null = null;
    const slow = new Proxy(t.ctx.store, {
      get(target, key, receiver) {
        if (key === 'getApiTokenByHash')
          return async (hash: string) => {
            const found = await target.getApiTokenByHash(hash);
            if (gate) await gate;
            return found;
          };
        return Reflect.get(target, key, receiver);
      },
    });
    const auth = new AuthService(slow);
    const { id, token } = await auth.createToken(account.id, 'script');
    // A lookup that read the token, then the token is deleted before the lookup ends.
    gate = new Promise((r) => (release = r));
    const overlapping = auth.identify(request(token));
    await new Promise((r) => setImmediate(r));
    expect(await auth.deleteToken(id, account.id)).toBe(true);
    release();
    gate = null;
    expect((await overlapping).account?.id).toBe(account.id);
    await expect(auth.identify(request(token))).rejects.toMatchObject({ code: 'invalid_token' });

    // A remembered token is forgotten by its deletion.
    const second = await auth.createToken(account.id, 'script 2');
    expect((await auth.identify(request(second.token))).account?.id).toBe(account.id);
    expect(await auth.deleteToken(second.id, account.id)).toBe(true);
    await expect(auth.identify(request(second.token))).rejects.toMatchObject({ code: 'invalid_token' });
  });
});

describe('a second process on the same SQLite file', () => {
  let t: TestApp;
  let other: AppContext;
  beforeAll(async () => {
    t = await testApp('sqlite');
    other = await createContext({ ...t.ctx.config });
  });
  afterAll(async () => {
    await other?.store.close();
    await t?.close();
  });

  it('sees the proposals this one opens, and each takes positions on the current state', async () => {
    const members = await seed(t.ctx, 'cshared', 2);
    const app = await buildApp(other);
    await app.ready();
    try {
      const put = async (ctx: AppContext, server: typeof app | TestApp['app'], i: number, pid: string) => {
        const { token } = await ctx.auth.createToken(must(members[i], `member ${i}`), `t${pid}${i}`);
        return server.inject({
          method: 'PUT',
          url: `/api/v1/commons/cshared/proposals/${pid}/position`,
          headers: { authorization: `Bearer ${token}` },
          payload: { stance: 'agree', reason: `from ${i}` },
        });
      };
      // The other process has never loaded this commons: it finds the proposal through the store.
      const first = await put(other, app, 0, 'p1');
      expect(first.statusCode).toBe(200);
      expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(first.json().myPosition).toEqual({
        stance: 'agree',
        reason: 'from 0',
        at: expect.any(String),
        counted: true,
      });
      // This process's cached state is now stale: its write is a clean conflict, reloaded and retried.
      const second = await put(t.ctx, t.app, 1, 'p1');
      expect(second.statusCode).toBe(200);
      // The answer's first page of positions is the whole list here (two, and the total says so).
      expect(second.json().positions.total).toBe(2);
      expect(
        second
          .json()
          .positions.items.map((p: { reason: string }) => p.reason)
          .sort(),
      ).toEqual(['from 0', 'from 1']);
      const missing = await put(other, app, 0, 'nope');
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('proposal_not_found');
      const verified = await new LogService(t.ctx.store, t.ctx.keys.publicKey).verify('cshared');
      expect(verified).toMatchObject({ ok: true });
    } finally {
      await app.close();
    }
  });
});
