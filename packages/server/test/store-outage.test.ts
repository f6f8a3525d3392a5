// A store that goes away and comes back costs failed requests, never the process: every PostgreSQL connection of a
// running app is cut (as a failover or restart would) while members write, and afterwards writes succeed again,
// nothing acknowledged is missing, and the log verifies.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDueProposals } from '../src/closer';
import { pgTestUrl, requirePostgres } from '../../store/test/pg-available';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the store outage suite on PostgreSQL');

describe.skipIf(!pgOk)('PostgreSQL going away under load', () => {
  let t: TestApp;
  let schema: string;
  beforeAll(async () => {
    t = await testApp('postgres');
    schema = t.ctx.config.databaseSchema!;
  });
  afterAll(() => t.close());

  // Ends every backend that last ran a statement on this app's schema (its pool and its LISTEN connection).
  async function cutConnections(): Promise<number> {
    const admin = new pg.Client({ connectionString: pgTestUrl });
    await admin.connect();
    try {
      const r = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE $1`,
        [`%${schema}%`],
      );
      return r.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  it('given members writing, when every connection is cut twice, then the process lives and nothing acknowledged is lost', async () => {
    const founder = await new Person(t.app, 'fran@outage.example', 'Fran').signUp();
    const c = (
      await founder.call('POST', '/api/v1/commons', { name: 'Outage', template: 'do-ocracy' })
    ).json();
    const members = [founder];
    for (let i = 0; i < 4; i++) {
      const m = await new Person(t.app, `m${i}@outage.example`, `M${i}`).signUp();
      expect((await m.call('POST', `/api/v1/commons/${c.id}/applications`, {})).statusCode).toBe(201);
      members.push(m);
    }
    const p = (
      await founder.call('POST', `/api/v1/commons/${c.id}/proposals`, {
        title: 'Talk',
        action: { kind: 'resolution', text: 'We talk' },
      })
    ).json();
    const acknowledged: string[] = [];
    const statuses: number[] = [];
    let writing = true;
    const load = members.map(async (m, i) => {
      for (let n = 0; writing; n++) {
        const r = await m.call('POST', `/api/v1/commons/${c.id}/proposals/${p.id}/comments`, {
          text: `m${i}-${n}`,
        });
        statuses.push(r.statusCode);
        if (r.statusCode === 201) acknowledged.push(`m${i}-${n}`);
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await cutConnections()).toBeGreaterThan(0);
    // The background job meets the outage too, and must not throw.
    await expect(closeDueProposals(t.ctx.commons, new Date(Date.now() + 86_400_000))).resolves.toBeTypeOf(
      'number',
    );
    await new Promise((r) => setTimeout(r, 300));
    await cutConnections();
    await new Promise((r) => setTimeout(r, 300));
    writing = false;
    await Promise.all(load);

    // Every request was answered (none left hanging): written, or failed as the store failed; then writes work again.
    expect(statuses.filter((s) => s !== 201 && s < 500)).toEqual([]);
    const after = await founder.call('POST', `/api/v1/commons/${c.id}/proposals/${p.id}/comments`, {
      text: 'after',
    });
    expect(after.statusCode).toBe(201);
    acknowledged.push('after');
    const view = (await founder.call('GET', `/api/v1/commons/${c.id}/proposals/${p.id}`)).json();
    // The whole discussion, through its pages (the view carries only the first).
    const texts: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (
        await founder.call(
          'GET',
          `/api/v1/commons/${c.id}/proposals/${p.id}/comments?limit=200${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`,
        )
      ).json() as { items: { text: string }[]; next: string | null };
      texts.push(...page.items.map((x) => x.text));
      cursor = page.next;
    } while (cursor !== null);
    expect(texts).toHaveLength(view.comments.total);
    const shown = new Set(texts);
    for (const text of acknowledged) expect(shown.has(text)).toBe(true);
    const verify = (await founder.call('GET', `/api/v1/commons/${c.id}/log/verify`)).json();
    expect(verify.ok).toBe(true);
    expect(view.integrity).toEqual({ ok: true });
  });
});
