// Group commit for appends: the appends a store is given in one event-loop turn are queued and, on the next
// setImmediate, handed together to `run`, which writes them in one transaction (one commit, one fsync) and settles
// each one's promise. A batch is bounded in appends and in weight (bytes); what is left over goes in the next one.

/** One queued append: its input as the store prepared it, its weight (bytes) and its promise's settlers. */
export interface Queued<T> {
  readonly input: T;
  readonly weight: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export interface BatchLimits {
  /** At most this many appends in one batch. */
  maxAppends: number;
  /** At most this much weight in one batch, unless one append alone weighs more (it then goes alone). */
  maxWeight: number;
  /** At most this many batches being written at once; the appends queued meanwhile wait for the next. */
  maxInFlight: number;
}

/**
 * Queues appends and hands them to `run` in batches. `run` must settle every append of its batch (resolve after the
 * commit, or reject); if it throws or rejects, every append of the batch it has not settled rejects with that error.
 */
export class AppendBatcher<T> {
  private queue: Queued<T>[] = [];
  private scheduled = false;
  private inFlight = 0;
  private drained: (() => void)[] = [];

  constructor(
    private readonly limits: BatchLimits,
    private readonly run: (batch: readonly Queued<T>[]) => void | Promise<void>,
  ) {}

  /** Queues one append; resolves once it is committed, rejects if it (or its batch) fails. */
  add(input: T, weight: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ input, weight, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once nothing is queued and no batch is being written (for close()). */
  drain(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0;
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.limits.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /**
   * Writes the queued appends now, without waiting for the setImmediate (as far as maxInFlight allows), if `wanted`
   * holds for one of them. For a store whose `run` is synchronous (SQLite): a read of what a queued append changes
   * then sees it, as when appends ran at once, and a loop of reads that only ever awaits promises (never yielding to
   * setImmediate) cannot starve the appends.
   */
  flushIf(wanted: (input: T) => boolean): void {
    if (this.queue.some((q) => wanted(q.input))) this.flush();
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < this.limits.maxInFlight) {
      const batch = this.take();
      this.inFlight++;
      let written: void | Promise<void>;
      try {
        written = this.run(batch);
      } catch (error) {
        this.fail(batch, error);
        this.inFlight--;
        continue;
      }
      if (written instanceof Promise) {
        written.then(
          () => this.finished(),
          (error: unknown) => {
            this.fail(batch, error);
            this.finished();
          },
        );
      } else {
        this.inFlight--;
      }
    }
    this.notifyIdle();
  }

  /** Rejects the appends of a batch that `run` left unsettled (settling a settled promise does nothing). */
  private fail(batch: readonly Queued<T>[], error: unknown): void {
    for (const q of batch) q.reject(error);
  }

  private finished(): void {
    this.inFlight--;
    this.schedule();
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.idle()) for (const resolve of this.drained.splice(0)) resolve();
  }

  /** The next batch: queued appends in order, within the limits (always at least one). */
  private take(): Queued<T>[] {
    let weight = 0;
    let count = 0;
    for (const q of this.queue) {
      if (count >= this.limits.maxAppends || (count > 0 && weight + q.weight > this.limits.maxWeight)) break;
      weight += q.weight;
      count++;
    }
    return this.queue.splice(0, count);
  }
}

/** An append's weight for the batch limit: roughly the bytes of its records and document changes. */
export function appendWeight(
  records: readonly { body: string }[],
  docChanges: readonly { kind: string; id: string; json: string | null }[],
): number {
  let weight = 0;
  for (const r of records) weight += r.body.length + 128;
  for (const d of docChanges) weight += (d.json?.length ?? 0) + d.kind.length + d.id.length;
  return weight;
}
