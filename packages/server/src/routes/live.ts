import type { ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context';
import { liveEventOfRecords, type LiveEvent } from '../live';
import { ApiError } from '../problems';
import { problems } from '../response-schemas';
import { CommonsParams } from '../schemas';

/** How long a browser waits before reconnecting a dropped stream, in ms (sent as the SSE `retry` field). */
const RETRY_MS = 3000;
/** A client that has not read this much of its stream is too slow to follow: its stream is dropped. */
const MAX_BUFFERED = 1 << 20;
/** Catching up after a reconnection reads back at most this many records (beyond, the event is not complete). */
const MAX_CATCH_UP = 1000;

const LastEventHeaders = Type.Object({
  'last-event-id': Type.Optional(
    Type.String({ description: 'The log size last heard; a smaller one gets one catch-up event at once.' }),
  ),
});

/** Live updates: a Server-Sent Events stream per commons, one event after each committed append. */
export function liveRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const streams = new Map<PassThrough, ServerResponse>();
  const heartbeatMs = ctx.config.liveHeartbeatMs ?? 25_000;
  let closing = false;
  // Open streams would keep the server from closing: each is ended, and its connection closed once the end is
  // sent (clients reconnect by themselves). Ending alone is not enough: the keep-alive connection it leaves idle may
  // come after the server closed its idle connections, and would hold the close open until the keep-alive timeout.
  app.addHook('preClose', async () => {
    closing = true;
    for (const [stream, res] of streams) {
      const cut = () => res.socket?.destroy();
      res.once('finish', cut);
      setTimeout(cut, 1000).unref();
      stream.end();
    }
  });

  app.get(
    '/api/v1/commons/:id/events',
    {
      schema: {
        tags: ['commons'],
        summary: 'Live updates: one Server-Sent Event after each committed append to the log',
        description:
          'A `text/event-stream`. After every committed append to this commons: `id: <log size>` and `data:` ' +
          'what changed: `{"size": <log size>, "types": [<event types appended>], "proposals": [<proposal ids ' +
          'opened, changed or decided>], "accounts": [<account ids whose membership or roles changed>], ' +
          '"positions": [<account ids that took a position>], "comments": [<comment ids posted>], "commons": ' +
          '<whether the commons view changed>, "complete": <false when some ids may be missing: load again ' +
          'everything shown>}`, so that a page loads again only what it shows that changed. The stream opens with ' +
          '`retry` and `id: <current size>`; a comment line every 25 s keeps it open. A reconnection sending ' +
          '`Last-Event-ID` smaller than the log size gets one event at once with what changed since. Public, ' +
          'like the commons itself (ids only: the log is public too).',
        params: CommonsParams,
        headers: LastEventHeaders,
        response: {
          200: {
            description: 'The event stream',
            // Typed as the stream the handler sends (streams are sent as they are, never serialised).
            content: { 'text/event-stream': { schema: Type.Unsafe<PassThrough>({ type: 'string' }) } },
          },
          ...problems(400, 401, 404, 500, 503),
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const head = await ctx.store.head(id);
      if (!head) throw new ApiError(404, 'commons_not_found', `There is no commons "${id}".`);

      // The log size the client has heard of: nothing smaller (or equal) is sent again.
      if (closing) throw new ApiError(503, 'closing', 'The server is shutting down; try again in a moment.');
      const last = parseLastEventId(req.headers['last-event-id']);
      let sent = last !== null && last < head.size ? last : head.size;
      const stream = new PassThrough();
      const send = (text: string) => {
        if (stream.destroyed || stream.writableEnded) return;
        if (stream.writableLength + stream.readableLength > MAX_BUFFERED) stream.destroy();
        else stream.write(text);
      };
      const sendEvent = (event: LiveEvent) => {
        if (event.size <= sent) return;
        sent = event.size;
        send(`id: ${event.size}\ndata: ${JSON.stringify(event)}\n\n`);
      };
      const unsubscribe = ctx.live.subscribe(id, head.size, sendEvent);
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), heartbeatMs);
      heartbeat.unref();
      streams.set(stream, reply.raw);
      // Fastify destroys the stream when the client goes away; one ended at server close closes once read.
      stream.once('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(stream);
      });

      send(`retry: ${RETRY_MS}\nid: ${sent}\n\n`);
      if (sent < head.size) {
        const records = await ctx.store.readRecords(id, sent, Math.min(head.size - sent, MAX_CATCH_UP));
        sendEvent(liveEventOfRecords(head.size, records, records.length === head.size - sent));
      }
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-accel-buffering', 'no')
        .send(stream);
    },
  );
}

function parseLastEventId(value: string | string[] | undefined): number | null {
  if (typeof value !== 'string' || !/^[0-9]{1,15}$/.test(value)) return null;
  return Number(value);
}
