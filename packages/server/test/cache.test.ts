// The commons cache is bounded by its budget (entries and weight), evicting the least recently used: answers stay
// right after eviction (a reload verifies the log as a first load does), writes in flight are not lost, a commons
// found read-only stays read-only after it is evicted and reloaded, and a log rolled back behind the process while
// its commons was evicted is refused, as it would be while cached.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommonsService, stateWeight } from '../src/commons-service';
import { comment, create, propose } from './commands';
import { must, testApp, type TestApp } from './harness';
import { openDb, type Db, type Row } from './raw-db';

describe('a bounded commons cache', () => {
  let t: TestApp;
  let db: Db;
  let founder: string;
  const budget = { entries: 3, weight: 40 };
  beforeEach(async () => {
    t = await testApp('sqlite', { cacheCommons: budget.entries, cacheWeight: budget.weight });
    db = await openDb(t, 'sqlite');
    founder = (await t.ctx.auth.signUp('fran@example.org', 'long enough pw', 'Fran')).id;
  });
  afterEach(async () => {
    await db.close();
    await t.close();
  });

  const within = (service: CommonsService) => {
    const use = service.cacheUse();
    expect(use.entries).toBeLessThanOrEqual(budget.entries);
    expect(use.weight).toBeLessThanOrEqual(budget.weight);
  };

  it('touching many commons keeps it within the budget, and every answer stays right', async () => {
    const service = t.ctx.commons;
    const ids = Array.from({ length: 12 }, (_, i) => `cache${i}`);
    for (const [i, id] of ids.entries()) {
      await service.execute(id, create(id, `Garden ${i}`), founder);
      for (let p = 0; p <= i % 3; p++) await service.execute(id, propose(`p${p}`), founder);
      within(service);
    }
    for (let round = 0; round < 3; round++) {
      for (const [i, id] of ids.entries()) {
        const current = must(await service.current(id), id);
        expect(current.integrity).toEqual({ ok: true });
        expect(current.state.core.name).toBe(`Garden ${i}`);
        expect(Object.keys(current.state.proposals)).toHaveLength((i % 3) + 1);
        within(service);
      }
    }
    // Most were evicted, and were loaded again on use: what is cached is at most the budget's worth.
    expect(ids.filter((id) => service.peek(id) !== null).length).toBeLessThanOrEqual(budget.entries);
    // The weight tracked is that of the states kept.
    const kept = ids.map((id) => service.peek(id)).filter((s) => s !== null);
    expect(service.cacheUse().weight).toBe(kept.reduce((w, s) => w + stateWeight(s), 0));
  });

  it('a commons heavier than the whole budget is still served, alone', async () => {
    const service = t.ctx.commons;
    await service.execute('light', create('light', 'Light'), founder);
    await service.execute('heavy', create('heavy', 'Heavy'), founder);
    await service.execute('heavy', propose('p1'), founder);
    // A comment weighs about half a unit (see stateWeight): four per unit of the budget outweigh it twice.
    const comments = 4 * budget.weight;
    await Promise.all(
      Array.from({ length: comments }, (_, i) => service.execute('heavy', comment('p1', `k${i}`), founder)),
    );
    const heavy = must(await service.get('heavy'), 'heavy');
    expect(heavy.comments.p1).toHaveLength(comments);
    expect(stateWeight(heavy)).toBeGreaterThan(budget.weight);
    expect(service.peek('light')).toBeNull();
    expect(service.cacheUse().entries).toBe(1);
    expect(must(await service.get('light'), 'light').core.name).toBe('Light');
  });

  it('writes in flight are not lost while other commons push it out', async () => {
    const service = t.ctx.commons;
    await service.execute('busy', create('busy', 'Busy'), founder);
    await service.execute('busy', propose('p1'), founder);
    const others = Array.from({ length: 8 }, (_, i) => `other${i}`);
    for (const id of others) await service.execute(id, create(id, id), founder);
    const before = must(await t.ctx.store.head('busy'), 'the head').size;
    // Writes to one commons and reads of many others, interleaved in the same turns.
    const writes: Promise<unknown>[] = [];
    const reads: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      writes.push(service.execute('busy', comment('p1', `w${i}`), founder));
      for (const id of others) reads.push(service.get(id));
      if (i % 10 === 9) await Promise.all(reads.splice(0));
    }
    await Promise.all([...writes, ...reads]);
    within(service);
    expect(must(await t.ctx.store.head('busy'), 'the head').size).toBe(before + 30);
    // Pushed out once more, then loaded again from the store: every acknowledged write is there.
    for (const id of others) await service.get(id);
    expect(service.peek('busy')).toBeNull();
    const busy = must(await service.current('busy'), 'busy');
    expect(busy.integrity).toEqual({ ok: true });
    expect(busy.state.comments.p1?.map((c) => c.text).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `comment w${i}`).sort(),
    );
  });

  /** Evicts `id` by touching as many other commons as the budget holds. */
  async function evict(service: CommonsService, id: string): Promise<void> {
    for (let i = 0; i < budget.entries; i++) {
      const other = `filler${i}`;
      if (!(await service.get(other))) await service.execute(other, create(other, other), founder);
    }
    expect(service.peek(id)).toBeNull();
  }

  it('a read-only commons stays read-only after eviction, even once its log verifies again', async () => {
    const service = t.ctx.commons;
    await service.execute('tampered', create('tampered', 'Garden'), founder);
    await service.execute('tampered', propose('p1'), founder);
    await evict(service, 'tampered');
    const row = await db.one('SELECT body FROM records WHERE commons_id = ? AND seq = 1', ['tampered']);
    const body = String(row.body);
    await db.run('UPDATE records SET body = ? WHERE commons_id = ? AND seq = 1', [
      body.replace('Proposal p1', 'Proposal p2'),
      'tampered',
    ]);
    const failed = must(await service.current('tampered'), 'the tampered commons');
    expect(failed.integrity).toMatchObject({ ok: false, where: 'record', seq: 1 });
    // The operator puts the record back; the commons is evicted and loaded again, and its log verifies.
    await db.run('UPDATE records SET body = ? WHERE commons_id = ? AND seq = 1', [body, 'tampered']);
    await evict(service, 'tampered');
    const fresh = new CommonsService(t.ctx.store, t.ctx.keys);
    expect(must(await fresh.current('tampered'), 'reloaded elsewhere').integrity).toEqual({ ok: true });
    // This process served a log that did not verify: it keeps the commons read-only until restarted.
    const reloaded = must(await service.current('tampered'), 'the reloaded commons');
    expect(reloaded.integrity).toEqual(failed.integrity);
    expect(service.integrityOf('tampered')).toEqual(failed.integrity);
    await expect(service.execute('tampered', comment('p1', 'k1'), founder)).rejects.toMatchObject({
      code: 'log_integrity',
    });
    await evict(service, 'tampered');
    expect(service.integrityOf('tampered')).toEqual(failed.integrity);
    await expect(service.execute('tampered', comment('p1', 'k2'), founder)).rejects.toMatchObject({
      code: 'log_integrity',
    });
    expect(must(await t.ctx.store.head('tampered'), 'the head').size).toBe(2);
  });

  it('a log rolled back to an older signed copy while its commons was evicted is refused on reload', async () => {
    const service = t.ctx.commons;
    await service.execute('rolled', create('rolled', 'Garden'), founder);
    await service.execute('rolled', propose('p1'), founder);
    // The database as it was at size 2: head, documents and deadlines (an older backup, validly signed).
    const copy = async (table: string) => db.all(`SELECT * FROM ${table} WHERE commons_id = ?`, ['rolled']);
    const saved: Record<string, Row[]> = {};
    for (const table of ['heads', 'docs', 'deadlines']) saved[table] = await copy(table);
    await service.execute('rolled', comment('p1', 'k1'), founder);
    await evict(service, 'rolled');
    await db.run('DELETE FROM records WHERE commons_id = ? AND seq >= 2', ['rolled']);
    await db.run('DELETE FROM merkle_nodes WHERE commons_id = ?', ['rolled']);
    for (const table of ['docs', 'deadlines']) {
      await db.run(`DELETE FROM ${table} WHERE commons_id = ?`, ['rolled']);
      for (const r of saved[table] ?? []) {
        const cols = Object.keys(r);
        await db.run(
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
          cols.map((c) => r[c]),
        );
      }
    }
    const head = must(saved.heads?.[0], 'the saved head');
    await db.run(
      'UPDATE heads SET size = ?, hash = ?, merkle = ?, checkpoint = ?, nodes_size = 0 WHERE commons_id = ?',
      [head.size, head.hash, head.merkle, head.checkpoint, 'rolled'],
    );
    // On its own the older copy passes a first load: it is a log this server signed.
    const fresh = new CommonsService(t.ctx.store, t.ctx.keys);
    expect(must(await fresh.current('rolled'), 'loaded elsewhere').integrity).toEqual({ ok: true });
    // This process remembers the head it verified before evicting it.
    const reloaded = must(await service.current('rolled'), 'the reloaded commons');
    expect(reloaded.integrity).toMatchObject({ ok: false, where: 'record', reason: /records were removed/ });
    await expect(service.execute('rolled', comment('p1', 'k2'), founder)).rejects.toMatchObject({
      code: 'log_integrity',
    });
  });
});
