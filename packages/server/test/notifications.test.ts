// Notifications through HTTP on both stores, against a real SMTP server (test/smtp.ts): derived from what members do
// (a proposal opened, a position or comment on your proposal, a reply, a decision, a role), paged, marked read, live
// over Server-Sent Events; per-person settings (off, in app, at once, digest) with clear 400s that write nothing;
// mails at once, the daily digest and reminders before closing, each with a one-click unsubscription; and never a
// notification of a commons the person may not see.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CommonsState } from '@peergov/kernel';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastDigestTime, reminderTime } from '../src/notifications';
import { configFromEnv } from '../src/server';
import { buildApp, createContext } from '../src/index';
import { requirePostgres } from '../../store/test/pg-available';
import { must, Person, testApp, type TestApp } from './harness';
import { startSmtp, type ReceivedMail, type TestSmtp } from './smtp';

const pgOk = await requirePostgres('the notification suite on PostgreSQL');
const PUBLIC = 'https://peergov.test';

function expectProblem(r: LightMyRequestResponse, status: number, code?: string): void {
  expect(r.statusCode, r.body).toBe(status);
  expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
  if (code) expect(r.json()).toMatchObject({ status, code });
}

interface Item {
  id: string;
  kind: string;
  proposalId: string | null;
  readAt: string | null;
  data: Record<string, unknown>;
}

it('the reminder falls 24 h before closing, or a quarter of the open time before when that is shorter', () => {
  expect(reminderTime('2030-01-01T00:00:00.000Z', '2030-01-08T00:00:00.000Z')).toBe(
    '2030-01-07T00:00:00.000Z',
  );
  expect(reminderTime('2030-01-01T00:00:00.000Z', '2030-01-01T08:00:00.000Z')).toBe(
    '2030-01-01T06:00:00.000Z',
  );
  expect(lastDigestTime(new Date('2030-01-02T06:59:00Z'), 7).toISOString()).toBe('2030-01-01T07:00:00.000Z');
  expect(lastDigestTime(new Date('2030-01-02T07:00:00Z'), 7).toISOString()).toBe('2030-01-02T07:00:00.000Z');
});

it('PEERGOV_DIGEST_HOUR is a whole hour from 0 to 23', () => {
  expect(configFromEnv({ PEERGOV_DIGEST_HOUR: '18' }).digestHour).toBe(18);
  expect(configFromEnv({ PEERGOV_DIGEST_HOUR: '0' }).digestHour).toBe(0);
  expect(configFromEnv({}).digestHour).toBeUndefined();
  for (const bad of ['24', '-1', '7.5', 'seven'])
    expect(() => configFromEnv({ PEERGOV_DIGEST_HOUR: bad })).toThrow(/PEERGOV_DIGEST_HOUR/);
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`notifications on ${kind}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let n = 0;
    const person = (name: string) => new Person(t.app, `${name.toLowerCase()}-${++n}@example.org`, name);
    const settle = () => t.ctx.notifications.idle();
    const list = async (p: Person, query = '') => {
      await settle();
      const r = await p.call('GET', `/api/v1/notifications${query}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as { items: Item[]; unread: number; next: string | null };
    };
    const mailsTo = (to: string, kind?: string) =>
      smtp.received.filter(
        (m) => m.to.includes(to) && (kind === undefined || m.header('x-peergov-kind') === kind),
      );

    /** A commons of `founder` (consent, 168 h) with `others` admitted. */
    const commonsOf = async (founder: Person, ...others: Person[]) => {
      const c = await founder.call('POST', '/api/v1/commons', {
        name: `Garden ${++n}`,
        template: 'single-class',
      });
      expect(c.statusCode, c.body).toBe(201);
      const id: string = c.json().id;
      for (const [i, other] of others.entries()) {
        const p = await founder.call('POST', `/api/v1/commons/${id}/proposals`, {
          title: `Admit ${other.name}`,
          action: { kind: 'admit_member', email: other.email },
        });
        expect(p.statusCode, p.body).toBe(201);
        // Everyone admitted so far agrees (consent of the whole electorate).
        for (const voter of [founder, ...others.slice(0, i)]) {
          await voter.call('PUT', `/api/v1/commons/${id}/proposals/${p.json().id}/position`, {
            stance: 'agree',
            reason: '',
          });
        }
        expect((await other.call('GET', `/api/v1/commons/${id}`)).json().me).toMatchObject({
          status: 'member',
        });
      }
      return id;
    };
    const propose = async (p: Person, commons: string, title = 'Plant an orchard') => {
      const r = await p.call('POST', `/api/v1/commons/${commons}/proposals`, {
        title,
        action: { kind: 'resolution', text: 'Plant ten fruit trees' },
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as { id: string; openedAt: string; closesAt: string };
    };

    beforeAll(async () => {
      smtp = await startSmtp();
      t = await testApp(kind, { smtpUrl: smtp.url, publicUrl: PUBLIC });
    });
    afterAll(async () => {
      await t?.close();
      await smtp?.close();
    });

    it('tells a proposer of comments and positions, a commenter of replies, everyone who took part of the decision', async () => {
      const ada = await person('Ada').signUp();
      const bob = await person('Bob').signUp();
      const cleo = await person('Cleo').signUp();
      const commons = await commonsOf(ada, bob);
      const before = await list(ada);
      const p = await propose(bob, commons);
      await settle();
      // Ada, a member, hears of the proposal; Cleo, who is not one, hears of nothing.
      const opened = (await list(ada)).items[0]!;
      expect(opened).toMatchObject({
        kind: 'proposal_opened',
        commonsId: commons,
        proposalId: p.id,
        readAt: null,
        data: { proposalTitle: 'Plant an orchard', actorName: 'Bob' },
      });
      expect((await list(ada)).unread).toBe(before.unread + 1);
      expect((await list(cleo)).items).toEqual([]);
      expect((await list(bob)).items.some((i) => i.kind === 'proposal_opened' && i.proposalId === p.id)).toBe(
        false,
      );

      const k = await ada.call('POST', `/api/v1/commons/${commons}/proposals/${p.id}/comments`, {
        text: 'Which varieties?',
      });
      expect(k.statusCode, k.body).toBe(201);
      const bobs = await list(bob);
      expect(bobs.items[0]).toMatchObject({
        kind: 'comment_on_your_proposal',
        proposalId: p.id,
        data: { actorName: 'Ada', proposalTitle: 'Plant an orchard', commentId: k.json().id },
      });
      // Bob (the proposer) answers Ada: she hears of a reply; he hears nothing of his own comment.
      await bob.call('POST', `/api/v1/commons/${commons}/proposals/${p.id}/comments`, {
        text: 'Old local ones.',
        replyTo: k.json().id,
      });
      expect((await list(ada)).items[0]).toMatchObject({
        kind: 'reply_to_your_comment',
        data: { actorName: 'Bob' },
      });
      expect((await list(bob)).items.length).toBe(bobs.items.length);

      await ada.call('PUT', `/api/v1/commons/${commons}/proposals/${p.id}/position`, {
        stance: 'agree',
        reason: '',
      });
      expect((await list(bob)).items[0]).toMatchObject({
        kind: 'position_on_your_proposal',
        data: { actorName: 'Ada' },
      });
      const v = await bob.call('PUT', `/api/v1/commons/${commons}/proposals/${p.id}/position`, {
        stance: 'agree',
        reason: '',
      });
      expect(v.json().status).toBe('passed');
      for (const who of [ada, bob])
        expect((await list(who)).items[0]).toMatchObject({
          kind: 'decision',
          proposalId: p.id,
          data: { outcome: 'passed' },
        });
      expect((await list(cleo)).items).toEqual([]);
    });

    it('tells a person of a role they were given', async () => {
      const ada = await person('Ada').signUp();
      const bob = await person('Bob').signUp();
      const commons = await commonsOf(ada);
      const make = await ada.call('POST', `/api/v1/commons/${commons}/proposals`, {
        title: 'A treasurer',
        action: {
          kind: 'create_role',
          roleId: 'treasurer',
          name: 'Treasurer',
          description: '',
          mandate: [],
          termDays: null,
        },
      });
      expect(make.statusCode, make.body).toBe(201);
      await ada.call('PUT', `/api/v1/commons/${commons}/proposals/${make.json().id}/position`, {
        stance: 'agree',
        reason: '',
      });
      const assign = await ada.call('POST', `/api/v1/commons/${commons}/proposals`, {
        title: 'Ada keeps the books',
        action: { kind: 'assign_role', roleId: 'treasurer', accountId: ada.id },
      });
      expect(assign.statusCode, assign.body).toBe(201);
      await ada.call('PUT', `/api/v1/commons/${commons}/proposals/${assign.json().id}/position`, {
        stance: 'agree',
        reason: '',
      });
      expect((await list(ada)).items.find((i) => i.kind === 'role_assigned')).toMatchObject({
        data: { roleName: 'Treasurer', proposalTitle: 'Ada keeps the books' },
      });
      expect((await list(bob)).items).toEqual([]);
    });

    it('pages newest first; marks one read (only your own: 404 otherwise), then all', async () => {
      const ada = await person('Ada').signUp();
      const bob = await person('Bob').signUp();
      const commons = await commonsOf(ada, bob);
      const p = await propose(bob, commons);
      for (const text of ['one', 'two', 'three'])
        await ada.call('POST', `/api/v1/commons/${commons}/proposals/${p.id}/comments`, { text });
      const all = await list(bob);
      const comments = all.items.filter((i) => i.kind === 'comment_on_your_proposal');
      expect(comments).toHaveLength(3);
      const first = await list(bob, '?limit=2');
      expect(first.items).toEqual(all.items.slice(0, 2));
      expect(first.next).toBe(all.items[1]!.id);
      const second = await list(bob, `?limit=2&before=${first.next}`);
      expect(second.items).toEqual(all.items.slice(2, 4));
      expect((await bob.call('GET', '/api/v1/notifications?limit=abc')).statusCode).toBe(400);

      const mine = all.items[0]!;
      const unread = all.unread;
      // Ada cannot read or mark Bob's notification, nor an id like __proto__: 404, and nothing changes.
      for (const id of [mine.id, '__proto__', 'constructor', 'nope'])
        expectProblem(
          await ada.call('POST', `/api/v1/notifications/${id}/read`),
          404,
          'notification_not_found',
        );
      expect((await ada.call('POST', '/api/v1/notifications/..%2Fread-all/read')).statusCode).toBe(400);
      expect((await list(bob)).unread).toBe(unread);
      const read = await bob.call('POST', `/api/v1/notifications/${mine.id}/read`);
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json()).toMatchObject({ id: mine.id, readAt: expect.any(String) });
      expect((await list(bob)).unread).toBe(unread - 1);
      const aliceUnread = (await list(ada)).unread;
      const allRead = await bob.call('POST', '/api/v1/notifications/read-all');
      expect(allRead.json()).toEqual({ unread: 0 });
      expect((await list(bob)).items.every((i) => i.readAt !== null)).toBe(true);
      expect((await list(ada)).unread).toBe(aliceUnread);
      // Without a session: 401.
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/notifications' })).statusCode).toBe(401);
    });

    it('settings: defaults, changed kind by kind; malformed ones are a clear 400 and change nothing', async () => {
      const ada = await person('Ada').signUp();
      const bob = await person('Bob').signUp();
      const commons = await commonsOf(ada, bob);
      const defaults = await bob.call('GET', '/api/v1/account/notifications');
      expect(defaults.json().settings).toMatchObject({
        comment_on_your_proposal: 'in_app',
        reminder: 'email',
      });
      const changed = await bob.call('PATCH', '/api/v1/account/notifications', {
        settings: { comment_on_your_proposal: 'off' },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json().settings).toEqual({
        ...defaults.json().settings,
        comment_on_your_proposal: 'off',
      });
      for (const payload of [
        { settings: { comment_on_your_proposal: 'loud' } },
        { settings: { nope: 'off' } },
        { settings: {} },
        { settings: 'off' },
        {},
        { settings: { reminder: 'off' }, extra: 1 },
      ])
        expectProblem(await bob.call('PATCH', '/api/v1/account/notifications', payload), 400);
      const proto = await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/account/notifications',
        headers: { cookie: bob.cookie, 'x-csrf-token': bob.csrf, 'content-type': 'application/json' },
        payload: '{"settings": {"__proto__": {"reminder": "off"}}}',
      });
      expectProblem(proto, 400);
      expect((await bob.call('GET', '/api/v1/account/notifications')).json()).toEqual(changed.json());

      // Off: nothing is kept of that kind; the others still come.
      const p = await propose(bob, commons);
      await ada.call('POST', `/api/v1/commons/${commons}/proposals/${p.id}/comments`, { text: 'Hm.' });
      await ada.call('PUT', `/api/v1/commons/${commons}/proposals/${p.id}/position`, {
        stance: 'agree',
        reason: '',
      });
      const kinds = (await list(bob)).items.map((i) => i.kind);
      expect(kinds).toContain('position_on_your_proposal');
      expect(kinds).not.toContain('comment_on_your_proposal');
    });

    it('mails at once those who asked, with a one-click unsubscription from that kind', async () => {
      const ada = await person('Ada').signUp();
      const bob = await person('Bob').signUp();
      const commons = await commonsOf(ada, bob);
      await bob.call('PATCH', '/api/v1/account/notifications', {
        settings: { comment_on_your_proposal: 'email' },
      });
      const p = await propose(bob, commons, 'Mend the fence');
      await ada.call('POST', `/api/v1/commons/${commons}/proposals/${p.id}/comments`, {
        text: 'Yes, <b>soon</b>',
      });
      await settle();
      const mail = await smtp.waitFor(bob.email, 'notification');
      expect(mail.subject).toBe(
        `Ada commented on your proposal “Mend the fence” in ${await nameOf(commons)}.`,
      );
      expect(mail.text).toContain(`${PUBLIC}/c/${commons}/proposals/${p.id}`);
      expect(mail.html).toContain('max-width:560px');
      const oneClick = must(
        /<(https:[^>]+)>/.exec(must(mail.header('list-unsubscribe')))?.[1],
        'a one-click link',
      );
      expect(mail.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(mail.text).toContain(
        `${PUBLIC}/unsubscribe#account=${bob.id}&kind=comment_on_your_proposal&token=`,
      );
      // Ada (in the app only) got no mail.
      expect(mailsTo(ada.email, 'notification')).toEqual([]);

      const url = new URL(oneClick);
      expect(url.origin).toBe(PUBLIC);
      const forged = `${url.pathname}?account=${ada.id}&kind=comment_on_your_proposal&token=${url.searchParams.get('token')}`;
      expectProblem(await t.app.inject({ method: 'POST', url: forged }), 400, 'invalid_token');
      const otherKind = `${url.pathname}?account=${bob.id}&kind=decision&token=${url.searchParams.get('token')}`;
      expectProblem(await t.app.inject({ method: 'POST', url: otherKind }), 400, 'invalid_token');
      const done = await t.app.inject({
        method: 'POST',
        url: `${url.pathname}${url.search}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(done.statusCode, done.body).toBe(204);
      expect(
        (await bob.call('GET', '/api/v1/account/notifications')).json().settings.comment_on_your_proposal,
      ).toBe('in_app');
      await ada.call('POST', `/api/v1/commons/${commons}/proposals/${p.id}/comments`, { text: 'Again' });
      await settle();
      expect(mailsTo(bob.email, 'notification')).toHaveLength(1);
      expect((await list(bob)).items[0]).toMatchObject({
        kind: 'comment_on_your_proposal',
        data: { commentId: expect.any(String) },
      });
    });

    it('mails each person in their language', async () => {
      const ada = await person('Ada').signUp();
      const bea = await person('Bea').signUp();
      expect((await bea.call('PATCH', '/api/v1/account', { locale: 'fr' })).statusCode).toBe(200);
      const commons = await commonsOf(ada, bea);
      await bea.call('PATCH', '/api/v1/account/notifications', {
        settings: { position_on_your_proposal: 'email' },
      });
      const p = await propose(bea, commons, 'Réparer la clôture');
      await ada.call('PUT', `/api/v1/commons/${commons}/proposals/${p.id}/position`, {
        stance: 'agree',
        reason: '',
      });
      await settle();
      const mail = await smtp.waitFor(bea.email, 'notification');
      expect(mail.subject).toBe(
        `Ada a pris position sur votre proposition « Réparer la clôture » dans ${await nameOf(commons)}.`,
      );
      expect(mail.text).toContain('Bonjour Bea,');
      expect(mail.html).toContain('<html lang="fr">');
      expect(mail.text).toContain('Ne plus recevoir ce genre d’avis par e-mail');
    });

    it('reminds, once, the electorate who have not taken a position before a proposal closes', async () => {
      const ada = await person('Ada').signUp();
      const bob = await person('Bob').signUp();
      const cleo = await person('Cleo').signUp();
      const commons = await commonsOf(ada, bob, cleo);
      const p = await propose(bob, commons, 'Buy a wheelbarrow');
      await bob.call('PUT', `/api/v1/commons/${commons}/proposals/${p.id}/position`, {
        stance: 'agree',
        reason: '',
      });
      await settle();
      const due = reminderTime(p.openedAt, p.closesAt);
      const open = Date.parse(p.closesAt) - Date.parse(p.openedAt);
      expect(Date.parse(p.closesAt) - Date.parse(due)).toBe(Math.min(24 * 3_600_000, open / 4));
      // Not yet due: nothing.
      await t.ctx.notifications.sendReminders(new Date(Date.parse(due) - 60_000));
      await settle();
      expect(mailsTo(ada.email, 'reminder')).toEqual([]);
      await t.ctx.notifications.sendReminders(new Date(Date.parse(due) + 60_000));
      await settle();
      const mail = await smtp.waitFor(ada.email, 'reminder');
      expect(mail.subject).toBe('Reminder: Buy a wheelbarrow awaits your position');
      expect(mail.text).toContain(`${PUBLIC}/c/${commons}/proposals/${p.id}`);
      expect(mail.header('list-unsubscribe')).toMatch(/kind=reminder/);
      await smtp.waitFor(cleo.email, 'reminder');
      // Bob took a position: no reminder for him.
      expect(mailsTo(bob.email, 'reminder')).toEqual([]);
      expect((await list(ada)).items[0]).toMatchObject({
        kind: 'reminder',
        proposalId: p.id,
        data: { closesAt: p.closesAt },
      });
      // Once per proposal and person, however often the job runs.
      await t.ctx.notifications.sendReminders(new Date(Date.parse(due) + 120_000));
      await settle();
      expect(mailsTo(ada.email, 'reminder')).toHaveLength(1);
      expect((await list(ada)).items.filter((i) => i.kind === 'reminder')).toHaveLength(1);
    });

    it('a daily digest gathers what waited for it, once, with a one-click unsubscription from digests', async () => {
      const ada = await person('Ada').signUp();
      const bob = await person('Bob').signUp();
      const commons = await commonsOf(ada, bob);
      const s = await ada.call('PATCH', '/api/v1/account/notifications', {
        settings: { proposal_opened: 'digest', reply_to_your_comment: 'digest' },
      });
      expect(s.statusCode).toBe(200);
      const p1 = await propose(bob, commons, 'Compost bins');
      const p2 = await propose(bob, commons, 'Rain barrels');
      await settle();
      expect(mailsTo(ada.email)).toEqual([]);
      // Still in the app at once.
      expect((await list(ada)).items.slice(0, 2).map((i) => i.proposalId)).toEqual([p2.id, p1.id]);
      // Before the next digest time nothing goes; after it, one digest of both.
      const made = new Date();
      const nextDigest = new Date(lastDigestTime(made, 7).getTime() + 24 * 3_600_000);
      expect(await t.ctx.notifications.sendDigests(made)).toBe(0);
      expect(
        await t.ctx.notifications.sendDigests(new Date(nextDigest.getTime() + 1000)),
      ).toBeGreaterThanOrEqual(1);
      await settle();
      const digest: ReceivedMail = await smtp.waitFor(ada.email, 'digest');
      expect(digest.subject).toBe('peergov: 2 new notifications');
      expect(digest.text).toContain('Bob opened the proposal “Compost bins”');
      expect(digest.text).toContain('Bob opened the proposal “Rain barrels”');
      expect(digest.text).toContain(`${PUBLIC}/c/${commons}/proposals/${p1.id}`);
      await t.ctx.notifications.sendDigests(new Date(nextDigest.getTime() + 60_000));
      await settle();
      expect(mailsTo(ada.email, 'digest')).toHaveLength(1);

      const oneClick = new URL(must(/<(https:[^>]+)>/.exec(must(digest.header('list-unsubscribe')))?.[1]));
      expect(oneClick.searchParams.get('kind')).toBe('digest');
      expect(
        (await t.app.inject({ method: 'POST', url: `${oneClick.pathname}${oneClick.search}` })).statusCode,
      ).toBe(204);
      expect((await ada.call('GET', '/api/v1/account/notifications')).json().settings).toMatchObject({
        proposal_opened: 'in_app',
        reply_to_your_comment: 'in_app',
        reminder: 'email',
      });
    });

    it('never tells a person of a commons they may not see', async () => {
      const ada = await person('Ada').signUp();
      const bob = await person('Bob').signUp();
      const commons = await commonsOf(ada, bob);
      const p = await propose(bob, commons, 'Private matter');
      await settle();
      const state = must(await t.ctx.commons.get(commons), 'the state');
      const comment = {
        type: 'CommentPosted' as const,
        data: { id: 'k-private', proposalId: p.id, accountId: ada.id, text: 'x', replyTo: null },
        at: new Date().toISOString(),
        actor: ada.id,
      };
      const head = must(await t.ctx.store.head(commons), 'the head');
      // The same comment under a constitution whose readers are members only, once Bob has left: Bob hears nothing.
      const hidden = structuredClone(state) as CommonsState;
      hidden.core.constitution.participation = {
        ...hidden.core.constitution.participation!,
        see: { who: 'members' } as never,
      };
      hidden.core.members[bob.id]!.status = 'left';
      const count = (await list(bob)).items.length;
      t.ctx.notifications.committed(commons, head.size + 1, [comment], hidden);
      await settle();
      expect((await list(bob)).items.length).toBe(count);
      // Where anyone may see, the same comment reaches him (the check above is what kept it from him).
      const visible = structuredClone(hidden);
      visible.core.constitution.participation!.see = { who: 'anyone' };
      t.ctx.notifications.committed(commons, head.size + 2, [comment], visible);
      await settle();
      expect((await list(bob)).items[0]).toMatchObject({
        kind: 'comment_on_your_proposal',
        proposalId: p.id,
      });
    });

    it('tells the unread count live over Server-Sent Events', async () => {
      const ada = await person('Ada').signUp();
      const bob = await person('Bob').signUp();
      const commons = await commonsOf(ada, bob);
      const p = await propose(bob, commons);
      await settle();
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      expect(address).toContain(String(port));
      const counts: number[] = [];
      let wake = () => {};
      const req = http.get(
        `http://127.0.0.1:${port}/api/v1/notifications/events`,
        { headers: { cookie: bob.cookie, accept: 'text/event-stream' } },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          res.setEncoding('utf8');
          let buffer = '';
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const data = /^data: (.*)$/m.exec(block)?.[1];
              if (data) counts.push((JSON.parse(data) as { unread: number }).unread);
            }
            wake();
          });
        },
      );
      const until = async (ok: () => boolean) => {
        const deadline = Date.now() + 10_000;
        while (!ok()) {
          if (Date.now() > deadline) throw new Error(`no such event; heard ${JSON.stringify(counts)}`);
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 100);
          });
        }
      };
      try {
        await until(() => counts.length >= 1);
        const start = counts[0]!;
        expect(start).toBe((await list(bob)).unread);
        await ada.call('POST', `/api/v1/commons/${commons}/proposals/${p.id}/comments`, { text: 'Live?' });
        await until(() => counts.includes(start + 1));
        await bob.call('POST', '/api/v1/notifications/read-all');
        await until(() => counts.at(-1) === 0);
      } finally {
        req.destroy();
      }
    });

    it.skipIf(kind !== 'postgres')(
      'a bell served by another process on the same PostgreSQL counts live too',
      async () => {
        const ada = await person('Ada').signUp();
        const bob = await person('Bob').signUp();
        const commons = await commonsOf(ada, bob);
        const p = await propose(bob, commons);
        await settle();
        // A second server process on the same database (and data directory: the same instance key).
        const ctx = await createContext({ ...t.ctx.config });
        const other = await buildApp(ctx);
        try {
          await other.listen({ port: 0, host: '127.0.0.1' });
          const { port } = other.server.address() as AddressInfo;
          const counts = await streamCounts(port, bob.cookie);
          try {
            await counts.until((c) => c.length >= 1);
            const start = counts.seen[0]!;
            await ada.call('POST', `/api/v1/commons/${commons}/proposals/${p.id}/comments`, {
              text: 'Elsewhere?',
            });
            await counts.until((c) => c.includes(start + 1));
            await bob.call('POST', '/api/v1/notifications/read-all');
            await counts.until((c) => c.at(-1) === 0);
          } finally {
            counts.close();
          }
        } finally {
          await other.close();
          await ctx.mailer.close();
          await ctx.store.close();
        }
      },
    );

    const nameOf = async (commons: string) => must(await t.ctx.commons.get(commons), 'the commons').core.name;
  });
}

/** The unread counts of a person's notification stream on a listening server, as they come. */
async function streamCounts(port: number, cookie: string) {
  const seen: number[] = [];
  let wake = () => {};
  const req = http.get(
    `http://127.0.0.1:${port}/api/v1/notifications/events`,
    { headers: { cookie, accept: 'text/event-stream' } },
    (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          if (data) seen.push((JSON.parse(data) as { unread: number }).unread);
        }
        wake();
      });
    },
  );
  return {
    seen,
    async until(ok: (c: number[]) => boolean) {
      const deadline = Date.now() + 10_000;
      while (!ok(seen)) {
        if (Date.now() > deadline) throw new Error(`no such count; heard ${JSON.stringify(seen)}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 100);
        });
      }
    },
    close: () => req.destroy(),
  };
}
