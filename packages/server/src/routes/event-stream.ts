import type { ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../problems';

/** How long a browser waits before reconnecting a dropped stream, in ms (sent as the SSE `retry` field). */
export const RETRY_MS = 3000;

/** One open Server-Sent Events stream: `send` writes to it, unless the client is too slow (then it is dropped). */
export interface EventStream {
  stream: PassThrough;
  send(text: string): void;
}

/**
 * The Server-Sent Events streams of one route file. Each stream gets a heartbeat comment every `heartbeatMs` and is
 * dropped when its client has not read `maxBuffered` bytes of it. Open streams would keep the server from closing:
 * at close each is ended, and its connection closed once the end is sent (clients reconnect by themselves). Ending
 * alone is not enough: the keep-alive connection it leaves idle may come after the server closed its idle
 * connections, and would hold the close open until the keep-alive timeout.
 */
export function eventStreams(app: FastifyInstance, heartbeatMs: number, maxBuffered: number) {
  const streams = new Map<PassThrough, ServerResponse>();
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    for (const [stream, res] of streams) {
      const cut = () => res.socket?.destroy();
      res.once('finish', cut);
      setTimeout(cut, 1000).unref();
      stream.end();
    }
  });
  return {
    /** A new stream for this reply (503 while the server closes); what else it holds goes on its 'close'. */
    open(reply: FastifyReply): EventStream {
      if (closing) throw new ApiError(503, 'closing', 'The server is shutting down; try again in a moment.');
      const stream = new PassThrough();
      const send = (text: string) => {
        if (stream.destroyed || stream.writableEnded) return;
        if (stream.writableLength + stream.readableLength > maxBuffered) stream.destroy();
        else stream.write(text);
      };
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), heartbeatMs);
      heartbeat.unref();
      streams.set(stream, reply.raw);
      // Fastify destroys the stream when the client goes away; one ended at server close closes once read.
      stream.once('close', () => {
        clearInterval(heartbeat);
        streams.delete(stream);
      });
      return { stream, send };
    },
  };
}

/** Answers with the stream, as an event stream that no proxy buffers or caches. */
export function sendEventStream(reply: FastifyReply, stream: PassThrough) {
  return reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-accel-buffering', 'no')
    .send(stream);
}
