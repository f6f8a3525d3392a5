import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_PREV,
  RECORD_VERSION,
  chainRecords,
  decodeRecord,
  encodeRecord,
  hashLeaf,
  recordHash,
  recordLeafHash,
  toHex,
  type LogRecord,
} from '../src/log/index';
import { nth } from './must';

const T0 = '2026-01-01T00:00:00.000Z';

describe('log records', () => {
  const record: LogRecord = {
    v: 1,
    commons: 'c1',
    seq: 0,
    prev: GENESIS_PREV,
    at: T0,
    actor: 'alice',
    type: 'CommonsFounded',
    data: { name: 'Ærø Makers ✓', members: ['alice'] },
  };

  it('encodes canonically with sorted keys and hashes the UTF-8 bytes', () => {
    const body = encodeRecord(record);
    expect(body).toBe(
      `{"actor":"alice","at":"${T0}","commons":"c1","data":{"members":["alice"],"name":"Ærø Makers ✓"},` +
        `"prev":"${GENESIS_PREV}","seq":0,"type":"CommonsFounded","v":1}`,
    );
    // Hash of the UTF-8 bytes, not of UTF-16 code units or Latin-1.
    const bytes = Buffer.from(body, 'utf8');
    expect(bytes.length).toBeGreaterThan(body.length);
    expect(recordHash(body)).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(toHex(recordLeafHash(body))).toBe(toHex(hashLeaf(bytes)));
    expect(recordLeafHash(body)).not.toEqual(Buffer.from(recordHash(body), 'hex'));
  });

  it('drops nothing silently: extra fields and non-JSON data are rejected', () => {
    expect(() => encodeRecord({ ...record, extra: 1 } as LogRecord)).toThrow(/unknown field\(s\) extra/);
    expect(() => encodeRecord({ ...record, data: { when: new Date(0) } })).toThrow(
      /non-plain object \(Date\) at \$\.data\.when/,
    );
    expect(() => encodeRecord({ ...record, data: { x: undefined } })).toThrow(/undefined at \$\.data\.x/);
    expect(() => encodeRecord({ ...record, data: undefined })).toThrow(/data is missing/);
  });

  it('chains events after the genesis and after a head', () => {
    const events = [
      { type: 'CommonsFounded', data: { name: 'A' }, actor: 'alice', at: T0 },
      { type: 'MemberJoined', data: { member: 'bob' }, actor: 'bob', at: '2026-01-01T00:01:00.000Z' },
    ];
    const first = chainRecords('c1', GENESIS_PREV, 0, events);
    expect(first.map((r) => r.record.seq)).toEqual([0, 1]);
    expect(nth(first, 0).record.prev).toBe(GENESIS_PREV);
    expect(nth(first, 1).record.prev).toBe(nth(first, 0).hash);
    for (const r of first) {
      expect(r.body).toBe(encodeRecord(r.record));
      expect(r.hash).toBe(recordHash(r.body));
      expect(decodeRecord(r.body)).toEqual(r.record);
    }
    const next = chainRecords('c1', nth(first, 1).hash, 2, [
      { type: 'Note', data: null, actor: null, at: T0 },
    ]);
    expect(nth(next, 0).record).toMatchObject({ seq: 2, prev: nth(first, 1).hash, actor: null, data: null });
    // Chaining in one batch or in two gives the same records.
    const all = chainRecords('c1', GENESIS_PREV, 0, [
      ...events,
      { type: 'Note', data: null, actor: null, at: T0 },
    ]);
    expect(all.map((r) => r.hash)).toEqual([...first, ...next].map((r) => r.hash));
    expect(chainRecords('c1', nth(first, 1).hash, 2, [])).toEqual([]);
  });

  it('refuses an inconsistent head', () => {
    expect(() => chainRecords('c1', GENESIS_PREV, 3, [])).toThrow(/seq 0 and only seq 0/);
    expect(() => chainRecords('c1', 'ab'.repeat(32), 0, [])).toThrow(/seq 0 and only seq 0/);
    expect(() => chainRecords('c1', 'AB'.repeat(32), 1, [])).toThrow(/64 lower-case hex/);
    expect(() => chainRecords('c1', GENESIS_PREV, -1, [])).toThrow(/invalid next seq/);
    expect(() => chainRecords('', GENESIS_PREV, 0, [])).toThrow(/commons/);
    expect(() =>
      chainRecords('c1', GENESIS_PREV, 0, [{ type: 'X', data: 1, actor: null, at: 'yesterday' }]),
    ).toThrow(/at must be an ISO 8601 date-time/);
    expect(() => chainRecords('c1', GENESIS_PREV, 0, [{ type: '', data: 1, actor: null, at: T0 }])).toThrow(
      /type/,
    );
  });

  it('decodes with validation and clear errors', () => {
    const body = encodeRecord(record);
    expect(decodeRecord(body)).toEqual(record);
    expect(() => decodeRecord(body.slice(0, -1))).toThrow(/log record: body is not valid JSON/);
    expect(() => decodeRecord('[]')).toThrow(/not a JSON object/);
    expect(() => decodeRecord('null')).toThrow(/not a JSON object/);
    const edit = (patch: Record<string, unknown>) => JSON.stringify({ ...record, ...patch });
    expect(() => decodeRecord(edit({ v: RECORD_VERSION + 1 }))).toThrow(
      new RegExp(`\\(seq 0\\): unsupported version ${RECORD_VERSION + 1}`),
    );
    expect(() => decodeRecord(edit({ seq: 1.5 }))).toThrow(/seq must be a non-negative integer/);
    expect(() => decodeRecord(edit({ seq: '0' }))).toThrow(/seq must be a non-negative integer/);
    expect(() => decodeRecord(edit({ prev: 'abc' }))).toThrow(/prev must be 64 lower-case hex/);
    expect(() => decodeRecord(edit({ at: '2026-13-45T00:00:00Z' }))).toThrow(/at must be/);
    expect(() => decodeRecord(edit({ actor: 5 }))).toThrow(/actor must be a string or null/);
    expect(() => decodeRecord(edit({ commons: '' }))).toThrow(/commons must be/);
    expect(() => decodeRecord(edit({ surprise: true }))).toThrow(/unknown field\(s\) surprise/);
    const { type: _omitted, ...noType } = record;
    expect(() => decodeRecord(JSON.stringify(noType))).toThrow(/missing field\(s\) type/);
  });
});
