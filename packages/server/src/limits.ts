import { ApiError } from './problems';

/** A refusal because of too many attempts: a 429 that says when to try again (the Retry-After header). */
export class RateLimitedError extends ApiError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many attempts; wait a minute and try again.',
  ) {
    super(429, 'rate_limited', message);
    this.name = 'RateLimitedError';
  }
}

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Counts attempts per key in fixed windows, in this process's memory. An attempt is taken before the work it guards
 * (so that many concurrent attempts cannot all slip under the limit) and may be given back afterwards (a successful
 * sign-in does not count). At most `maxKeys` keys are remembered: expired windows go first, then the oldest.
 * Several server processes each count on their own; the limit then holds per process.
 */
export class AttemptLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly clock: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one attempt; returns 0 if it is allowed, else the seconds until the key may try again (not counted). */
  take(key: string): number {
    const now = this.clock();
    let w = this.windows.get(key);
    if (w && w.resetAt <= now) {
      this.windows.delete(key);
      w = undefined;
    }
    if (!w) {
      this.makeRoom(now);
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    if (w.count >= this.max) return Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    w.count++;
    return 0;
  }

  /** Gives back an attempt taken under the key (in the same window). */
  giveBack(key: string): void {
    const w = this.windows.get(key);
    if (w && w.count > 0) w.count--;
  }

  private makeRoom(now: number): void {
    if (this.windows.size < this.maxKeys) return;
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    while (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
  }
}

/**
 * Takes one attempt from each limiter under its key, all or none: if any refuses, those already taken are given back
 * and a RateLimitedError is thrown. Returns a function that gives all of them back.
 */
export function takeAll(parts: [AttemptLimiter, string][]): () => void {
  const taken: [AttemptLimiter, string][] = [];
  for (const [limiter, key] of parts) {
    const wait = limiter.take(key);
    if (wait > 0) {
      for (const [l, k] of taken) l.giveBack(k);
      throw new RateLimitedError(wait);
    }
    taken.push([limiter, key]);
  }
  return () => {
    for (const [l, k] of taken) l.giveBack(k);
  };
}

// Limiters that live as long as an application context (one per context: tests build many).
const perContext = new WeakMap<object, Map<string, AttemptLimiter>>();

/** The limiter called `name` of this context, made on first use with `max` attempts per `windowMs`. */
export function limiterOf(owner: object, name: string, max: number, windowMs: number): AttemptLimiter {
  let byName = perContext.get(owner);
  if (!byName) perContext.set(owner, (byName = new Map()));
  let limiter = byName.get(name);
  if (!limiter) byName.set(name, (limiter = new AttemptLimiter(max, windowMs)));
  return limiter;
}
