// Read models written by an older peergov (read-model version 1: no `meta` document, proposals carrying their whole
// electorate, members without admission numbers) are rebuilt from the verified log when a new server first loads
// the commons, instead of making it read-only; documents of the current version that differ from the log still do.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READ_MODEL_VERSION } from '@peergov/kernel';
import { buildApp, createContext } from '../src/index';
import { requirePostgres } from '../../store/test/pg-available';
import { Person, testApp, type TestApp } from './harness';
import { openDb, type Db } from './raw-db';

const pgOk = await requirePostgres('the read-model upgrade suite on PostgreSQL');

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`read models of an older version on ${kind}`, () => {
    let t: TestApp;
    let db: Db;
    let ada: Person;
    let commonsId: string;
    let proposalId: string;
    const T = (name: string) => db.table(name);

    beforeEach(async () => {
      t = await testApp(kind);
      db = await openDb(t, kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      commonsId = (
        await ada.call('POST', '/api/v1/commons', { name: 'Garden', template: 'single-class' })
      ).json().id;
      proposalId = (
        await ada.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
          title: 'Beans',
          action: { kind: 'resolution', text: 'Water the beans' },
        })
      ).json().id;
    });
    afterEach(async () => {
      await db.close();
      await t.close();
    });

    const docOf = async (docKind: string, id: string) => {
      const rows = await db.all(
        `SELECT body FROM ${T('docs')} WHERE commons_id = ? AND kind = ? AND id = ?`,
        [commonsId, docKind, id],
      );
      return rows[0] ? db.json(rows[0].body) : null;
    };
    const writeDoc = (docKind: string, id: string, body: unknown) =>
      db.run(`UPDATE ${T('docs')} SET body = ?${db.jsonCast} WHERE commons_id = ? AND kind = ? AND id = ?`, [
        db.jsonParam(body),
        commonsId,
        docKind,
        id,
      ]);

    /** The documents as version 1 wrote them: the members inside the commons document, no meta document. */
    async function downgrade() {
      const proposal = (await docOf('proposal', proposalId)) as Record<string, unknown>;
      const { counts: _counts, ...old } = proposal;
      await writeDoc('proposal', proposalId, { ...old, electorate: [ada.id] });
      const memberDocs = await db.all(
        `SELECT id, body FROM ${T('docs')} WHERE commons_id = ? AND kind = 'member'`,
        [commonsId],
      );
      expect(memberDocs).toHaveLength(1);
      const members = Object.fromEntries(
        memberDocs.map((d) => {
          const { admission: _admission, ...rest } = db.json(d.body) as { admission?: number };
          return [String(d.id), rest];
        }),
      );
      const core = (await docOf('commons', commonsId)) as Record<string, unknown>;
      const { admissions: _admissions, ...oldCore } = core;
      await writeDoc('commons', commonsId, { ...oldCore, members });
      await db.run(`DELETE FROM ${T('docs')} WHERE commons_id = ? AND kind IN ('meta', 'member')`, [
        commonsId,
      ]);
    }

    async function restarted<R>(f: (as: Person) => Promise<R>): Promise<R> {
      const ctx = await createContext({ ...t.ctx.config });
      const app = await buildApp(ctx);
      try {
        const as = new Person(app, ada.email, ada.name);
        Object.assign(as, { cookie: ada.cookie, csrf: ada.csrf, id: ada.id });
        return await f(as);
      } finally {
        await app.close();
        await ctx.store.close();
      }
    }

    it('given documents of version 1, when a new server first loads the commons, then it rebuilds them from the log and stays writable', async () => {
      expect(await docOf('meta', 'read-model')).toEqual({ version: READ_MODEL_VERSION });
      await downgrade();
      await restarted(async (as) => {
        // Before the commons is loaded, a full verification says what is wrong and what will happen.
        const before = (await as.call('GET', `/api/v1/commons/${commonsId}/log/verify`)).json();
        expect(before).toMatchObject({ ok: false, where: 'document' });
        expect(before.reason).toMatch(/read-model version 1, written by an older peergov .* rebuilds them/);
        const view = (await as.call('GET', `/api/v1/commons/${commonsId}`)).json();
        expect(view.integrity).toEqual({ ok: true });
        const p = (await as.call('GET', `/api/v1/commons/${commonsId}/proposals/${proposalId}`)).json();
        expect(p).toMatchObject({ electorate: 1, counts: { participants: 0, electorate: 1 } });
        expect(await docOf('meta', 'read-model')).toEqual({ version: READ_MODEL_VERSION });
        expect(await docOf('proposal', proposalId)).toMatchObject({
          electorate: { admittedUpTo: 1, size: 1 },
        });
        expect((await as.call('GET', `/api/v1/commons/${commonsId}/log/verify`)).json()).toMatchObject({
          ok: true,
        });
        const w = await as.call('PUT', `/api/v1/commons/${commonsId}/proposals/${proposalId}/position`, {
          stance: 'agree',
          reason: '',
        });
        expect(w.statusCode).toBe(200);
      });
    });

    it('given documents of the current version that differ from the log, then the commons is still read-only', async () => {
      const proposal = (await docOf('proposal', proposalId)) as Record<string, unknown>;
      await writeDoc('proposal', proposalId, { ...proposal, title: 'Forged' });
      await restarted(async (as) => {
        const view = (await as.call('GET', `/api/v1/commons/${commonsId}`)).json();
        expect(view.integrity).toMatchObject({ ok: false, where: 'document' });
        expect(await docOf('proposal', proposalId)).toMatchObject({ title: 'Forged' });
      });
    });
  });
}
