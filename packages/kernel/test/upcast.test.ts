// Stored events upcast on read: a test catalogue with a step from version 1 to 2 (a renamed field, an event type
// split in two by its content and into two events), logs written at each version and at both, a version newer than
// the reader, and the stored bytes (hashes, Merkle leaves, root) untouched by upcasting.
import { describe, expect, it } from 'vitest';
import {
  foldRecords,
  readModelDocs,
  stateFromRecords,
  upcast,
  UPCAST_STEPS,
  UPCASTERS,
  type CommonsState,
  type EventEnvelope,
  type Outcome,
  type Upcasters,
  type UpcastSteps,
} from '../src/index';
import {
  chainRecords,
  checkExtension,
  CompactMerkleTree,
  decodeRecord,
  EMPTY_POSITION,
  encodeRecord,
  GENESIS_PREV,
  merkleRoot,
  RECORD_VERSION,
  RECORD_VERSIONS,
  recordHash,
  recordLeafHash,
  toHex,
  verifyLog,
  type LogRecord,
} from '../src/log/index';
import { at, Scenario } from './scenario';

// Version 1 of a made-up catalogue: PositionTaken called today's `reason` `comment`, and one ProposalClosed stood
// for a withdrawal (no outcome) or a decision, carrying the text of the resolution it adopted, if any.
interface PositionTakenV1 {
  proposalId: string;
  accountId: string;
  stance: string;
  comment: string;
}
interface ProposalClosedV1 {
  proposalId: string;
  outcome?: Outcome;
  resolution?: string;
}

const TEST_STEPS = {
  1: {
    PositionTaken: (data) => {
      const { comment, ...rest } = data as PositionTakenV1;
      return { type: 'PositionTaken', data: { ...rest, reason: comment } };
    },
    ProposalClosed: (data) => {
      const { proposalId, outcome, resolution } = data as ProposalClosedV1;
      if (!outcome) return { type: 'ProposalWithdrawn', data: { proposalId } };
      const decided = { type: 'ProposalDecided', data: { proposalId, outcome } };
      if (resolution === undefined) return decided;
      return [decided, { type: 'ResolutionAdopted', data: { proposalId, text: resolution } }];
    },
  },
} satisfies UpcastSteps<1 | 2, 2>;
const TEST: Upcasters = { versions: [1, 2], steps: TEST_STEPS };

interface Versioned {
  v: number;
  type: string;
  data: unknown;
  actor: string | null;
  at: string;
}

/** What a version 1 server would have written for the same history (the inverse of TEST's step, by hand). */
function asVersion1(log: readonly EventEnvelope[]): Versioned[] {
  const out: Versioned[] = [];
  for (const e of log) {
    const { actor, at: when } = e;
    if (e.type === 'PositionTaken') {
      const { reason, ...rest } = e.data;
      out.push({ v: 1, type: e.type, data: { ...rest, comment: reason }, actor, at: when });
    } else if (e.type === 'ProposalWithdrawn') {
      out.push({ v: 1, type: 'ProposalClosed', data: { proposalId: e.data.proposalId }, actor, at: when });
    } else if (e.type === 'ProposalDecided') {
      out.push({ v: 1, type: 'ProposalClosed', data: { ...e.data }, actor, at: when });
    } else if (e.type === 'ResolutionAdopted') {
      // Always right after the decision that adopted it, in the same command.
      const closed = out.at(-1);
      const data = closed?.data as ProposalClosedV1 | undefined;
      expect(closed?.type).toBe('ProposalClosed');
      expect(data?.proposalId).toBe(e.data.proposalId);
      expect(closed?.at).toBe(e.at);
      (data as ProposalClosedV1).resolution = e.data.text;
    } else out.push({ v: 1, type: e.type, data: e.data, actor, at: when });
  }
  return out;
}

const atVersion = (v: number, log: readonly EventEnvelope[]): Versioned[] => log.map((e) => ({ ...e, v }));

/** Records chained by hand at each event's version (chainRecords writes only RECORD_VERSION), checked against `versions`. */
function chain(
  events: readonly Versioned[],
  versions: readonly number[],
  from = { seq: 0, prev: GENESIS_PREV },
) {
  let { seq, prev } = from;
  return events.map((e) => {
    const record: LogRecord = {
      v: e.v,
      commons: 'c1',
      seq,
      prev,
      at: e.at,
      actor: e.actor,
      type: e.type,
      data: e.data,
    };
    const body = encodeRecord(record, versions);
    const hash = recordHash(body);
    seq++;
    prev = hash;
    return { record, body, hash };
  });
}

const stored = (chained: { record: LogRecord; body: string; hash: string }[]) =>
  chained.map((c) => ({ seq: c.record.seq, body: c.body, hash: c.hash }));

/** A history touching every changed type: resolutions adopted, rejected and withdrawn, positions with reasons. */
function history(): Scenario {
  const s = Scenario.given({ members: ['bob', 'cy'] });
  s.resolve('p1', 'ada', at(0));
  s.position('p1', 'bob', 'agree', at(1), 'Good for the beds');
  s.run(
    { type: 'PostComment', proposalId: 'p1', commentId: 'k1', text: 'Agreed.', replyTo: null },
    'cy',
    at(2),
  );
  s.resolve('p2', 'bob', at(3));
  s.run({ type: 'WithdrawProposal', proposalId: 'p2' }, 'bob', at(4));
  s.resolve('p3', 'ada', at(5));
  s.position('p3', 'cy', 'block', at(6), 'Not this season');
  s.close('p1', at(100));
  s.close('p3', at(100));
  return s;
}

describe('upcasting stored events', () => {
  it('folds a log written at version 1 to the state of the same history written at version 2', () => {
    const s = history();
    const v1 = chain(asVersion1(s.log), TEST.versions);
    const v2 = chain(atVersion(2, s.log), TEST.versions);
    // The two logs really differ: a renamed field, a merged type, fewer records.
    expect(v1.map((c) => c.record.type)).toContain('ProposalClosed');
    expect(v2.map((c) => c.record.type)).not.toContain('ProposalClosed');
    expect(v1.length).toBe(v2.length - 1);
    expect(v1.find((c) => c.record.type === 'PositionTaken')?.record.data).toMatchObject({
      comment: 'Good for the beds',
    });
    expect(s.log.map((e) => e.type)).toEqual(
      expect.arrayContaining(['ProposalWithdrawn', 'ProposalDecided', 'ResolutionAdopted']),
    );

    for (const log of [v1, v2]) {
      const check = checkExtension('c1', EMPTY_POSITION, stored(log), TEST.versions);
      expect(check.ok).toBe(true);
      expect(foldRecords(null, check.records, TEST)).toEqual(s.state);
      expect(
        stateFromRecords(
          log.map((c) => c.body),
          TEST,
        ),
      ).toEqual(s.state);
    }
    const v1State = stateFromRecords(
      v1.map((c) => c.body),
      TEST,
    ) as CommonsState;
    expect(readModelDocs(v1State)).toEqual(readModelDocs(s.s));
    expect(v1State.proposals.p1?.status).toBe('passed');
    expect(v1State.proposals.p2?.status).toBe('withdrawn');
    expect(v1State.proposals.p3?.status).toBe('rejected');
    expect(v1State.positions.p1?.bob?.reason).toBe('Good for the beds');
  });

  it('verifies and folds a mixed log: version 1 records followed by version 2 records', () => {
    const s = history();
    const cut = s.log.findIndex((e) => e.type === 'ProposalOpened' && e.data.id === 'p3');
    const older = chain(asVersion1(s.log.slice(0, cut)), TEST.versions);
    const last = older.at(-1)!;
    const newer = chain(atVersion(2, s.log.slice(cut)), TEST.versions, {
      seq: older.length,
      prev: last.hash,
    });
    const log = [...older, ...newer];
    expect(new Set(log.map((c) => c.record.v))).toEqual(new Set([1, 2]));

    const verified = verifyLog(stored(log), { commons: 'c1', versions: TEST.versions });
    expect(verified).toEqual({
      ok: true,
      size: log.length,
      root: toHex(merkleRoot(log.map((c) => recordLeafHash(c.body)))),
    });
    const check = checkExtension('c1', EMPTY_POSITION, stored(log), TEST.versions);
    expect(check.ok).toBe(true);
    expect(foldRecords(null, check.records, TEST)).toEqual(s.state);
    // Onto a published state through a Draft, as the write path folds what it has not seen yet.
    const base = foldRecords(null, check.records.slice(0, older.length), TEST);
    const before = structuredClone(base);
    expect(foldRecords(base, check.records.slice(older.length), TEST)).toEqual(s.state);
    expect(base).toEqual(before);
  });

  it('refuses a record of a version newer than the reader, with the versions it reads', () => {
    const s = history();
    const log = chain(atVersion(3, s.log.slice(0, 2)), [1, 2, 3]);
    const [first, second] = log.map((c) => c.record);
    const newer =
      /unsupported version 3: this code reads record versions 1 to 2 \(written by a newer version of peergov, which this one will not guess at: upgrade to read it\)/;
    expect(() => upcast(second!, TEST)).toThrow(/log record \(seq 1\): unsupported version 3/);
    expect(() => upcast(second!, TEST)).toThrow(newer);
    expect(() => foldRecords(null, [first!, second!], TEST)).toThrow(newer);
    expect(() => decodeRecord(log[1]!.body, TEST.versions)).toThrow(/\(seq 1\): unsupported version 3/);
    expect(() => stateFromRecords([log[0]!.body], TEST)).toThrow(newer);
    const check = checkExtension('c1', EMPTY_POSITION, stored(log), TEST.versions);
    expect(check).toMatchObject({ ok: false, seq: 0, records: [] });
    expect(!check.ok && check.reason).toMatch(newer);
    expect(verifyLog(stored(log), { commons: 'c1', versions: TEST.versions })).toMatchObject({
      ok: false,
      where: 'record',
      seq: 0,
      reason: expect.stringMatching(newer),
    });

    // The same with this code's own versions: its verification stops at the first record of a newer one, and the
    // records before it are what it serves.
    const mixed = chain(
      [...atVersion(RECORD_VERSION, s.log.slice(0, 2)), ...atVersion(RECORD_VERSION + 1, s.log.slice(2, 3))],
      [...RECORD_VERSIONS, RECORD_VERSION + 1],
    );
    const stops = checkExtension('c1', EMPTY_POSITION, stored(mixed));
    expect(stops).toMatchObject({ ok: false, seq: 2, position: { size: 2, hash: mixed[1]!.hash } });
    expect(stops.records.map((r) => r.seq)).toEqual([0, 1]);
    expect(!stops.ok && stops.reason).toMatch(
      `unsupported version ${RECORD_VERSION + 1}: this code reads record version`,
    );
    expect(!stops.ok && stops.reason).toMatch(/\(written by a newer version of peergov/);

    // Upcasting and decoding with this code's own registry, one version past its own.
    const future = { ...first!, v: RECORD_VERSION + 1 };
    const real = `unsupported version ${RECORD_VERSION + 1}: this code reads record version`;
    expect(() => upcast(future)).toThrow(real);
    expect(() => foldRecords(null, [future])).toThrow(real);
    expect(() => decodeRecord(JSON.stringify(future))).toThrow(real);
    expect(() => encodeRecord(future)).toThrow(real);
  });

  it('refuses what is not a version, or older than any read, and a registry missing a step', () => {
    const record = chain(atVersion(1, history().log.slice(0, 1)), [1])[0]!.record;
    for (const v of [0, -1, 1.5, '1', null]) {
      expect(() => decodeRecord(JSON.stringify({ ...record, v }))).toThrow(
        `unsupported version ${JSON.stringify(v)}: this code reads record version`,
      );
      expect(() => decodeRecord(JSON.stringify({ ...record, v }))).toThrow(/\(not a version number\)$/);
    }
    expect(() => decodeRecord(JSON.stringify(record), [2, 3])).toThrow(
      'unsupported version 1: this code reads record versions 2 to 3 (older than any this code still reads)',
    );
    expect(() => upcast(record, { versions: [1, 2], steps: {} })).toThrow(
      'upcast: no step from record version 1 to 2',
    );
  });

  it('leaves the stored bytes alone: hashes, Merkle leaves and the root are over the record as written', () => {
    const s = history();
    const v1 = chain(asVersion1(s.log), TEST.versions);
    const bodies = v1.map((c) => c.body);
    const hashes = v1.map((c) => c.hash);
    const leaves = bodies.map((b) => toHex(recordLeafHash(b)));
    const root = toHex(merkleRoot(bodies.map((b) => recordLeafHash(b))));
    const position = v1.findIndex((c) => c.record.type === 'PositionTaken');
    const record = decodeRecord(bodies[position]!, TEST.versions);
    const copy = structuredClone(record);

    const [event] = upcast(record, TEST);
    expect(event).toEqual({
      type: 'PositionTaken',
      data: { proposalId: 'p1', accountId: 'bob', stance: 'agree', reason: 'Good for the beds' },
    });
    expect(record).toEqual(copy);
    expect(encodeRecord(record, TEST.versions)).toBe(bodies[position]);
    expect(recordHash(encodeRecord(record, TEST.versions))).toBe(hashes[position]);

    const check = checkExtension('c1', EMPTY_POSITION, stored(v1), TEST.versions);
    expect(check.ok).toBe(true);
    foldRecords(null, check.records, TEST);
    expect(check.records.map((r) => encodeRecord(r, TEST.versions))).toEqual(bodies);
    expect(check.records.map((r) => recordHash(encodeRecord(r, TEST.versions)))).toEqual(hashes);
    expect(check.records.map((r) => toHex(recordLeafHash(encodeRecord(r, TEST.versions))))).toEqual(leaves);
    expect(check.ok && CompactMerkleTree.fromState(check.position.merkle).rootHex()).toBe(root);
    expect(verifyLog(stored(v1), { commons: 'c1', versions: TEST.versions })).toEqual({
      ok: true,
      size: v1.length,
      root,
    });
  });

  it('passes through the types a step did not change, by own key only', () => {
    const record = chain(atVersion(1, history().log.slice(0, 1)), [1])[0]!.record;
    expect(upcast(record, TEST)).toEqual([{ type: record.type, data: record.data }]);
    for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const odd = { ...record, type, data: { x: 1 } };
      expect(upcast(odd, TEST)).toEqual([{ type, data: { x: 1 } }]);
    }
  });

  it("this code's registry: its versions, a step from each but the current, and records written at the current one", () => {
    expect(UPCASTERS.versions).toEqual(RECORD_VERSIONS);
    expect(RECORD_VERSIONS).toEqual(Array.from({ length: RECORD_VERSION }, (_, i) => i + 1));
    expect(Object.keys(UPCAST_STEPS).map(Number)).toEqual(RECORD_VERSIONS.slice(0, -1));
    const [c] = chainRecords('c1', GENESIS_PREV, 0, [
      { type: 'MemberLeft', data: { accountId: 'bob' }, actor: 'bob', at: at(0) },
    ]);
    expect(c!.record.v).toBe(RECORD_VERSION);
    expect(JSON.parse(c!.body)).toMatchObject({ v: RECORD_VERSION });
    // A record written now is already in the current shape.
    expect(upcast(c!.record)).toEqual([{ type: 'MemberLeft', data: { accountId: 'bob' } }]);
  });

  it('version 3 (polls): a log of version-2 records then version-3 poll records verifies and folds, and version 2 reads unchanged', () => {
    const s = Scenario.given({
      members: ['bob'],
      rules: { resolution: { type: 'poll', hours: 24, method: 'approval' } },
    });
    s.run(
      {
        type: 'SubmitProposal',
        proposalId: 'p1',
        title: 'Corner',
        body: '',
        action: { kind: 'resolution', text: 'The corner' },
        question: {
          options: [
            { id: 'oak', label: 'Oak' },
            { id: 'none', label: 'None', statusQuo: true },
          ],
        },
      },
      'ada',
      at(1),
    );
    s.run({ type: 'CastBallot', proposalId: 'p1', ballot: { approve: ['oak'] }, reason: '' }, 'bob', at(2));
    s.run({ type: 'CastBallot', proposalId: 'p1', ballot: { approve: ['oak'] }, reason: '' }, 'ada', at(3));
    expect(s.proposal('p1')).toMatchObject({ status: 'passed', outcome: { poll: { winners: ['oak'] } } });
    const founding = s.log.filter((e) => e.type === 'CommonsCreated' || e.type === 'MemberAdmitted').length;
    // The founding events as an older server wrote them (version 2: their shapes did not change), the poll at 3.
    const mixed = chain(
      [...atVersion(2, s.log.slice(0, founding)), ...atVersion(3, s.log.slice(founding))],
      RECORD_VERSIONS,
    );
    expect(mixed.map((c) => c.record.v)).toEqual([...s.log.map((_, i) => (i < founding ? 2 : 3))]);
    expect(verifyLog(stored(mixed), { commons: 'c1' })).toMatchObject({ ok: true, size: s.log.length });
    const folded = stateFromRecords(mixed.map((c) => c.body));
    expect(folded).toEqual(s.s);
    expect(readModelDocs(folded!)).toEqual(readModelDocs(s.s));
  });
});
