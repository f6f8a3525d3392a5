import { afterAll, describe, expect, it } from 'vitest';
import { createContext, LogService, seedDemo } from '../src/index';
import { requirePostgres } from '../../store/test/pg-available';
import { testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the multi-process race test on PostgreSQL');

describe('the demo commons', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('has members, a constitution amended once, decided and open proposals with a discussion, and a valid log', async () => {
    t = await testApp('sqlite');
    const id = (await seedDemo(t.ctx))!;
    const state = (await t.ctx.commons.get(id))!;
    expect(Object.values(state.core.members).filter((m) => m.status === 'member')).toHaveLength(5);
    expect(state.core.constitution.version).toBe(2);
    const proposals = Object.values(state.proposals);
    expect(proposals.filter((p) => p.status === 'open')).toHaveLength(1);
    expect(proposals.filter((p) => p.status === 'passed').length).toBeGreaterThanOrEqual(6);
    expect(Object.values(state.comments).flat().length).toBeGreaterThanOrEqual(3);
    expect(await new LogService(t.ctx.store, t.ctx.keys.publicKey).verify(id)).toMatchObject({ ok: true });
    // seeding twice does nothing
    expect(await seedDemo(t.ctx)).toBeNull();
  });
});

describe.skipIf(!pgOk)('two server processes on one PostgreSQL', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('serialise concurrent writes to one commons into one gapless log', async () => {
    t = await testApp('postgres');
    const schema = (t.ctx.config.databaseSchema as string) ?? '';
    // A second composition root on the same database and key, as a second process would have.
    const other = await createContext({ ...t.ctx.config, databaseSchema: schema });
    const founder = await t.ctx.auth.signUp('f@example.org', 'long enough pw', 'F');
    const id = 'crace';
    await t.ctx.commons.execute(
      id,
      {
        type: 'CreateCommons',
        commonsId: id,
        name: 'Race',
        purpose: '',
        charter: '',
        template: 'do-ocracy',
        displayName: 'F',
        classes: [],
      },
      founder.id,
    );
    const writes = [];
    for (let i = 0; i < 40; i++) {
      const service = i % 2 === 0 ? t.ctx.commons : other.commons;
      writes.push(
        service.execute(
          id,
          {
            type: 'ApplyForMembership',
            proposalId: `p${i}`,
            displayName: `M${i}`,
            classes: [],
            statement: '',
          },
          `acct${i}`,
        ),
      );
    }
    await Promise.all(writes);
    const verified = await new LogService(t.ctx.store, t.ctx.keys.publicKey).verify(id);
    expect(verified).toMatchObject({ ok: true, size: 1 + 40 * 4 });
    const state = (await other.commons.get(id))!;
    expect(Object.values(state.core.members).filter((m) => m.status === 'member')).toHaveLength(41);
    await other.store.close();
  });
});
