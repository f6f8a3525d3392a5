// The verify worker (node:worker_threads): runs VerifyChecks (`verify-checks.ts`) on what the thread that reads the
// store posts to it, so that the record checks, the fold and the document comparison neither hold the event loop
// that serves requests nor wait for the reads (the next chunk is read while this one is checked). Started once per
// process by LogService.verify (`log-service.ts`) and kept; each verify is a session. One message in, one answer
// out, in order.
import { createPublicKey } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { VerifyChecks, type ChecksOptions } from './verify-checks';

export interface WorkerInit extends Omit<ChecksOptions, 'publicKey'> {
  /** The instance's public key, as PEM (SPKI). */
  publicKeyPem: string;
}

/** What a verify asks its session for. */
export type WorkerOp =
  | { op: 'open'; init: WorkerInit }
  | {
      op: 'push';
      records: Parameters<VerifyChecks['push']>[0];
      digests?: Parameters<VerifyChecks['push']>[1];
    }
  | { op: 'result'; at: Parameters<VerifyChecks['result']>[0] }
  | { op: 'docsFailure' }
  | { op: 'docsBegin'; kind: Parameters<VerifyChecks['docsBegin']>[0] }
  | { op: 'docsPage'; docs: Parameters<VerifyChecks['docsPage']>[0] }
  | { op: 'docsEnd' }
  | { op: 'close' };

export type WorkerRequest = WorkerOp & { session: number };

export type WorkerAnswer = { ok: true; value: unknown } | { ok: false; error: string };

const port = parentPort;
if (port) {
  const sessions = new Map<number, VerifyChecks>();
  const of = (session: number): VerifyChecks => {
    const checks = sessions.get(session);
    if (!checks) throw new Error(`no verify session ${session}`);
    return checks;
  };
  port.on('message', (m: WorkerRequest) => {
    let answer: WorkerAnswer;
    try {
      let value: unknown;
      switch (m.op) {
        case 'open': {
          const { publicKeyPem, ...rest } = m.init;
          sessions.set(m.session, new VerifyChecks({ ...rest, publicKey: createPublicKey(publicKeyPem) }));
          break;
        }
        case 'push':
          value = of(m.session).push(m.records, m.digests);
          break;
        case 'result':
          value = of(m.session).result(m.at);
          break;
        case 'docsFailure':
          value = of(m.session).docsFailure();
          break;
        case 'docsBegin':
          {
            const steps = of(m.session).docsBegin(m.kind);
            while (!steps.next().done);
          }
          break;
        case 'docsPage':
          of(m.session).docsPage(m.docs);
          break;
        case 'docsEnd':
          value = of(m.session).docsEnd();
          break;
        case 'close':
          sessions.delete(m.session);
          break;
      }
      answer = { ok: true, value: value ?? null };
    } catch (e) {
      answer = { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    port.postMessage(answer);
  });
  port.postMessage({ ok: true, value: 'ready' } satisfies WorkerAnswer);
}
