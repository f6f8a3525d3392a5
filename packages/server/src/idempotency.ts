import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './problems';

/** How long a key is remembered, and how many keys at most (the oldest forgotten first). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_ENTRIES = 10_000;
// And at most this many bytes of kept answers (a proposal's view can be large): memory stays bounded whoever posts.
export const MAX_BYTES = 32 * 1024 * 1024;
// Visible ASCII, as Stripe's and the IETF draft's keys are (a UUID fits): no header tricks, no unbounded memory.
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

interface Entry {
  fingerprint: string;
  at: number;
  /** The kept answer's size (0 until it is kept). */
  bytes: number;
  /** Settled with the first answer, or with null when it failed on our side (then the key may be tried again). */
  answer: Promise<Answer | null>;
  settle: (answer: Answer | null) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { key: string; entry: Entry } | null;
  }
}

/**
 * `Idempotency-Key` on the API's POSTs: the same key from the same account within the window gets the first answer
 * again (`idempotent-replayed: true`) and writes nothing more; a second request that arrives while the first is still
 * running waits for its answer. A key sent again with another method, address or body is 422
 * `idempotency_key_reused`. Kept in this process's memory: with several processes, a retry that lands on another
 * one is not recognised.
 */
export class IdempotencyKeys {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly maxBytes = MAX_BYTES,
  ) {}

  /** Registers the hooks: after authentication and the CSRF check (preHandler), and when the answer is sent. */
  register(app: FastifyInstance): void {
    app.decorateRequest('idempotency', null);
    app.addHook('preHandler', async (request, reply) => this.before(request, reply));
    app.addHook('onSend', async (request, reply, payload) => {
      this.after(request, reply, payload);
      return payload;
    });
    app.addHook('onResponse', async (request) => {
      // An answer that never reached onSend with a body we could keep: forget the key rather than hang its retries.
      const held = request.idempotency;
      if (held) this.forget(held.key, held.entry, null);
    });
  }

  private async before(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const header = request.headers['idempotency-key'];
    if (header === undefined || request.method !== 'POST' || !request.url.startsWith('/api/v1/')) return;
    if (typeof header !== 'string' || !KEY_PATTERN.test(header))
      throw new ApiError(
        400,
        'invalid_idempotency_key',
        'The Idempotency-Key header must be one value of 1 to 255 visible ASCII characters (a UUID, for example).',
      );
    // Without an account there is no one to keep the key for (signing up and in): the header is ignored.
    const account = request.caller?.account;
    if (!account) return;
    this.expire();
    const key = `${account.id}\u0000${header}`;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\u0000${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const found = this.entries.get(key);
    if (found) {
      if (found.fingerprint !== fingerprint)
        throw new ApiError(
          422,
          'idempotency_key_reused',
          'This Idempotency-Key was already used for another request; use a new key for a new request.',
        );
      const answer = await found.answer;
      if (answer) {
        void reply.header('idempotent-replayed', 'true');
        if (answer.contentType) void reply.type(answer.contentType);
        return reply.code(answer.status).send(answer.body);
      }
      // The first attempt failed on our side and was forgotten: this one runs, under the same key, as if first.
      if (this.entries.get(key) === found) this.delete(key, found);
    }
    let settle: (answer: Answer | null) => void = () => {};
    const answer = new Promise<Answer | null>((resolve) => (settle = resolve));
    const entry: Entry = { fingerprint, at: this.clock(), bytes: 0, answer, settle };
    if (this.entries.size >= MAX_ENTRIES) this.dropOldest();
    this.entries.set(key, entry);
    request.idempotency = { key, entry };
  }

  private after(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const held = request.idempotency;
    if (!held) return;
    request.idempotency = null;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString() : null;
    // A failure on our side (or an answer that is not a body we can keep) is not remembered: a retry may succeed.
    if (body === null || reply.statusCode >= 500) {
      this.forget(held.key, held.entry, null);
      return;
    }
    const contentType = reply.getHeader('content-type');
    if (this.entries.get(held.key) === held.entry) {
      held.entry.bytes = Buffer.byteLength(body);
      this.bytes += held.entry.bytes;
      while (this.bytes > this.maxBytes && this.entries.size > 0) this.dropOldest();
    }
    held.entry.settle({
      status: reply.statusCode,
      contentType: typeof contentType === 'string' ? contentType : undefined,
      body,
    });
  }

  private forget(key: string, entry: Entry, answer: Answer | null): void {
    if (this.entries.get(key) === entry) this.delete(key, entry);
    entry.settle(answer);
  }

  private expire(): void {
    const limit = this.clock() - IDEMPOTENCY_WINDOW_MS;
    // Insertion order is age order: stop at the first one still inside the window.
    for (const [key, entry] of this.entries) {
      if (entry.at >= limit) break;
      this.delete(key, entry);
    }
  }

  private delete(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  // A request still running keeps its place: its waiting retries are answered when it ends, kept or not.
  private dropOldest(): void {
    const oldest = this.entries.entries().next().value;
    if (oldest) this.delete(oldest[0], oldest[1]);
  }

  /** How many bytes of answers are kept (for tests). */
  get keptBytes(): number {
    return this.bytes;
  }
}
