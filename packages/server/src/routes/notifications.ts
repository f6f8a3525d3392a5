import type { PassThrough } from 'node:stream';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireAccount } from '../auth';
import type { AppContext } from '../context';
import { settingsOf, viewOf } from '../notifications';
import { ApiError } from '../problems';
import { eventStreams, RETRY_MS, sendEventStream } from './event-stream';
import {
  NoContentSchema,
  NotificationPageSchema,
  NotificationSettingsSchema,
  NotificationViewSchema,
  problems,
  UnreadSchema,
} from '../response-schemas';
import {
  NotificationPageQuery,
  NotificationParams,
  NotificationSettingsBody,
  NotificationUnsubscribeQuery,
} from '../schemas';

const readProblems = problems(400, 401, 403, 500);
const writeProblems = problems(400, 401, 403, 404, 413, 415, 500);
const MAX_BUFFERED = 1 << 16;

/** The signed-in person's notifications (paged, read/unread, live) and their settings; one-click unsubscription. */
export async function notificationRoutes(server: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['notifications'];
  // As the commons' live streams (each ended and its connection closed when the server closes).
  const streams = eventStreams(app, ctx.config.liveHeartbeatMs ?? 25_000, MAX_BUFFERED);

  app.get(
    '/api/v1/notifications',
    {
      schema: {
        tags,
        summary: 'Your notifications, newest first, with the number unread',
        description: '`limit` (1-100, default 20) and `before` (the `next` of the previous page).',
        querystring: NotificationPageQuery,
        response: { 200: NotificationPageSchema, ...readProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      const limit = Math.min(Math.max(Number(req.query.limit ?? 20), 1), 100);
      // One more than asked tells whether there is a next page.
      const rows = await ctx.store.listNotifications(account.id, limit + 1, req.query.before);
      const items = rows.slice(0, limit).map(viewOf);
      return {
        items,
        unread: await ctx.store.countUnreadNotifications(account.id),
        next: rows.length > limit ? (items.at(-1)?.id ?? null) : null,
      };
    },
  );

  app.post(
    '/api/v1/notifications/:nid/read',
    {
      schema: {
        tags,
        summary: 'Mark one of your notifications read',
        description: 'Another person’s notification, or none of that id, is 404 notification_not_found.',
        params: NotificationParams,
        response: { 200: NotificationViewSchema, ...writeProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      const n = await ctx.store.markNotificationRead(account.id, req.params.nid, new Date().toISOString());
      if (!n) throw new ApiError(404, 'notification_not_found', 'You have no notification of this id.');
      await ctx.notifications.changed(account.id);
      return viewOf(n);
    },
  );

  app.post(
    '/api/v1/notifications/read-all',
    {
      schema: {
        tags,
        summary: 'Mark all your notifications read',
        response: { 200: UnreadSchema, ...writeProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      await ctx.store.markAllNotificationsRead(account.id, new Date().toISOString());
      await ctx.notifications.changed(account.id);
      return { unread: await ctx.store.countUnreadNotifications(account.id) };
    },
  );

  app.get(
    '/api/v1/notifications/events',
    {
      schema: {
        tags,
        summary: 'Live: your unread count, at once and after every change (Server-Sent Events)',
        description:
          'A `text/event-stream` of `data: {"unread": <count>}`: one when it opens, one after each new notification ' +
          'or mark read. A comment line every 25 s keeps it open.',
        response: {
          200: {
            description: 'The event stream',
            content: { 'text/event-stream': { schema: Type.Unsafe<PassThrough>({ type: 'string' }) } },
          },
          ...problems(401, 500, 503),
        },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const { stream, send } = streams.open(reply);
      // A change is heard once here and once back through the store (PostgreSQL): each count is sent once.
      let last = -1;
      const sendCount = (unread: number) => {
        if (unread === last) return;
        last = unread;
        send(`data: ${JSON.stringify({ unread })}\n\n`);
      };
      stream.once('close', ctx.notifications.subscribe(account.id, sendCount));
      send(`retry: ${RETRY_MS}\n\n`);
      sendCount(await ctx.store.countUnreadNotifications(account.id));
      return sendEventStream(reply, stream);
    },
  );

  app.get(
    '/api/v1/account/notifications',
    {
      schema: {
        tags: ['account'],
        summary: 'How you get each kind of notification',
        response: { 200: NotificationSettingsSchema, ...readProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      return { settings: settingsOf((await ctx.store.notificationSettings([account.id])).get(account.id)) };
    },
  );

  app.patch(
    '/api/v1/account/notifications',
    {
      schema: {
        tags: ['account'],
        summary: 'Change how you get some kinds of notification',
        description:
          'Each kind given: `off`, `in_app`, `email` (at once, and in the app) or `digest` (a daily mail, and in the ' +
          'app); the others stay as they are. An unknown kind or way is 400 and changes nothing.',
        body: NotificationSettingsBody,
        response: { 200: NotificationSettingsSchema, ...writeProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      const current = settingsOf((await ctx.store.notificationSettings([account.id])).get(account.id));
      const next = settingsOf({ ...current, ...req.body.settings });
      await ctx.store.setNotificationSettings(account.id, next);
      return { settings: next };
    },
  );

  // Mail programs POST `List-Unsubscribe=One-Click` as a form (RFC 8058): read here only, and ignored.
  await server.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_req, _body, done) => done(null, undefined),
    );
    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      '/api/v1/notifications/unsubscribe',
      {
        schema: {
          tags,
          summary: 'Get no more mail of one kind of notification, or no more digests (one click, RFC 8058)',
          description:
            'The link of a notification mail: `account`, `kind` (a kind, or `digest`) and its `token`. Answers 204: ' +
            'that kind (or every kind sent by digest) stays in the app only. A wrong token is 400 invalid_token.',
          querystring: NotificationUnsubscribeQuery,
          response: { 204: NoContentSchema, ...problems(400, 413, 415, 500) },
        },
      },
      async (req, reply) => {
        const { account, kind, token } = req.query;
        if (!ctx.notifications.verifyUnsubscribe(account, kind, token))
          throw new ApiError(400, 'invalid_token', 'This unsubscribe link is not valid.');
        await ctx.notifications.unsubscribeFrom(account, kind);
        return reply.status(204).send();
      },
    );
  });
}
