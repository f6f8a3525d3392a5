// One form submission at a time, each with its Idempotency-Key: a second click before React has re-rendered the
// disabled button sends nothing, and a retry after a lost answer (the request may have been written) sends the same
// key again, so that the server answers it with the first answer instead of writing twice.
import { useRef, useState } from 'react';
import { ApiError, newIdempotencyKey } from '../api/client';

export class Submission {
  private key: string | null = null;
  private running = false;

  constructor(private readonly onBusy: (busy: boolean) => void = () => {}) {}

  /** Runs `send` with this submission's key, unless one is already running (then resolves false at once). */
  async run(send: (idempotencyKey: string) => Promise<unknown>): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    this.onBusy(true);
    const key = (this.key ??= newIdempotencyKey());
    try {
      await send(key);
      this.key = null;
      return true;
    } catch (error) {
      // An answer, even a refusal, ends the submission; a network failure leaves it open for a retry.
      if (!(error instanceof ApiError && error.status === 0)) this.key = null;
      throw error;
    } finally {
      this.running = false;
      this.onBusy(false);
    }
  }
}

/** A form's submission: `busy` while it runs (disable the button with it), `run` to start it. */
export function useSubmission(): { busy: boolean; run: Submission['run'] } {
  const [busy, setBusy] = useState(false);
  const ref = useRef<Submission | null>(null);
  ref.current ??= new Submission(setBusy);
  const submission = ref.current;
  return { busy, run: (send) => submission.run(send) };
}
