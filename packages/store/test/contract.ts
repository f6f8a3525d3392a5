// The store contract: every Store implementation passes these tests unchanged (SQLite and PostgreSQL).
// `open` must return a new Store on the same database each call (a second connection, or a reopening after close);
// the suite migrates every store it opens and closes them at the end. Tests share the database, so each one works
// on its own commons, kinds and accounts.

import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  StoreConflictError,
  type DeadlineChange,
  type DocChange,
  type LogHead,
  type MerkleNodeKey,
  type Store,
  type StoredMerkleNode,
  type StoredNotification,
  type StoredRecord,
} from '../src/index';

const ZERO_HASH = '0'.repeat(64);

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function makeRecords(
  commonsId: string,
  fromSeq: number,
  bodies: string[],
  type = 'test.event',
): StoredRecord[] {
  return bodies.map((body, i) => ({
    commonsId,
    seq: fromSeq + i,
    type,
    at: `2025-01-01T00:00:${String((fromSeq + i) % 60).padStart(2, '0')}.000Z`,
    hash: sha256(body),
    body,
  }));
}

function headAfter(
  commonsId: string,
  previous: LogHead | null,
  records: StoredRecord[],
  checkpoint: LogHead['checkpoint'] = null,
): LogHead {
  const size = (previous?.size ?? 0) + records.length;
  const last = records[records.length - 1];
  return {
    commonsId,
    size,
    hash: last ? last.hash : (previous?.hash ?? ZERO_HASH),
    // Opaque to the store; any list of hex strings will do.
    merkle: [...(previous?.merkle ?? []), ...records.map((r) => r.hash)].slice(-3),
    checkpoint,
  };
}

/** Reads the head and appends `bodies` on top of it (no retry). */
async function appendBodies(
  store: Store,
  commonsId: string,
  bodies: string[],
  docs: DocChange[] = [],
): Promise<LogHead> {
  const previous = await store.head(commonsId);
  const expectedSize = previous?.size ?? 0;
  const records = makeRecords(commonsId, expectedSize, bodies);
  const head = headAfter(commonsId, previous, records);
  await store.append({ commonsId, expectedSize, records, head, docs });
  return head;
}

/**
 * The Merkle nodes that leaves [from, to) complete (a leaf, then each subtree it closes), with made-up hashes: the
 * store keeps them as given, so any distinct strings will do.
 */
function nodesFor(from: number, to: number, tag = 'h'): StoredMerkleNode[] {
  const nodes: StoredMerkleNode[] = [];
  for (let leaf = from; leaf < to; leaf++) {
    for (let level = 0; (leaf + 1) % 2 ** level === 0; level++) {
      const index = (leaf + 1) / 2 ** level - 1;
      nodes.push({ level, index, hash: `${tag}${level}.${index}` });
    }
  }
  return nodes;
}

const byPosition = (nodes: readonly StoredMerkleNode[]) =>
  [...nodes].sort((a, b) => a.level - b.level || a.index - b.index);

/** Appends `count` records on top of the head with the nodes they complete (or none), returning the new head. */
async function appendWithNodes(
  store: Store,
  commonsId: string,
  count: number,
  nodes: 'nodes' | 'none' = 'nodes',
  docs: DocChange[] = [],
): Promise<LogHead> {
  const previous = await store.head(commonsId);
  const expectedSize = previous?.size ?? 0;
  const bodies = Array.from({ length: count }, (_, i) => `{"leaf":${expectedSize + i}}`);
  const records = makeRecords(commonsId, expectedSize, bodies);
  const head = headAfter(commonsId, previous, records);
  await store.append({
    commonsId,
    expectedSize,
    records,
    head,
    docs,
    ...(nodes === 'nodes' ? { nodes: nodesFor(expectedSize, head.size) } : {}),
  });
  return head;
}

const keysOf = (nodes: readonly StoredMerkleNode[]): MerkleNodeKey[] =>
  nodes.map(({ level, index }) => ({ level, index }));

async function expectConflict(promise: Promise<unknown>, code: StoreConflictError['code']): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected StoreConflictError ${code}`).toBeInstanceOf(StoreConflictError);
  expect((error as StoreConflictError).code).toBe(code);
}

async function expectPlainError(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(StoreConflictError);
  expect((error as Error).message).toMatch(message);
}

// Bodies that an encoder could be tempted to normalise: each must come back byte for byte.
const AWKWARD_BODIES = [
  '{"b":1,"a":2}',
  '{ "spaced" : [ 1 , 2 ] }',
  '{"n":1.0,"m":1e3,"z":-0}',
  '{"text":"h\u00e9llo w\u00f6rld \u4e2d\u6587 \u05e9\u05dc\u05d5\u05dd"}',
  '{"emoji":"\u{1F5F3}\uFE0F \u{1F469}\u{1F3FD}\u200D\u{1F91D}\u200D\u{1F469}\u{1F3FB}"}',
  '{"combining":"e\u0301 vs \u00e9","separators":"\u2028\u2029"}',
  JSON.stringify({ escapes: 'quote " backslash \\ newline \n tab \t cr \r', ctrl: '\u0001\u001f' }),
  '{"escaped":"\\u00e9 \\ud83d\\uddf3 \\u0000 \\n \\" \\\\"}',
  `{"sql":"'); DROP TABLE records; --","array":"{\\"a\\",\\"b\\"}","braces":"{}[]()"}`,
  'not json at all: \\ " \' ` $1 %s ${x}',
  'NULL',
  '"NULL"',
  '',
  JSON.stringify({ long: 'x\u00e9\u{1F600}'.repeat(20_000) }),
];

/** Registers the contract tests for one Store implementation. */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    const opened: Store[] = [];
    let store: Store;
    const run = randomBytes(4).toString('hex');
    let counter = 0;
    /** A name no other test uses. */
    const fresh = (label: string) => `${label}-${run}-${++counter}`;

    const openStore = async (): Promise<Store> => {
      const s = await open();
      opened.push(s);
      await s.migrate();
      return s;
    };

    beforeAll(async () => {
      store = await openStore();
    });

    afterAll(async () => {
      for (const s of opened) await s.close();
    });

    describe('log', () => {
      it('a commons without a log has no head and no records', async () => {
        const c = fresh('empty');
        expect(await store.head(c)).toBeNull();
        expect(await store.readRecords(c)).toEqual([]);
        expect(await store.listCommonsIds()).not.toContain(c);
      });

      it('append creates the log, moves the head and returns the records in order', async () => {
        const c = fresh('create');
        const records = makeRecords(c, 0, ['{"i":0}', '{"i":1}', '{"i":2}'], 'commons.created');
        const head = headAfter(c, null, records);
        await store.append({ commonsId: c, expectedSize: 0, records, head, docs: [] });
        expect(await store.head(c)).toEqual(head);
        expect(await store.readRecords(c)).toEqual(records);
        expect(await store.listCommonsIds()).toContain(c);

        const more = makeRecords(c, 3, ['{"i":3}', '{"i":4}']);
        const head2 = headAfter(c, head, more);
        await store.append({ commonsId: c, expectedSize: 3, records: more, head: head2, docs: [] });
        expect(await store.head(c)).toEqual(head2);
        expect(await store.readRecords(c)).toEqual([...records, ...more]);
      });

      it('readRecords honours fromSeq and limit', async () => {
        const c = fresh('range');
        const all: StoredRecord[] = [];
        for (const batch of [[0, 1, 2], [3], [4, 5, 6, 7, 8, 9]]) {
          const before = all.length;
          await appendBodies(
            store,
            c,
            batch.map((i) => `{"i":${i}}`),
          );
          all.push(...(await store.readRecords(c, before)));
        }
        expect(all.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect((await store.readRecords(c, 4)).map((r) => r.seq)).toEqual([4, 5, 6, 7, 8, 9]);
        expect((await store.readRecords(c, 4, 3)).map((r) => r.seq)).toEqual([4, 5, 6]);
        expect((await store.readRecords(c, 0, 1)).map((r) => r.seq)).toEqual([0]);
        expect((await store.readRecords(c, 8, 100)).map((r) => r.seq)).toEqual([8, 9]);
        expect(await store.readRecords(c, 0, 0)).toEqual([]);
        expect(await store.readRecords(c, 10)).toEqual([]);
        expect(await store.readRecords(c, 1000, 5)).toEqual([]);
        expect(await store.readRecords(c, undefined, 2)).toEqual(all.slice(0, 2));
        expect(await store.readRecords(c)).toEqual(all);
      });

      it('record bodies, types and times come back byte-identical', async () => {
        const c = fresh('bytes');
        const records = AWKWARD_BODIES.map((body, seq) => ({
          commonsId: c,
          seq,
          type: ['t\u00e9st.\u{1F5F3}', 'a"b', "it's"][seq % 3]!,
          at: `2025-06-0${(seq % 9) + 1}T12:34:56.789+02:00`,
          hash: sha256(body),
          body,
        }));
        await store.append({
          commonsId: c,
          expectedSize: 0,
          records,
          head: headAfter(c, null, records),
          docs: [],
        });
        // Read through a second store too, so no cache can answer.
        for (const s of [store, await openStore()]) {
          const read = await s.readRecords(c);
          expect(read).toHaveLength(AWKWARD_BODIES.length);
          read.forEach((record, i) => {
            expect(record).toEqual(records[i]);
            expect(Buffer.from(record.body, 'utf8').equals(Buffer.from(AWKWARD_BODIES[i]!, 'utf8'))).toBe(
              true,
            );
            expect(sha256(record.body)).toBe(record.hash);
          });
        }
      });

      it('the head keeps the Merkle frontier and the checkpoint as given; an append may add no records', async () => {
        const c = fresh('checkpoint');
        const head = await appendBodies(store, c, ['{"a":1}', '{"a":2}']);
        expect((await store.head(c))?.checkpoint).toBeNull();
        const checkpoint = {
          commons: c,
          size: 2,
          root: 'ab'.repeat(32),
          time: '2025-01-01T00:00:00Z',
          signature: 'c2ln\u00e9',
          keyId: 'key-1',
        };
        const signed: LogHead = { ...head, merkle: ['01'.repeat(32), 'fe'.repeat(32)], checkpoint };
        await store.append({ commonsId: c, expectedSize: 2, records: [], head: signed, docs: [] });
        expect(await store.head(c)).toEqual(signed);
        expect(await store.readRecords(c)).toHaveLength(2);
      });

      it('listCommonsIds lists every commons with a log, oldest first', async () => {
        const ids = [fresh('zz-order'), fresh('aa-order'), fresh('MM-order')];
        for (const c of ids) await appendBodies(store, c, ['{}']);
        // A commons whose only append failed has no log.
        const failed = fresh('failed');
        const records = makeRecords(failed, 5, ['{}']);
        const ahead: LogHead = { commonsId: failed, size: 5, hash: ZERO_HASH, merkle: [], checkpoint: null };
        await expectConflict(
          store.append({
            commonsId: failed,
            expectedSize: 5,
            records,
            head: headAfter(failed, ahead, records),
            docs: [],
          }),
          'log_conflict',
        );
        const listed = await store.listCommonsIds();
        expect(listed.filter((id) => ids.includes(id))).toEqual(ids);
        expect(listed).not.toContain(failed);
        expect(new Set(listed).size).toBe(listed.length);
      });
    });

    describe('conflicts and atomicity', () => {
      it('a stale writer gets log_conflict and writes nothing: records, head and docs unchanged', async () => {
        const c = fresh('stale');
        await appendBodies(store, c, ['{"n":0}', '{"n":1}'], [{ kind: 'state', id: 'x', body: { v: 1 } }]);
        const staleHead = await store.head(c);
        // Another writer moves the log on.
        const winnerHead = await appendBodies(
          store,
          c,
          ['{"n":"winner"}'],
          [{ kind: 'state', id: 'x', body: { v: 2 } }],
        );
        const recordsBefore = await store.readRecords(c);

        const staleRecords = makeRecords(c, 2, ['{"n":"stale"}', '{"n":"stale2"}']);
        await expectConflict(
          store.append({
            commonsId: c,
            expectedSize: 2,
            records: staleRecords,
            head: headAfter(c, staleHead, staleRecords),
            docs: [
              { kind: 'state', id: 'x', body: { v: 99 } },
              { kind: 'state', id: 'y', body: { v: 99 } },
            ],
          }),
          'log_conflict',
        );
        expect(await store.head(c)).toEqual(winnerHead);
        expect(await store.readRecords(c)).toEqual(recordsBefore);
        expect(await store.getDoc(c, 'state', 'x')).toEqual({ v: 2 });
        expect(await store.getDoc(c, 'state', 'y')).toBeNull();
      });

      it('an expectedSize ahead of the log is a conflict too', async () => {
        const c = fresh('ahead');
        const head = await appendBodies(store, c, ['{}', '{}', '{}']);
        const records = makeRecords(c, 5, ['{}']);
        const ahead: LogHead = { ...head, size: 5 };
        await expectConflict(
          store.append({
            commonsId: c,
            expectedSize: 5,
            records,
            head: headAfter(c, ahead, records),
            docs: [],
          }),
          'log_conflict',
        );
        expect(await store.head(c)).toEqual(head);
        expect(await store.readRecords(c)).toHaveLength(3);
      });

      it("an expectedHash that is not the last record's is a conflict at the right size, and writes nothing", async () => {
        const c = fresh('other-hash');
        const head = await appendBodies(store, c, ['{}', '{}']);
        const records = makeRecords(c, 2, ['{"n":1}']);
        const next = headAfter(c, head, records);
        const input = {
          commonsId: c,
          expectedSize: 2,
          records,
          head: next,
          docs: [{ kind: 'k', id: 'x', body: 1 }],
        };
        await expectConflict(store.append({ ...input, expectedHash: 'f'.repeat(64) }), 'log_conflict');
        expect(await store.head(c)).toEqual(head);
        expect(await store.readRecords(c)).toHaveLength(2);
        expect(await store.getDoc(c, 'k', 'x')).toBeNull();
        await store.append({ ...input, expectedHash: head.hash });
        expect(await store.head(c)).toEqual(next);
      });

      it('a new log must start at size 0', async () => {
        const c = fresh('new-at-1');
        const records = makeRecords(c, 1, ['{}']);
        const head = headAfter(
          c,
          { commonsId: c, size: 1, hash: ZERO_HASH, merkle: [], checkpoint: null },
          records,
        );
        await expectConflict(
          store.append({
            commonsId: c,
            expectedSize: 1,
            records,
            head,
            docs: [{ kind: 'k', id: 'i', body: 1 }],
          }),
          'log_conflict',
        );
        expect(await store.head(c)).toBeNull();
        expect(await store.readRecords(c)).toEqual([]);
        expect(await store.getDoc(c, 'k', 'i')).toBeNull();
        expect(await store.listCommonsIds()).not.toContain(c);
      });

      it('two writers creating the same log: one wins, the other gets log_conflict', async () => {
        const c = fresh('twin');
        const other = await openStore();
        const attempt = (s: Store, who: string) => {
          const records = makeRecords(c, 0, [`{"who":"${who}"}`]);
          return s.append({
            commonsId: c,
            expectedSize: 0,
            records,
            head: headAfter(c, null, records),
            docs: [{ kind: 'who', id: 'w', body: who }],
          });
        };
        const results = await Promise.allSettled([attempt(store, 'a'), attempt(other, 'b')]);
        const won = results.filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(lost.reason).toBeInstanceOf(StoreConflictError);
        expect((lost.reason as StoreConflictError).code).toBe('log_conflict');
        const records = await store.readRecords(c);
        expect(records).toHaveLength(1);
        const winner = results[0].status === 'fulfilled' ? 'a' : 'b';
        expect(records[0]?.body).toBe(`{"who":"${winner}"}`);
        expect(await store.getDoc(c, 'who', 'w')).toBe(winner);
      });

      it('malformed appends are rejected with a plain Error before anything is written', async () => {
        const c = fresh('malformed');
        const head = await appendBodies(store, c, ['{}']);
        const good = makeRecords(c, 1, ['{"a":1}', '{"a":2}']);
        const next = headAfter(c, head, good);
        const cases: [string, Parameters<Store['append']>[0], RegExp][] = [
          [
            'gap in seq',
            {
              commonsId: c,
              expectedSize: 1,
              records: [good[0]!, { ...good[1]!, seq: 3 }],
              head: next,
              docs: [],
            },
            /contiguous/,
          ],
          [
            'seq not at expectedSize',
            {
              commonsId: c,
              expectedSize: 1,
              records: makeRecords(c, 2, ['{}']),
              head: { ...next, size: 2 },
              docs: [],
            },
            /contiguous/,
          ],
          [
            'record of another commons',
            {
              commonsId: c,
              expectedSize: 1,
              records: [good[0]!, { ...good[1]!, commonsId: 'other' }],
              head: next,
              docs: [],
            },
            /belongs/,
          ],
          [
            'head of another commons',
            { commonsId: c, expectedSize: 1, records: good, head: { ...next, commonsId: 'other' }, docs: [] },
            /head belongs/,
          ],
          [
            'head size wrong',
            { commonsId: c, expectedSize: 1, records: good, head: { ...next, size: 4 }, docs: [] },
            /head size/,
          ],
          [
            'head hash not the last hash',
            { commonsId: c, expectedSize: 1, records: good, head: { ...next, hash: ZERO_HASH }, docs: [] },
            /hash/,
          ],
          [
            'negative expectedSize',
            { commonsId: c, expectedSize: -1, records: [], head: { ...head, size: -1 }, docs: [] },
            /expectedSize/,
          ],
        ];
        for (const [label, input, message] of cases) {
          await expectPlainError(
            store.append({ ...input, docs: [{ kind: 'k', id: label, body: 1 }] }),
            message,
          );
        }
        expect(await store.head(c)).toEqual(head);
        expect(await store.readRecords(c)).toHaveLength(1);
        expect(await store.listDocs(c, 'k')).toEqual([]);
      });

      it('doc changes and records are rolled back when the append fails inside the transaction', async () => {
        const c = fresh('rollback');
        const head = await appendBodies(store, c, ['{"n":0}'], [{ kind: 'state', id: 'a', body: { v: 1 } }]);
        const circular: Record<string, unknown> = { name: 'loop' };
        circular.self = circular;
        const records = makeRecords(c, 1, ['{"n":1}', '{"n":2}']);
        const failing = store.append({
          commonsId: c,
          expectedSize: 1,
          records,
          head: headAfter(c, head, records),
          docs: [
            { kind: 'state', id: 'a', body: { v: 2 } },
            { kind: 'state', id: 'b', body: { v: 2 } },
            { kind: 'state', id: 'c', body: circular },
          ],
        });
        const error = await failing.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(StoreConflictError);
        expect(await store.head(c)).toEqual(head);
        expect(await store.readRecords(c)).toHaveLength(1);
        expect(await store.getDoc(c, 'state', 'a')).toEqual({ v: 1 });
        expect(await store.getDoc(c, 'state', 'b')).toBeNull();
        // The store is still usable, and the same append without the bad doc succeeds.
        await store.append({
          commonsId: c,
          expectedSize: 1,
          records,
          head: headAfter(c, head, records),
          docs: [{ kind: 'state', id: 'a', body: { v: 2 } }],
        });
        expect(await store.readRecords(c)).toHaveLength(3);
        expect(await store.getDoc(c, 'state', 'a')).toEqual({ v: 2 });
      });

      it('20 concurrent appenders, each reading the head and retrying on conflict, leave a gapless unforked log', async () => {
        const c = fresh('race');
        const stores = [store, await openStore()];
        const WRITERS = 20;
        const APPENDS = 3;
        let conflicts = 0;
        const writer = async (w: number) => {
          const s = stores[w % stores.length]!;
          for (let n = 0; n < APPENDS; n++) {
            for (let attempt = 0; ; attempt++) {
              if (attempt > 500) throw new Error(`writer ${w} never got its append ${n} in`);
              const previous = await s.head(c);
              const expectedSize = previous?.size ?? 0;
              // Each record names the hash it follows, so a fork would show as a broken chain.
              const bodies: string[] = [];
              let prev = previous?.hash ?? ZERO_HASH;
              for (let k = 0; k < 1 + (w % 2); k++) {
                const body = JSON.stringify({ writer: w, n, k, prev });
                bodies.push(body);
                prev = sha256(body);
              }
              const records = makeRecords(c, expectedSize, bodies);
              const head = headAfter(c, previous, records);
              try {
                await s.append({
                  commonsId: c,
                  expectedSize,
                  records,
                  head,
                  docs: [
                    { kind: 'counter', id: 'size', body: { size: head.size } },
                    { kind: 'writer', id: String(w).padStart(2, '0'), body: { appends: n + 1 } },
                  ],
                });
                break;
              } catch (error) {
                if (error instanceof StoreConflictError && error.code === 'log_conflict') {
                  conflicts++;
                  continue;
                }
                throw error;
              }
            }
          }
        };
        await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

        const expected = Array.from({ length: WRITERS }, (_, w) => APPENDS * (1 + (w % 2))).reduce(
          (a, b) => a + b,
          0,
        );
        const records = await store.readRecords(c);
        expect(records.map((r) => r.seq)).toEqual(Array.from({ length: expected }, (_, i) => i));
        let prev = ZERO_HASH;
        for (const record of records) {
          const body = JSON.parse(record.body) as { prev: string };
          expect(body.prev, `record ${record.seq} does not follow record ${record.seq - 1}`).toBe(prev);
          expect(sha256(record.body)).toBe(record.hash);
          prev = record.hash;
        }
        const head = await store.head(c);
        expect(head?.size).toBe(expected);
        expect(head?.hash).toBe(prev);
        expect(await store.getDoc(c, 'counter', 'size')).toEqual({ size: expected });
        const writers = await store.listDocs(c, 'writer');
        expect(writers).toHaveLength(WRITERS);
        for (const doc of writers) expect(doc.body).toEqual({ appends: APPENDS });
        // The race must really have happened for this test to mean anything.
        expect(conflicts).toBeGreaterThan(0);
      });
    });

    describe('Merkle nodes', () => {
      it('are written with the append, read back by key in one call, and kept across a reopening', async () => {
        const c = fresh('nodes');
        expect(await store.merkleNodesSize(c)).toBe(0);
        expect(await store.readMerkleNodes(c, [{ level: 0, index: 0 }])).toEqual([]);
        await appendWithNodes(store, c, 3);
        expect(await store.merkleNodesSize(c)).toBe(3);
        await appendWithNodes(store, c, 1);
        await appendWithNodes(store, c, 6);
        expect(await store.merkleNodesSize(c)).toBe(10);
        const all = nodesFor(0, 10);
        expect(all).toHaveLength(18);
        expect(byPosition(await store.readMerkleNodes(c, keysOf(all)))).toEqual(byPosition(all));
        // Only what is asked for and stored; a key given twice answers once.
        const asked = [
          { level: 3, index: 0 },
          { level: 0, index: 9 },
          { level: 0, index: 9 },
          { level: 1, index: 5 },
          { level: 4, index: 0 },
        ];
        expect(byPosition(await store.readMerkleNodes(c, asked))).toEqual([
          { level: 0, index: 9, hash: 'h0.9' },
          { level: 3, index: 0, hash: 'h3.0' },
        ]);
        expect(await store.readMerkleNodes(c, [])).toEqual([]);
        // Another commons' nodes are not this one's.
        expect(await store.readMerkleNodes(fresh('other'), keysOf(all))).toEqual([]);
        const again = await openStore();
        expect(await again.merkleNodesSize(c)).toBe(10);
        expect(byPosition(await again.readMerkleNodes(c, keysOf(all)))).toEqual(byPosition(all));
      });

      it('are rolled back with a failed append, and a stale writer writes none', async () => {
        const c = fresh('nodes-rollback');
        await appendWithNodes(store, c, 2);
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        const error = await appendWithNodes(store, c, 3, 'nodes', [
          { kind: 'state', id: 'c', body: circular },
        ]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(Error);
        expect(await store.merkleNodesSize(c)).toBe(2);
        expect(await store.readMerkleNodes(c, keysOf(nodesFor(2, 5)))).toEqual([]);

        const staleHead = await store.head(c);
        await appendWithNodes(store, c, 1);
        const stale = makeRecords(c, 2, ['{"stale":1}', '{"stale":2}']);
        await expectConflict(
          store.append({
            commonsId: c,
            expectedSize: 2,
            records: stale,
            head: headAfter(c, staleHead, stale),
            docs: [],
            nodes: nodesFor(2, 4, 'stale'),
          }),
          'log_conflict',
        );
        expect(await store.merkleNodesSize(c)).toBe(3);
        expect(byPosition(await store.readMerkleNodes(c, keysOf(nodesFor(0, 4))))).toEqual(
          byPosition(nodesFor(0, 3)),
        );
      });

      it('an old log (appended without nodes) is backfilled from size to size; appends with nodes then extend it', async () => {
        const c = fresh('nodes-backfill');
        await appendWithNodes(store, c, 5, 'none');
        expect(await store.merkleNodesSize(c)).toBe(0);
        // Nodes given while the stored ones lag behind are left out: they would leave a gap.
        await appendWithNodes(store, c, 2);
        expect(await store.merkleNodesSize(c)).toBe(0);
        expect(await store.readMerkleNodes(c, keysOf(nodesFor(5, 7)))).toEqual([]);

        await store.addMerkleNodes(c, 0, 4, nodesFor(0, 4));
        expect(await store.merkleNodesSize(c)).toBe(4);
        // A second backfiller that read the old size loses, and writes nothing.
        await expectConflict(store.addMerkleNodes(c, 0, 7, nodesFor(0, 7, 'late')), 'log_conflict');
        // Beyond the log, or on no log, is a conflict too.
        await expectConflict(store.addMerkleNodes(c, 4, 8, nodesFor(4, 8)), 'log_conflict');
        await expectConflict(store.addMerkleNodes(fresh('none'), 0, 1, nodesFor(0, 1)), 'log_conflict');
        expect(await store.merkleNodesSize(c)).toBe(4);
        await store.addMerkleNodes(c, 4, 7, nodesFor(4, 7));
        expect(await store.merkleNodesSize(c)).toBe(7);
        await appendWithNodes(store, c, 3);
        expect(await store.merkleNodesSize(c)).toBe(10);
        expect(byPosition(await store.readMerkleNodes(c, keysOf(nodesFor(0, 12))))).toEqual(
          byPosition(nodesFor(0, 10)),
        );
        // An append without nodes leaves them where they were.
        await appendWithNodes(store, c, 1, 'none');
        expect(await store.merkleNodesSize(c)).toBe(10);
        // The head itself is as given: the store's node bookkeeping is not part of it.
        expect(Object.keys((await store.head(c))!).sort()).toEqual([
          'checkpoint',
          'commonsId',
          'hash',
          'merkle',
          'size',
        ]);
      });

      it('malformed nodes are a plain Error, before anything is written', async () => {
        const c = fresh('nodes-bad');
        await appendWithNodes(store, c, 2);
        const head = await store.head(c);
        const records = makeRecords(c, 2, ['{"x":2}', '{"x":3}']);
        const base = { commonsId: c, expectedSize: 2, records, head: headAfter(c, head, records), docs: [] };
        const bad: [StoredMerkleNode[], RegExp][] = [
          [[{ level: 0, index: 1, hash: 'old' }], /does not end among the leaves \[2, 4\)/],
          [[{ level: 0, index: 4, hash: 'beyond' }], /does not end among the leaves/],
          [[{ level: 2, index: 0, hash: '' }], /has no hash/],
          [[{ level: -1, index: 2, hash: 'x' }], /not a node position/],
          [[{ level: 0, index: 2.5, hash: 'x' }], /not a node position/],
          [
            [
              { level: 0, index: 2, hash: 'a' },
              { level: 0, index: 2, hash: 'b' },
            ],
            /given twice/,
          ],
        ];
        for (const [nodes, message] of bad) await expectPlainError(store.append({ ...base, nodes }), message);
        await expectPlainError(store.addMerkleNodes(c, 2, 1, []), /sizes/);
        await expectPlainError(store.addMerkleNodes(c, 0, 2, nodesFor(0, 3)), /does not end among/);
        await expectPlainError(store.readMerkleNodes(c, [{ level: 0, index: -1 }]), /not a node position/);
        expect(await store.head(c)).toEqual(head);
        expect(await store.merkleNodesSize(c)).toBe(2);
      });
    });

    describe('snapshots', () => {
      const grow = async (c: string, n: number): Promise<LogHead> => {
        const previous = await store.head(c);
        const expectedSize = previous?.size ?? 0;
        const bodies = Array.from({ length: n }, (_, i) => `{"n":${expectedSize + i}}`);
        const records = makeRecords(c, expectedSize, bodies);
        const head = headAfter(c, previous, records);
        await store.append({ commonsId: c, expectedSize, records, head, docs: [] });
        return head;
      };
      // Every byte value, and a body large enough to cross any page or packet size.
      const bytes = (n: number, seed: number) =>
        Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256);

      it('none until one is saved; then the last one saved, byte for byte', async () => {
        const c = fresh('snap');
        expect(await store.readSnapshot(c)).toBeNull();
        await grow(c, 3);
        expect(await store.readSnapshot(c)).toBeNull();
        await store.saveSnapshot(c, { size: 2, header: '{"a":"\u00e9"}', body: bytes(300_000, 1) });
        const saved = await store.readSnapshot(c);
        expect(saved && { ...saved, body: null }).toEqual({ size: 2, header: '{"a":"\u00e9"}', body: null });
        // Compared as a Buffer: a deep equality of 300,000 elements takes seconds.
        expect(saved?.body).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(saved!.body).equals(bytes(300_000, 1))).toBe(true);
        // A later save replaces it, even one of a smaller size (the server decides which is worth keeping).
        await store.saveSnapshot(c, { size: 3, header: 'h3', body: bytes(10, 2) });
        await store.saveSnapshot(c, { size: 1, header: 'h1', body: new Uint8Array(0) });
        expect(await store.readSnapshot(c)).toEqual({ size: 1, header: 'h1', body: new Uint8Array(0) });
      });

      it('lists the commons with a snapshot, the largest first, ties by id, at most the limit asked', async () => {
        const [a, b, c, d] = ['snap-big-a', 'snap-big-b', 'snap-big-c', 'snap-big-d'].map(fresh);
        for (const [id, n] of [
          [a, 5],
          [b, 3],
          [c, 5],
          [d, 2],
        ] as const) {
          await grow(id!, n);
          await store.saveSnapshot(id!, { size: n, header: 'h', body: bytes(4, n) });
        }
        // Another test's commons may hold a snapshot in this store too: look at these four.
        const mine = new Set([a, b, c, d]);
        const listed = (await store.largestSnapshots(10_000)).filter((x) => mine.has(x.commonsId));
        expect(listed).toEqual(
          [
            { commonsId: a!, size: 5 },
            { commonsId: c!, size: 5 },
            { commonsId: b!, size: 3 },
            { commonsId: d!, size: 2 },
          ].sort((x, y) => y.size - x.size || (x.commonsId < y.commonsId ? -1 : 1)),
        );
        const all = await store.largestSnapshots(10_000);
        expect(await store.largestSnapshots(2)).toEqual(all.slice(0, 2));
        for (let i = 1; i < all.length; i++) expect(all[i - 1]!.size).toBeGreaterThanOrEqual(all[i]!.size);
        await expect(store.largestSnapshots(0)).rejects.toThrow(/limit must be a positive integer/);
      });

      it('refuses one beyond the log, or of a commons without a log, and keeps the one before', async () => {
        const c = fresh('snap-beyond');
        await expect(
          store.saveSnapshot(c, { size: 0, header: 'h', body: bytes(4, 0) }),
        ).rejects.toMatchObject({
          code: 'log_conflict',
        });
        await grow(c, 2);
        await store.saveSnapshot(c, { size: 2, header: 'kept', body: bytes(4, 0) });
        await expect(
          store.saveSnapshot(c, { size: 3, header: 'h', body: bytes(4, 0) }),
        ).rejects.toMatchObject({
          code: 'log_conflict',
        });
        expect((await store.readSnapshot(c))?.header).toBe('kept');
      });

      it('refuses a malformed one with a plain error and writes nothing', async () => {
        const c = fresh('snap-bad');
        await grow(c, 1);
        const bad: unknown[] = [
          { size: -1, header: 'h', body: bytes(1, 0) },
          { size: 0.5, header: 'h', body: bytes(1, 0) },
          { size: 0, header: 7, body: bytes(1, 0) },
          { size: 0, header: 'h', body: 'not bytes' },
          null,
        ];
        for (const snapshot of bad) {
          await expect(store.saveSnapshot(c, snapshot as never)).rejects.toThrow(/saveSnapshot/);
        }
        expect(await store.readSnapshot(c)).toBeNull();
      });

      it('is kept per commons, including ids shaped like inherited names', async () => {
        const a = `__proto__-${fresh('snap')}`;
        const b = `constructor-${fresh('snap')}`;
        await grow(a, 1);
        await grow(b, 1);
        await store.saveSnapshot(a, { size: 1, header: 'a', body: bytes(3, 5) });
        expect(await store.readSnapshot(b)).toBeNull();
        await store.saveSnapshot(b, { size: 0, header: 'b', body: bytes(3, 6) });
        expect((await store.readSnapshot(a))?.header).toBe('a');
        expect((await store.readSnapshot(b))?.header).toBe('b');
      });
    });

    describe('deadlines', () => {
      /** Appends one record with these deadline changes (or none) on top of the head, returning the new head. */
      const appendDeadlines = async (c: string, deadlines?: DeadlineChange[]): Promise<LogHead> => {
        const previous = await store.head(c);
        const expectedSize = previous?.size ?? 0;
        const records = makeRecords(c, expectedSize, [`{"n":${expectedSize}}`]);
        const head = headAfter(c, previous, records);
        await store.append({
          commonsId: c,
          expectedSize,
          records,
          head,
          docs: [],
          ...(deadlines ? { deadlines } : {}),
        });
        return head;
      };
      /** Every deadline due by `upTo` that belongs to one of `commons` (others share the database). */
      const dueIn = async (commons: string[], upTo: string) =>
        (await store.dueDeadlines(upTo, 100_000)).filter((d) => commons.includes(d.commonsId));
      const unindexed = async (c: string) => (await store.unindexedCommons(100_000)).includes(c);

      it('are written with the append and found by time across commons, earliest first; null drops one', async () => {
        const [a, b] = [fresh('due-a'), fresh('due-b')];
        await appendDeadlines(a, [
          { id: 'p1', at: '2030-01-01T00:00:03.000Z' },
          { id: 'p2', at: '2030-01-01T00:00:01.000Z' },
        ]);
        await appendDeadlines(b, [{ id: 'p1', at: '2030-01-01T00:00:02.000Z' }]);
        expect(await dueIn([a, b], '2030-01-01T00:00:02.000Z')).toEqual([
          { commonsId: a, id: 'p2', at: '2030-01-01T00:00:01.000Z' },
          { commonsId: b, id: 'p1', at: '2030-01-01T00:00:02.000Z' },
        ]);
        expect(await dueIn([a, b], '2029-12-31T23:59:59.999Z')).toEqual([]);
        // Set again (moved), dropped, and within one append the last change to an id wins.
        await appendDeadlines(a, [
          { id: 'p2', at: null },
          { id: 'p1', at: '2030-01-01T00:00:00.500Z' },
          { id: 'p3', at: '2030-01-01T00:00:00.100Z' },
          { id: 'p3', at: null },
          { id: 'p4', at: null },
        ]);
        expect(await dueIn([a, b], '2031-01-01T00:00:00.000Z')).toEqual([
          { commonsId: a, id: 'p1', at: '2030-01-01T00:00:00.500Z' },
          { commonsId: b, id: 'p1', at: '2030-01-01T00:00:02.000Z' },
        ]);
        const again = await openStore();
        expect(
          (await again.dueDeadlines('2031-01-01T00:00:00.000Z', 100_000)).filter((d) => d.commonsId === b),
        ).toEqual([{ commonsId: b, id: 'p1', at: '2030-01-01T00:00:02.000Z' }]);
      });

      it('dueDeadlines honours limit and pages after the last one returned', async () => {
        const c = fresh('due-page');
        const prefix = fresh('T');
        await appendDeadlines(
          c,
          ['4', '1', '3', '2', '5'].map((n) => ({ id: `p${n}`, at: `${prefix}/${n}` })),
        );
        // Starting after the prefix itself skips every other test's deadlines, which sort before it.
        const start = { commonsId: '', id: '', at: prefix };
        const first = await store.dueDeadlines(`${prefix}/4`, 2, start);
        expect(first.map((d) => d.id)).toEqual(['p1', 'p2']);
        const second = await store.dueDeadlines(`${prefix}/4`, 2, first[1]);
        expect(second.map((d) => d.id)).toEqual(['p3', 'p4']);
        expect(await store.dueDeadlines(`${prefix}/4`, 2, second[1])).toEqual([]);
        await expectPlainError(store.dueDeadlines(`${prefix}/4`, 0), /limit/);
      });

      it('are rolled back with a failed append, and a stale writer writes none', async () => {
        const c = fresh('due-rollback');
        const staleHead = await appendDeadlines(c, []);
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        const records = makeRecords(c, 1, ['{"x":1}']);
        const failing = {
          commonsId: c,
          expectedSize: 1,
          records,
          head: headAfter(c, staleHead, records),
          deadlines: [{ id: 'p1', at: '2030-01-01T00:00:00.000Z' }],
        };
        await expect(
          store.append({ ...failing, docs: [{ kind: 'state', id: 'c', body: circular }] }),
        ).rejects.toThrow();
        await appendDeadlines(c, []);
        await expectConflict(store.append({ ...failing, docs: [] }), 'log_conflict');
        expect(await dueIn([c], '2031-01-01T00:00:00.000Z')).toEqual([]);
        expect(await unindexed(c)).toBe(false);
      });

      it('a log is indexed while every append gives deadlines; one without leaves it unindexed until replaceDeadlines', async () => {
        const [indexed, old] = [fresh('indexed'), fresh('old')];
        await appendDeadlines(indexed, []);
        await appendDeadlines(indexed, [{ id: 'p1', at: '2030-01-01T00:00:00.000Z' }]);
        expect(await unindexed(indexed)).toBe(false);
        await appendDeadlines(old);
        expect(await unindexed(old)).toBe(true);
        // Deadlines given to an unindexed log are kept, but it stays unindexed: older ones may be missing.
        await appendDeadlines(old, [{ id: 'p2', at: '2030-01-01T00:00:00.000Z' }]);
        expect(await unindexed(old)).toBe(true);
        const head = await appendDeadlines(old);
        await expectConflict(store.replaceDeadlines(old, head.size - 1, []), 'log_conflict');
        await expectConflict(store.replaceDeadlines(fresh('none'), 0, []), 'log_conflict');
        expect(await unindexed(old)).toBe(true);
        await store.replaceDeadlines(old, head.size, [
          { id: 'p1', at: '2030-01-01T00:00:01.000Z' },
          { id: 'p3', at: '2030-01-01T00:00:03.000Z' },
        ]);
        expect(await unindexed(old)).toBe(false);
        expect(await dueIn([old], '2031-01-01T00:00:00.000Z')).toEqual([
          { commonsId: old, id: 'p1', at: '2030-01-01T00:00:01.000Z' },
          { commonsId: old, id: 'p3', at: '2030-01-01T00:00:03.000Z' },
        ]);
        // An append without deadlines makes an indexed log unindexed again.
        await appendDeadlines(indexed);
        expect(await unindexed(indexed)).toBe(true);
        expect((await store.unindexedCommons(1)).length).toBe(1);
        // Paged by id: after a commons, only those with a greater id.
        const [x, y] = [fresh('U-x'), fresh('U-y')];
        await appendDeadlines(x);
        await appendDeadlines(y);
        const page = await store.unindexedCommons(100_000, x);
        expect(page).toContain(y);
        expect(page.every((id) => id > x)).toBe(true);
        await expectPlainError(store.unindexedCommons(0), /limit/);
      });

      it('malformed deadlines are a plain Error, before anything is written', async () => {
        const c = fresh('due-bad');
        const head = await appendDeadlines(c, [{ id: 'p1', at: '2030-01-01T00:00:00.000Z' }]);
        const records = makeRecords(c, 1, ['{"x":1}']);
        const base = { commonsId: c, expectedSize: 1, records, head: headAfter(c, head, records), docs: [] };
        const bad: [unknown, RegExp][] = [
          [[{ id: '', at: '2030' }], /non-empty id/],
          [[{ id: 'p', at: '' }], /needs a time/],
          [[{ id: 'p', at: 5 }], /needs a time/],
          ['p', /must be a list/],
        ];
        for (const [deadlines, message] of bad)
          await expectPlainError(
            store.append({ ...base, deadlines: deadlines as DeadlineChange[] }),
            message,
          );
        await expectPlainError(
          store.replaceDeadlines(c, 1, [{ id: 'p', at: null as unknown as string }]),
          /needs a time/,
        );
        expect(await store.head(c)).toEqual(head);
        expect(await dueIn([c], '2031')).toEqual([
          { commonsId: c, id: 'p1', at: '2030-01-01T00:00:00.000Z' },
        ]);
      });
    });

    describe('documents', () => {
      it('upsert, replace and delete; a missing doc is null', async () => {
        const c = fresh('docs');
        expect(await store.getDoc(c, 'proposal', 'p1')).toBeNull();
        await appendBodies(
          store,
          c,
          ['{}'],
          [
            { kind: 'proposal', id: 'p1', body: { title: 'One', votes: [1, 2] } },
            { kind: 'proposal', id: 'p2', body: { title: 'Two' } },
          ],
        );
        expect(await store.getDoc(c, 'proposal', 'p1')).toEqual({ title: 'One', votes: [1, 2] });
        expect(await store.getDoc(c, 'member', 'p1')).toBeNull();
        await appendBodies(
          store,
          c,
          ['{}'],
          [
            { kind: 'proposal', id: 'p1', body: { title: 'One, amended' } },
            { kind: 'proposal', id: 'p2', body: null },
            { kind: 'proposal', id: 'never-existed', body: null },
          ],
        );
        expect(await store.getDoc(c, 'proposal', 'p1')).toEqual({ title: 'One, amended' });
        expect(await store.getDoc(c, 'proposal', 'p2')).toBeNull();
        expect((await store.listDocs(c, 'proposal')).map((d) => d.id)).toEqual(['p1']);
      });

      it('within one append, the last change to a document wins', async () => {
        const c = fresh('last-wins');
        await appendBodies(store, c, ['{}'], [{ kind: 'k', id: 'gone', body: 1 }]);
        await appendBodies(
          store,
          c,
          ['{}'],
          [
            { kind: 'k', id: 'x', body: 1 },
            { kind: 'k', id: 'x', body: null },
            { kind: 'k', id: 'y', body: 1 },
            { kind: 'k', id: 'y', body: 2 },
            { kind: 'k', id: 'gone', body: null },
            { kind: 'k', id: 'back', body: null },
            { kind: 'k', id: 'back', body: 'here' },
            { kind: 'other', id: 'y', body: 3 },
          ],
        );
        expect(await store.listDocs(c, 'k')).toEqual([
          { commonsId: c, kind: 'k', id: 'back', body: 'here' },
          { commonsId: c, kind: 'k', id: 'y', body: 2 },
        ]);
        expect(await store.getDoc(c, 'other', 'y')).toBe(3);
      });

      it('bodies round-trip as JSON values', async () => {
        const c = fresh('json');
        const bodies: Record<string, unknown> = {
          object: { nested: { deep: [1, { a: null }] }, empty: {}, list: [], t: true, f: false },
          numbers: { int: 42, neg: -7, float: 0.1, big: 2 ** 53 - 1, tiny: 1e-300, exp: 6.02e23 },
          strings: {
            s: 'quote " backslash \\ \u00e9 \u{1F5F3} \u2028 tab\t',
            sql: "'); DROP TABLE docs; --",
          },
          array: [1, 'two', null, [3]],
          string: 'just a string',
          number: 7,
          boolean: false,
        };
        await appendBodies(
          store,
          c,
          ['{}'],
          Object.entries(bodies).map(([id, body]) => ({ kind: 'json', id, body })),
        );
        for (const [id, body] of Object.entries(bodies))
          expect(await store.getDoc(c, 'json', id)).toEqual(body);
      });

      it('listDocs filters by commons and kind and orders by id in code-point order', async () => {
        const c = fresh('list');
        const other = fresh('list-other');
        const ids = ['b', 'B', 'a', 'a-1', '10', '9', '_', '\u00e9', 'Z'];
        await appendBodies(
          store,
          c,
          ['{}'],
          [...ids.map((id) => ({ kind: 'item', id, body: { id } })), { kind: 'not-item', id: 'a', body: {} }],
        );
        await appendBodies(store, other, ['{}'], [{ kind: 'item', id: 'a', body: { other: true } }]);
        const listed = await store.listDocs(c, 'item');
        expect(listed.map((d) => d.id)).toEqual([...ids].sort());
        for (const doc of listed)
          expect(doc).toEqual({ commonsId: c, kind: 'item', id: doc.id, body: { id: doc.id } });
        expect(await store.listDocs(c, 'nothing')).toEqual([]);
      });

      it('listDocsPage pages the documents of a kind in a commons by id, in code-point order, after a given id', async () => {
        const c = fresh('page');
        const other = fresh('page-other');
        const ids = ['b', 'B', 'a', 'a-1', '10', '9', '_', '\u00e9', 'Z', 'a~'];
        await appendBodies(
          store,
          c,
          ['{}'],
          [...ids.map((id) => ({ kind: 'item', id, body: { id } })), { kind: 'not-item', id: 'a', body: {} }],
        );
        await appendBodies(store, other, ['{}'], [{ kind: 'item', id: 'a', body: { other: true } }]);
        const sorted = [...ids].sort();
        for (const limit of [1, 3, 4, 100]) {
          const seen: string[] = [];
          let after: string | undefined;
          for (;;) {
            const page = await store.listDocsPage(c, 'item', limit, after);
            expect(page.length).toBeLessThanOrEqual(limit);
            for (const doc of page)
              expect(doc).toEqual({ commonsId: c, kind: 'item', id: doc.id, body: { id: doc.id } });
            seen.push(...page.map((d) => d.id));
            if (page.length < limit) break;
            after = page[page.length - 1]!.id;
          }
          expect(seen).toEqual(sorted);
        }
        expect(await store.listDocsPage(c, 'item', 100)).toEqual(await store.listDocs(c, 'item'));
        expect((await store.listDocsPage(c, 'item', 2, 'a')).map((d) => d.id)).toEqual(
          sorted.filter((id) => id > 'a').slice(0, 2),
        );
        // `after` need not be an id that exists.
        expect((await store.listDocsPage(c, 'item', 100, 'a0')).map((d) => d.id)).toEqual(
          sorted.filter((id) => id > 'a0'),
        );
        expect(await store.listDocsPage(c, 'item', 5, '\u00e9')).toEqual([]);
        expect(await store.listDocsPage(c, 'nothing', 5)).toEqual([]);
        expect(await store.listDocsPage(fresh('no-such-commons'), 'item', 5)).toEqual([]);
        await expectPlainError(store.listDocsPage(c, 'item', 0), /limit/);
      });

      it('listDocsOfKind spans every commons, ordered by commons then id', async () => {
        const kind = fresh('directory');
        const [c1, c2] = [fresh('B-dir'), fresh('A-dir')];
        await appendBodies(
          store,
          c1,
          ['{}'],
          [
            { kind, id: 'z', body: 1 },
            { kind, id: 'a', body: 2 },
            { kind: 'unrelated', id: 'a', body: 0 },
          ],
        );
        await appendBodies(store, c2, ['{}'], [{ kind, id: 'm', body: 3 }]);
        const expected = [
          { commonsId: c1, kind, id: 'a', body: 2 },
          { commonsId: c1, kind, id: 'z', body: 1 },
          { commonsId: c2, kind, id: 'm', body: 3 },
        ].sort((x, y) =>
          x.commonsId < y.commonsId ? -1 : x.commonsId > y.commonsId ? 1 : x.id < y.id ? -1 : 1,
        );
        expect(await store.listDocsOfKind(kind)).toEqual(expected);
        expect(await store.listDocsOfKind(fresh('no-such-kind'))).toEqual([]);
      });
      it('listCommonsDocs pages one document per commons, oldest commons first; getDocs reads several commons at once', async () => {
        const kind = fresh('summary');
        const [c1, c2, c3, c4] = [fresh('Z-dir'), fresh('M-dir'), fresh('no-dir'), fresh('A-dir')];
        await appendBodies(
          store,
          c1,
          ['{}'],
          [
            { kind, id: 's', body: 1 },
            { kind, id: 'other', body: 0 },
          ],
        );
        await appendBodies(store, c2, ['{}'], [{ kind, id: 's', body: 2 }]);
        await appendBodies(store, c3, ['{}'], [{ kind: 'unrelated', id: 's', body: 0 }]);
        await appendBodies(store, c4, ['{}'], [{ kind, id: 's', body: 4 }]);
        // A later append does not move a commons in the order.
        await appendBodies(store, c1, ['{}'], [{ kind, id: 's', body: 1.5 }]);
        const all = await store.listCommonsDocs(kind, 's', 100);
        expect(all).toEqual([
          { commonsId: c1, kind, id: 's', body: 1.5 },
          { commonsId: c2, kind, id: 's', body: 2 },
          { commonsId: c4, kind, id: 's', body: 4 },
        ]);
        const first = await store.listCommonsDocs(kind, 's', 2);
        expect(first.map((d) => d.commonsId)).toEqual([c1, c2]);
        expect((await store.listCommonsDocs(kind, 's', 2, c2)).map((d) => d.commonsId)).toEqual([c4]);
        // After a commons without the document: the next ones that have it.
        expect((await store.listCommonsDocs(kind, 's', 2, c3)).map((d) => d.commonsId)).toEqual([c4]);
        expect(await store.listCommonsDocs(kind, 's', 2, c4)).toEqual([]);
        expect(await store.listCommonsDocs(kind, 's', 2, fresh('no-such-commons'))).toEqual([]);
        await expectPlainError(store.listCommonsDocs(kind, 's', 0), /limit/);

        const got = await store.getDocs([c4, c3, c1, c1, fresh('nowhere')], kind, 's');
        expect(got.sort((x, y) => (x.commonsId < y.commonsId ? -1 : 1))).toEqual(
          [
            { commonsId: c1, kind, id: 's', body: 1.5 },
            { commonsId: c4, kind, id: 's', body: 4 },
          ].sort((x, y) => (x.commonsId < y.commonsId ? -1 : 1)),
        );
        expect(await store.getDocs([], kind, 's')).toEqual([]);
      });
    });

    describe('consistent reads and rebuilt documents', () => {
      it('readLog returns null for no log, else the head, the records and every document of the commons', async () => {
        const c = fresh('readlog');
        const other = fresh('readlog-other');
        expect(await store.readLog(c)).toBeNull();
        await appendBodies(
          store,
          c,
          ['{"i":0}', '{"i":1}'],
          [
            { kind: 'proposal', id: 'p2', body: { n: 2 } },
            { kind: 'commons', id: c, body: { name: 'x' } },
            { kind: 'proposal', id: 'p1', body: { n: 1 } },
          ],
        );
        await appendBodies(store, c, ['{"i":2}'], [{ kind: 'comment', id: 'p1/c1', body: 'hi' }]);
        await appendBodies(store, other, ['{}'], [{ kind: 'proposal', id: 'p1', body: { other: true } }]);
        for (const s of [store, await openStore()]) {
          const log = await s.readLog(c);
          expect(log).not.toBeNull();
          expect(log!.head).toEqual(await s.head(c));
          expect(log!.records).toEqual(await s.readRecords(c));
          expect(log!.docs).toEqual([
            { commonsId: c, kind: 'comment', id: 'p1/c1', body: 'hi' },
            { commonsId: c, kind: 'commons', id: c, body: { name: 'x' } },
            { commonsId: c, kind: 'proposal', id: 'p1', body: { n: 1 } },
            { commonsId: c, kind: 'proposal', id: 'p2', body: { n: 2 } },
          ]);
        }
      });

      it('readLog sees each concurrent append wholly or not at all', async () => {
        const c = fresh('snapshot');
        const writerStore = await openStore();
        await appendBodies(writerStore, c, ['{"n":0}'], [{ kind: 'counter', id: 'size', body: 1 }]);
        let done = false;
        const writer = (async () => {
          for (let n = 1; n <= 40; n++) {
            await appendBodies(
              writerStore,
              c,
              [`{"n":${n}}`],
              [{ kind: 'counter', id: 'size', body: n + 1 }],
            );
          }
          done = true;
        })();
        let reads = 0;
        while (!done || reads < 3) {
          const log = (await store.readLog(c))!;
          expect(log.records).toHaveLength(log.head.size);
          expect(log.head.hash).toBe(log.records.at(-1)?.hash);
          expect(log.docs).toEqual([{ commonsId: c, kind: 'counter', id: 'size', body: log.head.size }]);
          reads++;
        }
        await writer;
        expect((await store.readLog(c))!.head.size).toBe(41);
      });

      it('replaceDocs replaces every document of one commons, and only its', async () => {
        const c = fresh('replace');
        const other = fresh('replace-other');
        await appendBodies(
          store,
          c,
          ['{}', '{}'],
          [
            { kind: 'proposal', id: 'p1', body: { stale: true } },
            { kind: 'proposal', id: 'extra', body: {} },
            { kind: 'commons', id: c, body: { name: 'old' } },
          ],
        );
        await appendBodies(store, other, ['{}'], [{ kind: 'proposal', id: 'p1', body: { other: true } }]);
        await store.replaceDocs(c, 2, [
          { kind: 'proposal', id: 'p1', body: { fresh: true } },
          { kind: 'commons', id: c, body: { name: 'new', list: [1, 'x', null] } },
          { kind: 'position', id: 'p1/a', body: { stance: 'agree' } },
        ]);
        expect((await store.readLog(c))!.docs).toEqual([
          { commonsId: c, kind: 'commons', id: c, body: { name: 'new', list: [1, 'x', null] } },
          { commonsId: c, kind: 'position', id: 'p1/a', body: { stance: 'agree' } },
          { commonsId: c, kind: 'proposal', id: 'p1', body: { fresh: true } },
        ]);
        expect(await store.getDoc(other, 'proposal', 'p1')).toEqual({ other: true });
        expect(await store.readRecords(c)).toHaveLength(2);
        await store.replaceDocs(c, 2, []);
        expect((await store.readLog(c))!.docs).toEqual([]);
      });

      it('replaceDocs on a log that moved on, or on no log, is a log_conflict and writes nothing', async () => {
        const c = fresh('replace-stale');
        await appendBodies(store, c, ['{}'], [{ kind: 'proposal', id: 'p1', body: 1 }]);
        await appendBodies(store, c, ['{}'], [{ kind: 'proposal', id: 'p1', body: 2 }]);
        await expectConflict(
          store.replaceDocs(c, 1, [{ kind: 'proposal', id: 'p1', body: 'rebuilt' }]),
          'log_conflict',
        );
        await expectConflict(store.replaceDocs(c, 3, []), 'log_conflict');
        await expectConflict(store.replaceDocs(fresh('replace-none'), 0, []), 'log_conflict');
        expect(await store.getDoc(c, 'proposal', 'p1')).toBe(2);
        await expectPlainError(
          store.replaceDocs(c, 2, [
            { kind: 'proposal', id: 'p2', body: 'ok' },
            { kind: '', id: 'x', body: 1 },
          ]),
          /kind and id/,
        );
        await expectPlainError(store.replaceDocs(c, 2, [{ kind: 'k', id: 'x', body: null }]), /null body/);
        expect((await store.readLog(c))!.docs).toEqual([
          { commonsId: c, kind: 'proposal', id: 'p1', body: 2 },
        ]);
      });
    });

    describe('accounts', () => {
      const account = (label: string, email: string) => ({
        id: fresh(label),
        email,
        displayName: `Ad\u00e9la \u{1F600} "${label}"`,
        passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
        createdAt: '2025-01-01T00:00:00.000Z',
      });

      it('creates, gets, finds by email case-insensitively and counts', async () => {
        const before = await store.countAccounts();
        const email = `${fresh('Mixed.Case')}@Example.ORG`;
        const a = account('acct', email);
        await store.createAccount(a);
        expect(await store.countAccounts()).toBe(before + 1);
        expect(await store.getAccount(a.id)).toEqual(a);
        expect(await store.getAccount(fresh('nobody'))).toBeNull();
        expect(await store.findAccountByEmail(email)).toEqual(a);
        expect(await store.findAccountByEmail(email.toLowerCase())).toEqual(a);
        expect(await store.findAccountByEmail(email.toUpperCase())).toEqual(a);
        expect(await store.findAccountByEmail(`x${email}`)).toBeNull();
      });

      it('a second account with the same email in any case is email_taken; a reused id is duplicate', async () => {
        const email = `${fresh('taken')}@example.org`;
        const first = account('first', email);
        await store.createAccount(first);
        const count = await store.countAccounts();
        await expectConflict(store.createAccount(account('second', email.toUpperCase())), 'email_taken');
        await expectConflict(store.createAccount(account('third', email)), 'email_taken');
        await expectConflict(
          store.createAccount({ ...account('x', `${fresh('other')}@example.org`), id: first.id }),
          'duplicate',
        );
        expect(await store.countAccounts()).toBe(count);
        expect(await store.findAccountByEmail(email)).toEqual(first);
      });

      it('concurrent sign-ups with one email: exactly one succeeds', async () => {
        const other = await openStore();
        const email = `${fresh('race')}@example.org`;
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, (_, i) =>
            (i % 2 ? other : store).createAccount(account(`racer${i}`, i % 3 ? email : email.toUpperCase())),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') {
            expect(r.reason).toBeInstanceOf(StoreConflictError);
            expect((r.reason as StoreConflictError).code).toBe('email_taken');
          }
        }
      });
    });

    describe('sessions and API tokens', () => {
      const newAccount = async () => {
        const id = fresh('holder');
        await store.createAccount({
          id,
          email: `${id}@example.org`,
          displayName: id,
          passwordHash: 'h',
          createdAt: '2025-01-01T00:00:00Z',
        });
        return id;
      };

      it('sessions are created, read and deleted', async () => {
        const accountId = await newAccount();
        const session = {
          tokenHash: sha256(fresh('session')),
          accountId,
          csrfToken: 'csrf-\u00e9',
          createdAt: '2025-01-01T00:00:00Z',
          expiresAt: '2025-02-01T00:00:00Z',
        };
        await store.createSession(session);
        expect(await store.getSession(session.tokenHash)).toEqual(session);
        expect(await store.getSession(sha256('nope'))).toBeNull();
        await expectConflict(store.createSession(session), 'duplicate');
        await store.deleteSession(session.tokenHash);
        expect(await store.getSession(session.tokenHash)).toBeNull();
        await store.deleteSession(session.tokenHash);
      });

      it('API tokens are listed per account in creation order and deleted only by their owner', async () => {
        const owner = await newAccount();
        const stranger = await newAccount();
        const token = (name: string, createdAt: string) => ({
          id: fresh('tok'),
          accountId: owner,
          name,
          tokenHash: sha256(fresh('secret')),
          createdAt,
        });
        const later = token('later', '2025-03-01T00:00:00Z');
        const earlier = token('earlier \u{1F511}', '2025-02-01T00:00:00Z');
        await store.createApiToken(later);
        await store.createApiToken(earlier);
        await store.createApiToken({ ...token('theirs', '2025-01-01T00:00:00Z'), accountId: stranger });
        expect(await store.getApiTokenByHash(later.tokenHash)).toEqual(later);
        expect(await store.getApiTokenByHash(sha256('nope'))).toBeNull();
        expect(await store.listApiTokens(owner)).toEqual([earlier, later]);
        expect(await store.listApiTokens(fresh('nobody'))).toEqual([]);
        await expectConflict(store.createApiToken({ ...later, id: fresh('tok') }), 'duplicate');
        await expectConflict(store.createApiToken({ ...later, tokenHash: sha256(fresh('s')) }), 'duplicate');

        expect(await store.deleteApiToken(later.id, stranger)).toBe(false);
        expect(await store.getApiTokenByHash(later.tokenHash)).toEqual(later);
        expect(await store.deleteApiToken(later.id, owner)).toBe(true);
        expect(await store.getApiTokenByHash(later.tokenHash)).toBeNull();
        expect(await store.deleteApiToken(later.id, owner)).toBe(false);
        expect(await store.listApiTokens(owner)).toEqual([earlier]);
      });
    });

    describe('account changes, e-mailed tokens, invitations and the outbox', () => {
      const newAccount = async (createdAt = '2025-01-01T00:00:00Z') => {
        const id = fresh('person');
        const account = {
          id,
          email: `${id}@Example.org`,
          displayName: id,
          passwordHash: 'h',
          createdAt,
        };
        await store.createAccount(account);
        return account;
      };

      it('an account is changed field by field; a taken email is email_taken and changes nothing', async () => {
        const a = await newAccount();
        const b = await newAccount();
        expect(await store.updateAccount(a.id, {})).toEqual(a);
        const renamed = await store.updateAccount(a.id, { displayName: 'Ad\u00e9 \u{1F331}', locale: 'fr' });
        expect(renamed).toEqual({ ...a, displayName: 'Ad\u00e9 \u{1F331}', locale: 'fr' });
        expect(await store.getAccount(a.id)).toEqual(renamed);
        const moved = await store.updateAccount(a.id, { email: `New-${a.email}`, passwordHash: 'h2' });
        expect(moved).toEqual({ ...renamed, email: `New-${a.email}`, passwordHash: 'h2' });
        expect(await store.findAccountByEmail(a.email)).toBeNull();
        expect(await store.findAccountByEmail(`new-${a.email}`.toUpperCase())).toEqual(moved);
        await expectConflict(
          store.updateAccount(a.id, { email: b.email.toUpperCase(), displayName: 'x' }),
          'email_taken',
        );
        expect(await store.getAccount(a.id)).toEqual(moved);
        expect(await store.updateAccount(a.id, { locale: null })).toEqual({ ...moved, locale: undefined });
        expect(await store.updateAccount(fresh('nobody'), { displayName: 'x' })).toBeNull();
      });

      it('the first account is the oldest one, by creation time then id', async () => {
        const oldest = await newAccount('1970-01-01T00:00:00Z');
        await newAccount('1970-01-01T00:00:01Z');
        expect(await store.firstAccountId()).toBe(oldest.id);
      });

      it('sign out everywhere deletes every session of the account, or all but one', async () => {
        const a = await newAccount();
        const other = await newAccount();
        const session = (accountId: string) => ({
          tokenHash: sha256(fresh('s')),
          accountId,
          csrfToken: 'c',
          createdAt: '2025-01-01T00:00:00Z',
          expiresAt: '2099-01-01T00:00:00Z',
        });
        const [s1, s2, s3, theirs] = [session(a.id), session(a.id), session(a.id), session(other.id)];
        for (const s of [s1, s2, s3, theirs]) await store.createSession(s);
        expect(await store.deleteSessions(a.id, s2.tokenHash)).toBe(2);
        expect(await store.getSession(s1.tokenHash)).toBeNull();
        expect(await store.getSession(s2.tokenHash)).toEqual(s2);
        expect(await store.getSession(theirs.tokenHash)).toEqual(theirs);
        expect(await store.deleteSessions(a.id)).toBe(1);
        expect(await store.getSession(s2.tokenHash)).toBeNull();
        expect(await store.deleteSessions(a.id)).toBe(0);
      });

      it('an account token is taken once, only for its purpose and before it expires', async () => {
        const a = await newAccount();
        const token = (purpose: 'password_reset' | 'email_change', expiresAt: string) => ({
          tokenHash: sha256(fresh('t')),
          accountId: a.id,
          purpose,
          email: purpose === 'email_change' ? 'new@example.org' : null,
          createdAt: '2025-01-01T00:00:00Z',
          expiresAt,
        });
        const reset = token('password_reset', '2025-01-01T01:00:00Z');
        const change = token('email_change', '2025-01-02T00:00:00Z');
        const expired = token('password_reset', '2025-01-01T00:30:00Z');
        for (const t of [reset, change, expired]) await store.createAccountToken(t);
        await expectConflict(store.createAccountToken(reset), 'duplicate');
        const now = '2025-01-01T00:45:00Z';
        expect(await store.takeAccountToken(reset.tokenHash, 'email_change', now)).toBeNull();
        expect(await store.takeAccountToken(expired.tokenHash, 'password_reset', now)).toBeNull();
        expect(await store.takeAccountToken(expired.tokenHash, 'password_reset', '2000-01-01')).toBeNull();
        const [first, second] = await Promise.all([
          store.takeAccountToken(reset.tokenHash, 'password_reset', now),
          store.takeAccountToken(reset.tokenHash, 'password_reset', now),
        ]);
        expect([first, second].filter((t) => t !== null)).toEqual([reset]);
        expect(await store.takeAccountToken(sha256('nope'), 'password_reset', now)).toBeNull();
        const again = token('email_change', '2099-01-01T00:00:00Z');
        await store.createAccountToken(again);
        await store.deleteAccountTokens(a.id, 'email_change');
        expect(await store.takeAccountToken(change.tokenHash, 'email_change', now)).toBeNull();
        expect(await store.takeAccountToken(again.tokenHash, 'email_change', now)).toBeNull();
      });

      it('invitations are found by their token, listed newest first and an e-mail one is accepted once', async () => {
        const inviter = await newAccount();
        const joiner = await newAccount();
        const commonsId = fresh('commons');
        const invitation = (createdAt: string, email: string | null) => ({
          id: fresh('inv'),
          commonsId,
          tokenHash: sha256(fresh('it')),
          email,
          classes: ['workers', 'caf\u00e9'],
          invitedBy: inviter.id,
          createdAt,
          expiresAt: '2099-01-01T00:00:00Z',
          acceptedBy: null,
          acceptedAt: null,
        });
        const byMail = invitation('2025-01-01T00:00:00Z', 'friend@example.org');
        const byLink = invitation('2025-01-02T00:00:00Z', null);
        await store.createInvitation(byMail);
        await store.createInvitation(byLink);
        await store.createInvitation({
          ...invitation('2025-01-03T00:00:00Z', null),
          commonsId: fresh('other'),
        });
        await expectConflict(store.createInvitation({ ...byLink, id: fresh('inv') }), 'duplicate');
        await expectConflict(
          store.createInvitation({ ...byLink, tokenHash: sha256(fresh('x')) }),
          'duplicate',
        );
        expect(await store.getInvitationByToken(byMail.tokenHash)).toEqual(byMail);
        expect(await store.getInvitationByToken(sha256('nope'))).toBeNull();
        expect(await store.listInvitations(commonsId, 10)).toEqual([byLink, byMail]);
        expect(await store.listInvitations(commonsId, 1)).toEqual([byLink]);
        const at = '2025-01-05T00:00:00Z';
        const results = await Promise.all([
          store.acceptInvitation(byMail.id, joiner.id, at),
          store.acceptInvitation(byMail.id, inviter.id, at),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const accepted = await store.getInvitationByToken(byMail.tokenHash);
        expect(accepted?.acceptedAt).toBe(at);
        expect([joiner.id, inviter.id]).toContain(accepted?.acceptedBy);
        expect(await store.acceptInvitation(fresh('nothing'), joiner.id, at)).toBe(false);
      });

      it('the outbox keeps mails newest first; suppressed addresses are found in any case', async () => {
        const mail = (createdAt: string) => ({
          id: fresh('mail'),
          to: `${fresh('to')}@example.org`,
          subject: 'R\u00e9initialiser \u{1F511}',
          text: 'line 1\nline 2',
          html: '<p>\u00e9</p>',
          kind: 'password_reset',
          createdAt,
        });
        const older = mail('2999-01-01T00:00:00Z');
        const newer = mail('2999-01-01T00:00:01Z');
        await store.addOutboxMail(older);
        await store.addOutboxMail(newer);
        await expectConflict(store.addOutboxMail(older), 'duplicate');
        expect(await store.listOutbox(2)).toEqual([newer, older]);
        const address = `${fresh('unsub')}@Example.org`;
        expect(await store.isEmailSuppressed(address)).toBe(false);
        await store.suppressEmail(address, '2025-01-01T00:00:00Z');
        await store.suppressEmail(address.toUpperCase(), '2025-01-02T00:00:00Z');
        expect(await store.isEmailSuppressed(address.toLowerCase())).toBe(true);
        expect(await store.isEmailSuppressed(`x${address}`)).toBe(false);
      });
    });

    describe('notifications, their settings and reminders', () => {
      const newAccount = async () => {
        const id = fresh('reader');
        await store.createAccount({
          id,
          email: `${id}@example.org`,
          displayName: id,
          passwordHash: 'h',
          createdAt: '2025-01-01T00:00:00Z',
        });
        return id;
      };
      const note = (accountId: string, createdAt: string, extra: Partial<StoredNotification> = {}) => ({
        id: fresh('n'),
        accountId,
        kind: 'comment_on_your_proposal',
        commonsId: fresh('c'),
        proposalId: fresh('p'),
        dedupeKey: fresh('k'),
        data: { title: 'Gr\u00fcn \u{1F331}', nested: { list: [1, null] } },
        createdAt,
        readAt: null,
        digest: false,
        ...extra,
      });

      it('adds each (account, dedupe key) once and says which it added; pages newest first', async () => {
        const a = await newAccount();
        const b = await newAccount();
        const n1 = note(a, '2025-01-01T00:00:01Z');
        const n2 = note(a, '2025-01-01T00:00:02Z', { proposalId: null });
        const n3 = note(a, '2025-01-01T00:00:03Z');
        const again = { ...note(a, '2025-01-01T00:00:04Z'), dedupeKey: n1.dedupeKey };
        const sameKeyOther = { ...note(b, '2025-01-01T00:00:04Z'), dedupeKey: n1.dedupeKey };
        expect(await store.addNotifications([])).toEqual([]);
        expect(await store.addNotifications([n1, n2])).toEqual([n1.id, n2.id]);
        expect(await store.addNotifications([again, n3, sameKeyOther])).toEqual([n3.id, sameKeyOther.id]);
        expect(await store.listNotifications(a, 10)).toEqual([n3, n2, n1]);
        expect(await store.listNotifications(a, 2)).toEqual([n3, n2]);
        expect(await store.listNotifications(a, 2, n2.id)).toEqual([n1]);
        expect(await store.listNotifications(a, 2, n1.id)).toEqual([]);
        // Another account's id as the cursor reads nothing of it.
        expect(await store.listNotifications(a, 10, sameKeyOther.id)).toEqual([]);
        expect(await store.listNotifications(b, 10)).toEqual([sameKeyOther]);
        expect(await store.countUnreadNotifications(a)).toBe(3);
        await expect(
          store.addNotifications([{ ...note(a, '2025-01-01T00:00:05Z'), id: '' }]),
        ).rejects.toThrow(/id must be a non-empty string/);
        expect(await store.countUnreadNotifications(a)).toBe(3);
      });

      it('marks one read (only the owner’s), then all; counts unread', async () => {
        const a = await newAccount();
        const b = await newAccount();
        const n1 = note(a, '2025-01-02T00:00:01Z');
        const n2 = note(a, '2025-01-02T00:00:02Z');
        const other = note(b, '2025-01-02T00:00:03Z');
        await store.addNotifications([n1, n2, other]);
        expect(await store.markNotificationRead(a, other.id, '2025-01-03T00:00:00Z')).toBeNull();
        expect(await store.markNotificationRead(a, '__proto__', '2025-01-03T00:00:00Z')).toBeNull();
        expect(await store.countUnreadNotifications(b)).toBe(1);
        expect(await store.markNotificationRead(a, n1.id, '2025-01-03T00:00:00Z')).toEqual({
          ...n1,
          readAt: '2025-01-03T00:00:00Z',
        });
        // Read once: marking again keeps the first time.
        expect((await store.markNotificationRead(a, n1.id, '2025-01-04T00:00:00Z'))?.readAt).toBe(
          '2025-01-03T00:00:00Z',
        );
        expect(await store.countUnreadNotifications(a)).toBe(1);
        expect(await store.markAllNotificationsRead(a, '2025-01-05T00:00:00Z')).toBe(1);
        expect(await store.markAllNotificationsRead(a, '2025-01-05T00:00:00Z')).toBe(0);
        expect(await store.countUnreadNotifications(a)).toBe(0);
        expect(await store.countUnreadNotifications(b)).toBe(1);
        expect((await store.listNotifications(a, 10)).map((n) => n.readAt)).toEqual([
          '2025-01-05T00:00:00Z',
          '2025-01-03T00:00:00Z',
        ]);
      });

      it('digests: accounts waiting, paged by id; a take takes each once, up to a time', async () => {
        const [a, b] = [await newAccount(), await newAccount()].sort();
        const early = note(a!, '1001-01-01T00:00:01Z', { digest: true });
        const late = note(a!, '1001-01-01T00:00:05Z', { digest: true });
        const notDigest = note(a!, '1001-01-01T00:00:02Z');
        const ofB = note(b!, '1001-01-01T00:00:03Z', { digest: true });
        await store.addNotifications([late, early, notDigest, ofB]);
        const waiting = await store.digestAccounts('1001-01-01T00:00:04Z', 1000);
        expect(waiting).toContain(a);
        expect(waiting).toContain(b);
        const afterA = await store.digestAccounts('1001-01-01T00:00:04Z', 1000, a);
        expect(afterA).not.toContain(a);
        expect(afterA).toContain(b);
        const [first, second] = await Promise.all([
          store.takeDigestNotifications(a!, '1001-01-01T00:00:04Z', 10),
          store.takeDigestNotifications(a!, '1001-01-01T00:00:04Z', 10),
        ]);
        expect([...first!, ...second!]).toEqual([{ ...early, digest: false }]);
        expect(await store.takeDigestNotifications(a!, '1001-01-01T00:00:09Z', 10)).toEqual([
          { ...late, digest: false },
        ]);
        expect(await store.digestAccounts('1001-01-01T00:00:09Z', 1000)).not.toContain(a);
        expect((await store.listNotifications(a!, 10)).every((n) => !n.digest)).toBe(true);
      });

      it('settings: one per account, replaced, read many at once', async () => {
        const a = await newAccount();
        const b = await newAccount();
        expect(await store.notificationSettings([a, b])).toEqual(new Map());
        await store.setNotificationSettings(a, { reminder: 'email', __proto__x: 'off' });
        await store.setNotificationSettings(a, { reminder: 'digest' });
        await store.setNotificationSettings(b, {});
        expect(await store.notificationSettings([a, b, a, fresh('nobody')])).toEqual(
          new Map<string, unknown>([
            [a, { reminder: 'digest' }],
            [b, {}],
          ]),
        );
        expect(await store.notificationSettings([])).toEqual(new Map());
      });

      it('reminders: set (replaced), taken once when due, earliest first', async () => {
        const c = fresh('c');
        await store.setReminder({ commonsId: c, proposalId: 'p2', at: '1000-01-01T00:00:02Z' });
        await store.setReminder({ commonsId: c, proposalId: 'p1', at: '1000-01-01T00:00:09Z' });
        await store.setReminder({ commonsId: c, proposalId: 'p1', at: '1000-01-01T00:00:01Z' });
        await store.setReminder({ commonsId: c, proposalId: 'p3', at: '1000-01-01T00:00:30Z' });
        const [x, y] = await Promise.all([
          store.takeDueReminders('1000-01-01T00:00:10Z', 100),
          store.takeDueReminders('1000-01-01T00:00:10Z', 100),
        ]);
        const taken = [...x!, ...y!].filter((r) => r.commonsId === c);
        expect(taken.sort((p, q) => (p.at < q.at ? -1 : 1))).toEqual([
          { commonsId: c, proposalId: 'p1', at: '1000-01-01T00:00:01Z' },
          { commonsId: c, proposalId: 'p2', at: '1000-01-01T00:00:02Z' },
        ]);
        expect(
          (await store.takeDueReminders('1000-01-01T00:00:10Z', 100)).filter((r) => r.commonsId === c),
        ).toEqual([]);
        expect(
          (await store.takeDueReminders('1000-01-01T00:01:00Z', 100)).filter((r) => r.commonsId === c),
        ).toEqual([{ commonsId: c, proposalId: 'p3', at: '1000-01-01T00:00:30Z' }]);
      });
    });

    describe('persistence', () => {
      it('a store closed and opened again keeps everything; migrate is idempotent', async () => {
        const first = await openStore();
        const c = fresh('persist');
        const records = makeRecords(c, 0, AWKWARD_BODIES.slice(0, 6));
        const checkpoint = {
          commons: c,
          size: 6,
          root: 'cd'.repeat(32),
          time: '2025-01-01T00:00:00Z',
          signature: 'sig',
          keyId: 'k',
        };
        const head = headAfter(c, null, records, checkpoint);
        await first.append({
          commonsId: c,
          expectedSize: 0,
          records,
          head,
          docs: [{ kind: 'commons', id: c, body: { name: 'Gr\u00fcn' } }],
        });
        const accountId = fresh('persist-acct');
        const account = {
          id: accountId,
          email: `${accountId}@Example.org`,
          displayName: 'P',
          passwordHash: 'h',
          createdAt: '2025-01-01T00:00:00Z',
        };
        await first.createAccount(account);
        const session = {
          tokenHash: sha256(fresh('ps')),
          accountId,
          csrfToken: 'c',
          createdAt: '2025-01-01T00:00:00Z',
          expiresAt: '2025-01-02T00:00:00Z',
        };
        await first.createSession(session);
        const token = {
          id: fresh('pt'),
          accountId,
          name: 'cli',
          tokenHash: sha256(fresh('pt')),
          createdAt: '2025-01-01T00:00:00Z',
        };
        await first.createApiToken(token);
        await first.close();
        await first.close();

        const again = await openStore();
        await again.migrate();
        expect(await again.head(c)).toEqual(head);
        expect(await again.readRecords(c)).toEqual(records);
        expect(await again.listCommonsIds()).toContain(c);
        expect(await again.getDoc(c, 'commons', c)).toEqual({ name: 'Gr\u00fcn' });
        expect(await again.listDocsOfKind('commons')).toContainEqual({
          commonsId: c,
          kind: 'commons',
          id: c,
          body: { name: 'Gr\u00fcn' },
        });
        expect(await again.findAccountByEmail(account.email.toLowerCase())).toEqual(account);
        expect(await again.getSession(session.tokenHash)).toEqual(session);
        expect(await again.listApiTokens(accountId)).toEqual([token]);
        // The reopened store carries on the same log.
        await appendBodies(again, c, ['{"after":"reopen"}']);
        expect(await store.readRecords(c, 6)).toHaveLength(1);
      });
    });
  });
}
