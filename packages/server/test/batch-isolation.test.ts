// Each command of a group commit stands alone, and what the server serves is always what its log proves: a command
// that throws or is refused fails alone, an append that fails publishes nothing, and a served state always equals a
// replay of the stored log (property-tested against a store that fails appends at random, before or after commit).
import fc from 'fast-check';
import { readModelDocs, stateFromRecords, type Command, type CommonsState } from '@peergov/kernel';
import { canonicalJson } from '@peergov/kernel/log';
import type { Store } from '@peergov/store';
import { afterEach, describe, expect, it } from 'vitest';
import { CommonsService } from '../src/commons-service';
import { testApp, type TestApp } from './harness';

const founding: Command = {
  type: 'CreateCommons',
  commonsId: 'c1',
  name: 'Garden',
  purpose: '',
  charter: '',
  template: 'single-class',
  displayName: 'Fran',
  classes: [],
};
const proposal = (id: string): Command => ({
  type: 'SubmitProposal',
  proposalId: id,
  title: `Proposal ${id}`,
  body: '',
  action: { kind: 'resolution', text: 'Water the beans' },
});
const comment = (pid: string, id: string, text: unknown = 'hello'): Command =>
  ({ type: 'PostComment', proposalId: pid, commentId: id, text, replyTo: null }) as Command;
const position = (pid: string, stance: 'agree' | 'disagree' | 'block'): Command => ({
  type: 'TakePosition',
  proposalId: pid,
  stance,
  reason: '',
});

/** What a state implies for every reader: its read-model documents, canonically encoded. */
const served = (s: CommonsState | null) =>
  s ? canonicalJson(JSON.parse(JSON.stringify(readModelDocs(s)))) : null;

async function replayed(store: Store, id: string): Promise<string | null> {
  const records = await store.readRecords(id, 0);
  return served(stateFromRecords(records.map((r) => r.body)));
}

/** A store whose appends fail when `fail()` says so: before writing, or after committing (the answer is lost). */
function flaky(store: Store, fail: () => 'before' | 'after' | null): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key !== 'append') return Reflect.get(target, key, receiver);
      return async (input: Parameters<Store['append']>[0]) => {
        const mode = fail();
        if (mode === 'before') throw new Error('injected: the store is away');
        await target.append(input);
        if (mode === 'after') throw new Error('injected: the connection dropped after COMMIT');
      };
    },
  });
}

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('a poisoned group commit', () => {
  it('given a batch where one command throws and one is refused, then only those fail and the rest commit', async () => {
    t = await testApp('sqlite');
    const svc = new CommonsService(t.ctx.store, t.ctx.keys);
    await svc.execute('c1', founding, 'fran');
    await svc.execute('c1', proposal('p1'), 'fran');
    // One turn: these share an append.
    const results = await Promise.allSettled([
      svc.execute('c1', comment('p1', 'k1'), 'fran'),
      svc.execute('c1', null as unknown as Command, 'fran'),
      svc.execute('c1', comment('__proto__', 'k2'), 'fran'),
      svc.execute('c1', comment('p1', 'k3', 42), 'fran'),
      svc.execute('c1', comment('p1', 'k4'), 'fran'),
      svc.execute('c1', position('p1', 'block'), 'fran'),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'proposal_not_found' });
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid_input' });
    const state = await svc.get('c1');
    expect(state!.comments.p1!.map((c) => c.id)).toEqual(['k1', 'k4']);
    expect(state!.positions.p1?.fran?.stance).toBe('block');
    expect(served(state)).toBe(await replayed(t.ctx.store, 'c1'));
  });

  it('given an append that fails, then nothing of the batch is served and the next write succeeds', async () => {
    t = await testApp('sqlite');
    let failNext = false;
    const svc = new CommonsService(
      flaky(t.ctx.store, () => (failNext ? ((failNext = false), 'before') : null)),
      t.ctx.keys,
    );
    await svc.execute('c1', founding, 'fran');
    await svc.execute('c1', proposal('p1'), 'fran');
    failNext = true;
    await expect(svc.execute('c1', comment('p1', 'k1'), 'fran')).rejects.toThrow(/injected/);
    expect((await svc.get('c1'))!.comments.p1).toEqual([]);
    expect(svc.peek('c1')!.comments.p1).toEqual([]);
    await svc.execute('c1', comment('p1', 'k2'), 'fran');
    expect((await svc.get('c1'))!.comments.p1!.map((c) => c.id)).toEqual(['k2']);
    expect(served(await svc.get('c1'))).toBe(await replayed(t.ctx.store, 'c1'));
  });
});

describe('served state equals the replayed log', () => {
  it('whatever appends fail, before or after they commit (property)', async () => {
    t = await testApp('sqlite');
    const app = t;
    let round = 0;
    const command = fc.oneof(
      fc.record({
        kind: fc.constant('comment' as const),
        pid: fc.constantFrom('p1', 'p2', 'nope', '__proto__'),
      }),
      fc.record({
        kind: fc.constant('position' as const),
        pid: fc.constantFrom('p1', 'p2'),
        stance: fc.constantFrom('agree', 'disagree', 'block') as fc.Arbitrary<'agree' | 'disagree' | 'block'>,
      }),
      fc.record({ kind: fc.constant('propose' as const) }),
      fc.record({ kind: fc.constant('broken' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(command, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.constantFrom<'before' | 'after' | null>('before', 'after', null, null), {
          minLength: 1,
          maxLength: 40,
        }),
        async (turns, failures) => {
          const id = `c${++round}`;
          let n = 0;
          const svc = new CommonsService(
            flaky(app.ctx.store, () => failures[n++ % failures.length]!),
            app.ctx.keys,
          );
          // Founding and the first proposals go through a store that does not fail.
          const setup = new CommonsService(app.ctx.store, app.ctx.keys);
          await setup.execute(id, { ...founding, commonsId: id } as Command, 'fran');
          await setup.execute(id, proposal('p1'), 'fran');
          await setup.execute(id, proposal('p2'), 'fran');
          const acknowledged: string[] = [];
          let k = 0;
          for (const turn of turns) {
            await Promise.allSettled(
              turn.map((c) => {
                const cid = `k${k++}`;
                const cmd: Command =
                  c.kind === 'comment'
                    ? comment(c.pid, cid)
                    : c.kind === 'position'
                      ? position(c.pid, c.stance)
                      : c.kind === 'propose'
                        ? proposal(`p${cid}`)
                        : (undefined as unknown as Command);
                return svc.execute(id, cmd, 'fran').then(() => {
                  if (c.kind === 'comment') acknowledged.push(cid);
                });
              }),
            );
            // Between turns, what is served is what the stored log gives.
            expect(served(await svc.get(id))).toBe(await replayed(app.ctx.store, id));
          }
          const state = (await svc.get(id))!;
          const stored = new Set(Object.values(state.comments).flatMap((list) => list.map((c) => c.id)));
          for (const cid of acknowledged) expect(stored.has(cid)).toBe(true);
        },
      ),
      {
        numRuns: Number(process.env.PEERGOV_PROPERTY_RUNS ?? 25),
        seed: Number(process.env.PEERGOV_PROPERTY_SEED ?? 8),
      },
    );
  });
});
