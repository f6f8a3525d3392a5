// A read never shows what an append has applied to the cached state but not yet committed: with a store that
// answers slowly (as PostgreSQL does), a read during the append waits for it, and sees nothing of a failed one.
import type { AppendInput, Store } from '@peergov/store';
import { afterAll, describe, expect, it } from 'vitest';
import { CommonsService } from '../src/commons-service';
import { testApp, type TestApp } from './harness';

/** The real store, with appends held until `release` is called (and failing when asked to). */
function gated(store: Store) {
  let release: (fail: boolean) => void = () => {};
  let started: () => void = () => {};
  const appendStarted = new Promise<void>((r) => (started = r));
  const wrapped = Object.create(store) as Store;
  let gate = false;
  wrapped.append = async (input: AppendInput) => {
    if (!gate) return store.append(input);
    started();
    const fail = await new Promise<boolean>((r) => (release = r));
    if (fail) throw new Error('disk full');
    return store.append(input);
  };
  return {
    store: wrapped,
    hold: () => (gate = true),
    appendStarted,
    release: (fail: boolean) => release(fail),
  };
}

describe('reads during an append', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('wait for the commit, and never see a rolled-back append', async () => {
    t = await testApp('sqlite');
    const g = gated(t.ctx.store);
    const service = new CommonsService(g.store, t.ctx.keys);
    const id = 'creads';
    await service.execute(
      id,
      {
        type: 'CreateCommons',
        commonsId: id,
        name: 'G',
        purpose: '',
        charter: '',
        template: 'do-ocracy',
        displayName: 'F',
        classes: [],
      },
      'founder',
    );
    g.hold();
    const failing = service.execute(
      id,
      { type: 'ApplyForMembership', proposalId: 'a1', displayName: 'M', classes: [], statement: '' },
      'm1',
    );
    await g.appendStarted;
    let readDone = false;
    const read = service.get(id).then((s) => {
      readDone = true;
      return s;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(readDone).toBe(false);
    g.release(true);
    await expect(failing).rejects.toThrow('disk full');
    const state = await read;
    expect(state!.core.members.m1).toBeUndefined();
    expect(state!.proposals.a1).toBeUndefined();
  });
});
