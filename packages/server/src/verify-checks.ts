/**
 * The CPU work of a streaming verify, apart from the reads: the records checked by the kernel's LogVerifier, the
 * state folded from them, and the stored read-model documents compared a page at a time with those the state implies
 * (one kind at a time). Imports only the kernel, so that it runs in the verify worker (`verify-worker.ts`) as well as
 * in the thread that reads (`log-service.ts`, for small logs or when no worker can start).
 */
import type { KeyObject } from 'node:crypto';
import {
  applyEvent,
  envelopesOf,
  eachReadModelDocOfKind,
  READ_MODEL_KINDS,
  type CommonsState,
  type ReadModelDoc,
} from '@peergov/kernel';
import {
  canonicalJson,
  LogVerifier,
  type LogVerification,
  type RecordDigests,
  type SignedCheckpoint,
  type StoredRecord,
  type VerifyLogOptions,
  type VerifyWhere,
} from '@peergov/kernel/log';

/** A stored document as the checks see it (the store's Doc without its commons). */
export interface PagedDoc {
  kind: string;
  id: string;
  body: unknown;
}

/** A document that differs from what the log gives, is missing or is extra. */
export interface DocFault {
  ok: false;
  where: VerifyWhere;
  seq: null;
  reason: string;
  doc?: { kind: string; id: string };
}

/** A stored record as the checks take it (StoredRecord, or the store's columns). */
export type CheckedRecord = Omit<StoredRecord, 'commons'> & { commons?: string; commonsId?: string };

/** What a push answers: how many records are verified, and the first fault if one is. */
export interface PushAnswer {
  size: number;
  fault: Extract<LogVerification, { ok: false }> | null;
}

export interface ChecksOptions {
  commons: string;
  publicKey: KeyObject | string;
  saved?: SignedCheckpoint;
  /** Fold the records into a state, to compare the documents with (false: records only). */
  docs: boolean;
}

/** The JSON value a document body stands for, in canonical form (undefined fields dropped, as the store drops them). */
export function canonicalBody(body: unknown): string {
  const json = JSON.stringify(body) as string | undefined;
  return json === undefined ? 'undefined' : canonicalJson(JSON.parse(json));
}

/** Top-level fields of two JSON values that differ, for a reason a person can act on. */
export function differingFields(expected: unknown, stored: unknown): string[] {
  if (typeof expected !== 'object' || typeof stored !== 'object' || !expected || !stored) return [];
  if (Array.isArray(expected) || Array.isArray(stored)) return [];
  const a = expected as Record<string, unknown>;
  const b = stored as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => !(k in a) || !(k in b) || canonicalBody(a[k]) !== canonicalBody(b[k]));
}

/** The fault of one document (expected `w`, stored `h`, either missing), or null when they agree. */
export function docFault(w: PagedDoc | undefined, h: PagedDoc | undefined): DocFault | null {
  const { kind, id } = (w ?? h)!;
  const fail = (what: string): DocFault => ({
    ok: false,
    where: 'document',
    seq: null,
    reason: `document ${kind} ${JSON.stringify(id)} ${what}`,
    doc: { kind, id },
  });
  if (!h) return fail('is missing: the log implies it');
  if (!w) return fail('is extra: the log does not imply it');
  if (canonicalBody(w.body) !== canonicalBody(h.body)) {
    const fields = differingFields(JSON.parse(JSON.stringify(w.body)) as unknown, h.body);
    return fail(
      `differs from what the log gives${fields.length > 0 ? ` (in ${fields.slice(0, 5).join(', ')})` : ''}`,
    );
  }
  return null;
}

export const replayFailure = (message: string): DocFault => ({
  ok: false,
  where: 'document',
  seq: null,
  reason: `the read models cannot be rebuilt: replaying the log failed (${message})`,
});

/**
 * The comparison of one kind's stored documents, fed a page at a time in any order, with the documents a state
 * implies: only that kind's expected documents are held (by id), and the page. `end` answers the first fault in id
 * order (UTF-16 code units, as readModelDocs orders them) among the documents that differ, are extra or are missing.
 */
export class KindComparison {
  private readonly want = new Map<string, ReadModelDoc>();
  private first: { id: string; fault: DocFault } | null = null;

  /** Takes in the expected documents, yielding after each `step` of them (where a caller may let the loop turn). */
  *fill(state: CommonsState | null, kind: ReadModelDoc['kind'], step: number): Generator<void> {
    if (!state) return;
    let n = 0;
    for (const d of eachReadModelDocOfKind(state, kind)) {
      this.want.set(d.id, d);
      if (++n % step === 0) yield;
    }
  }

  private note(id: string, fault: DocFault | null): void {
    if (fault && (this.first === null || id < this.first.id)) this.first = { id, fault };
  }

  page(docs: readonly PagedDoc[]): void {
    for (const h of docs) {
      const w = this.want.get(h.id);
      this.want.delete(h.id);
      // Past the first fault found, only documents before it in order can change the answer.
      if (this.first !== null && !(h.id < this.first.id)) continue;
      this.note(h.id, docFault(w, h));
    }
  }

  end(): DocFault | null {
    for (const [id, w] of this.want) this.note(id, docFault(w, undefined));
    return this.first?.fault ?? null;
  }
}

/** The kinds compared, in the order of their names (the order of the first fault reported). */
export const COMPARED_KINDS: readonly ReadModelDoc['kind'][] = [...READ_MODEL_KINDS].sort();

/**
 * Everything a verify computes, fed what the store holds: records in order (`push`), then the head checks
 * (`result`), then each kind's stored documents, page by page (`docsBegin`, `docsPage`, `docsEnd`).
 */
export class VerifyChecks {
  private readonly verifier: LogVerifier;
  private state: CommonsState | null = null;
  private failure: string | null = null;
  private readonly fold: boolean;
  private kind: KindComparison | null = null;

  constructor(options: ChecksOptions) {
    this.verifier = new LogVerifier({
      commons: options.commons,
      publicKey: options.publicKey,
      saved: options.saved,
    });
    this.fold = options.docs;
  }

  /** Checks the next records; `digests`, their bodies' recordDigests when the caller computed them. */
  push(records: readonly CheckedRecord[], digests?: RecordDigests): PushAnswer {
    const verified = this.verifier.push(records as readonly StoredRecord[], digests);
    if (this.fold && this.failure === null) {
      try {
        for (const r of verified) for (const e of envelopesOf(r)) this.state = applyEvent(this.state, e);
      } catch (e) {
        this.failure = (e as Error).message;
      }
    }
    return { size: this.verifier.size, fault: this.verifier.fault };
  }

  result(at: Pick<VerifyLogOptions, 'checkpoint' | 'head'>): LogVerification {
    return this.verifier.result(at);
  }

  /** A replay failure, when folding the records failed (then no document is compared). */
  docsFailure(): DocFault | null {
    return this.failure === null ? null : replayFailure(this.failure);
  }

  /**
   * Starts the comparison of a kind: its expected documents are taken in as the steps are run (`step` documents
   * each; run them all before the first page).
   */
  docsBegin(kind: ReadModelDoc['kind'], step = 1000): Generator<void> {
    this.kind = new KindComparison();
    return this.kind.fill(this.state, kind, step);
  }

  docsPage(docs: readonly PagedDoc[]): void {
    this.kind!.page(docs);
  }

  docsEnd(): DocFault | null {
    const fault = this.kind!.end();
    this.kind = null;
    return fault;
  }
}
