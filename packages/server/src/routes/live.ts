import type { PassThrough } from 'node:stream';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context';
import { liveEventOfRecords, type LiveEvent } from '../live';
import { ApiError } from '../problems';
import { problems } from '../response-schemas';
import { eventStreams, RETRY_MS, sendEventStream } from './event-stream';
import { CommonsParams } from '../schemas';

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
  const streams = eventStreams(app, ctx.config.liveHeartbeatMs ?? 25_000, MAX_BUFFERED);

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

      const { stream, send } = streams.open(reply);
      // The log size the client has heard of: nothing smaller (or equal) is sent again.
      const last = parseLastEventId(req.headers['last-event-id']);
      let sent = last !== null && last < head.size ? last : head.size;
      const sendEvent = (event: LiveEvent) => {
        if (event.size <= sent) return;
        sent = event.size;
        send(`id: ${event.size}\ndata: ${JSON.stringify(event)}\n\n`);
      };
      stream.once('close', ctx.live.subscribe(id, head.size, sendEvent));

      send(`retry: ${RETRY_MS}\nid: ${sent}\n\n`);
      if (sent < head.size) {
        const records = await ctx.store.readRecords(id, sent, Math.min(head.size - sent, MAX_CATCH_UP));
        sendEvent(liveEventOfRecords(head.size, records, records.length === head.size - sent));
      }
      return sendEventStream(reply, stream);
    },
  );
}

function parseLastEventId(value: string | string[] | undefined): number | null {
  if (typeof value !== 'string' || !/^[0-9]{1,15}$/.test(value)) return null;
  return Number(value);
}
