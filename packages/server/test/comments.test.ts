// A proposal's discussion through HTTP on both stores: a comment edited by its author keeps its history, deleted it
// keeps its place and its replies and loses its words (in the served views and the stored documents; the log keeps
// the fact and still verifies), no one else may do either, and mentions notify the members they name, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../store/test/pg-available';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the discussion suite on PostgreSQL');

interface CommentJson {
  id: string;
  text: string;
  replyTo: string | null;
  editCount: number;
  editedAt: string | null;
  deletedAt: string | null;
  mentions: { accountId: string; displayName: string }[];
  history?: { text: string; until: string }[];
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`the discussion on ${kind}`, () => {
    let t: TestApp;
    let n = 0;
    let ada: Person;
    let bob: Person;
    let cleo: Person;
    let dan: Person;
    let c: string;
    let pid: string;

    const mentionsOf = async (p: Person) => {
      await t.ctx.notifications.idle();
      const r = await p.call('GET', '/api/v1/notifications');
      expect(r.statusCode, r.body).toBe(200);
      return (r.json().items as { kind: string; data: { commentId?: string } }[]).filter(
        (x) => x.kind === 'mention',
      );
    };
    const post = async (who: Person, text: string, replyTo: string | null = null) => {
      const r = await who.call('POST', `${c}/proposals/${pid}/comments`, { text, replyTo });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as CommentJson;
    };
    const one = (cid: string) => `${c}/proposals/${pid}/comments/${cid}`;

    beforeAll(async () => {
      t = await testApp(kind);
      const person = (name: string) =>
        new Person(t.app, `${name.toLowerCase()}-${++n}@example.org`, name).signUp();
      [ada, bob, cleo, dan] = (await Promise.all(['Ada', 'Bob', 'Cleo', 'Dan'].map(person))) as [
        Person,
        Person,
        Person,
        Person,
      ];
      const made = await ada.call('POST', '/api/v1/commons', { name: 'Orchard', template: 'single-class' });
      expect(made.statusCode, made.body).toBe(201);
      c = `/api/v1/commons/${made.json().id as string}`;
      // Bob and Dan join: each admission by consent of those already in.
      for (const [i, other] of [bob, dan].entries()) {
        const p = await ada.call('POST', `${c}/proposals`, {
          title: `Admit ${other.name}`,
          action: { kind: 'admit_member', email: other.email },
        });
        expect(p.statusCode, p.body).toBe(201);
        for (const voter of [ada, bob].slice(0, i + 1))
          await voter.call('PUT', `${c}/proposals/${p.json().id as string}/position`, { stance: 'agree' });
        expect((await other.call('GET', c)).json().me?.status).toBe('member');
      }
      const p = await ada.call('POST', `${c}/proposals`, {
        title: 'Plant an orchard',
        action: { kind: 'resolution', text: 'Ten trees' },
      });
      expect(p.statusCode, p.body).toBe(201);
      pid = p.json().id;
    });
    afterAll(async () => t?.close());

    it('keeps every earlier text of an edited comment, oldest first, and counts the edits in the lists', async () => {
      const k = await post(bob, 'Which **trees**?');
      expect(k).toMatchObject({ editCount: 0, editedAt: null, deletedAt: null, mentions: [] });
      for (const text of ['Which *fruit* trees?', 'Which fruit trees, and where?']) {
        const r = await bob.call('PATCH', one(k.id), { text });
        expect(r.statusCode, r.body).toBe(200);
      }
      const detail = (await cleo.call('GET', one(k.id))).json() as CommentJson;
      expect(detail.text).toBe('Which fruit trees, and where?');
      expect(detail.editCount).toBe(2);
      expect(detail.history?.map((h) => h.text)).toEqual(['Which **trees**?', 'Which *fruit* trees?']);
      expect(detail.editedAt).toBe(detail.history?.[1]?.until);
      const page = (await cleo.call('GET', `${c}/proposals/${pid}/comments`)).json();
      expect(page.items.find((x: CommentJson) => x.id === k.id)).toMatchObject({ editCount: 2 });
      expect(page.items.find((x: CommentJson) => x.id === k.id).history).toBeUndefined();
      // The same text again records nothing.
      const head = (await ada.call('GET', `${c}/log/verify`)).json().size;
      expect((await bob.call('PATCH', one(k.id), { text: 'Which fruit trees, and where?' })).statusCode).toBe(
        200,
      );
      expect((await ada.call('GET', `${c}/log/verify`)).json().size).toBe(head);
    });

    it('refuses anyone but the author, an empty text, an unknown comment, and writes nothing', async () => {
      const k = await post(bob, 'Mine');
      const head = (await ada.call('GET', `${c}/log/verify`)).json().size;
      const refusals: [Person | null, 'PATCH' | 'DELETE', string, unknown, number, string][] = [
        [ada, 'PATCH', one(k.id), { text: 'Hers now' }, 403, 'not_author'],
        [dan, 'DELETE', one(k.id), undefined, 403, 'not_author'],
        [cleo, 'PATCH', one(k.id), { text: 'An outsider' }, 403, 'not_author'],
        [null, 'DELETE', one(k.id), undefined, 401, 'unauthenticated'],
        [bob, 'PATCH', one(k.id), { text: '' }, 400, 'invalid_request'],
        [bob, 'PATCH', one(k.id), { text: 'x', extra: 1 }, 400, 'invalid_request'],
        [bob, 'PATCH', one('k_nope'), { text: 'x' }, 404, 'comment_not_found'],
        [bob, 'DELETE', one('__proto__'), undefined, 404, 'comment_not_found'],
        [bob, 'PATCH', `${c}/proposals/__proto__/comments/${k.id}`, { text: 'x' }, 404, 'proposal_not_found'],
      ];
      for (const [who, method, url, body, status, code] of refusals) {
        const r = who
          ? await who.call(method, url, body)
          : await t.app.inject({ method, url, ...(body ? { payload: body as object } : {}) });
        expect({ status: r.statusCode, code: r.json().code }, `${method} ${url}`).toEqual({ status, code });
      }
      expect((await ada.call('GET', `${c}/log/verify`)).json().size).toBe(head);
      expect(((await ada.call('GET', one(k.id))).json() as CommentJson).text).toBe('Mine');
    });

    it('deletes a comment: its place and replies stay, its words go from the views and the stored documents', async () => {
      const k = await post(bob, 'I would rather have a pond');
      await bob.call('PATCH', one(k.id), { text: 'I would rather have a big pond' });
      const reply = await post(ada, 'Why a pond?', k.id);
      const r = await bob.call('DELETE', one(k.id));
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ text: '', editCount: 0 });
      expect(r.json().deletedAt).toEqual(expect.any(String));
      expect((await bob.call('DELETE', one(k.id))).json().code).toBe('comment_deleted');
      expect((await bob.call('PATCH', one(k.id), { text: 'Back' })).json().code).toBe('comment_deleted');
      const detail = (await cleo.call('GET', one(k.id))).json() as CommentJson;
      expect(detail).toMatchObject({ text: '', history: [] });
      const page = (await cleo.call('GET', `${c}/proposals/${pid}/comments?limit=200`)).json();
      const ids = page.items.map((x: CommentJson) => x.id);
      expect(ids).toContain(k.id);
      expect(page.items.find((x: CommentJson) => x.id === reply.id)).toMatchObject({ replyTo: k.id });
      // The stored document (what a rebuild and verify compare) has no words either.
      const commonsId = c.split('/').at(-1)!;
      const doc = JSON.stringify(await t.ctx.store.getDoc(commonsId, 'comment', `${pid}/${k.id}`));
      expect(doc).not.toMatch(/pond/);
      const v = (await ada.call('GET', `${c}/log/verify`)).json();
      expect(v.ok, JSON.stringify(v)).toBe(true);
    });

    it('notifies the members a comment mentions, once each, and an edit only those it newly mentions', async () => {
      const before = { ada: (await mentionsOf(ada)).length, dan: (await mentionsOf(dan)).length };
      // Ada (the proposer) and Dan are members; Cleo is not; Bob is the author.
      const k = await post(
        bob,
        `@[Ada](${ada.id}) and @[Ada again](${ada.id}), @[Cleo](${cleo.id}), @[me](${bob.id}): thoughts?`,
      );
      // The view names the members mentioned (the author too); Cleo is not one, so her label stays plain text.
      expect(k.mentions).toEqual([
        { accountId: ada.id, displayName: 'Ada' },
        { accountId: bob.id, displayName: 'Bob' },
      ]);
      const adaMentions = await mentionsOf(ada);
      expect(adaMentions.length).toBe(before.ada + 1);
      expect(adaMentions[0]?.data.commentId).toBe(k.id);
      // Mentioned, the proposer hears it as a mention, not also as a comment on her proposal.
      await t.ctx.notifications.idle();
      const all = (await ada.call('GET', '/api/v1/notifications')).json().items as {
        kind: string;
        data: { commentId?: string };
      }[];
      expect(all.filter((x) => x.data.commentId === k.id).map((x) => x.kind)).toEqual(['mention']);
      expect(await mentionsOf(cleo)).toEqual([]);
      expect(await mentionsOf(bob)).toEqual([]);
      await bob.call('PATCH', one(k.id), { text: `@[Ada](${ada.id}) and @[Dan](${dan.id}): thoughts?` });
      expect((await mentionsOf(ada)).length).toBe(before.ada + 1);
      expect((await mentionsOf(dan)).length).toBe(before.dan + 1);
      // A label is only what was typed: the view names the account by its display name here.
      const spoof = await post(bob, `@[The administrator](${dan.id})`);
      expect(spoof.mentions).toEqual([{ accountId: dan.id, displayName: 'Dan' }]);
    });
  });
}
