// Readers for Pol.is conversation exports: the openData CSV export (compdemocracy/openData: votes.csv,
// comments.csv, participants-votes.csv) and the red-dwarf JSON fixtures (polis-community/red-dwarf
// tests/fixtures: votes.json, comments.json, math-pca2.json). Malformed input is an Error naming file and line.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { at } from '../common/index';
import type { Conversation, OpinionStatement, OpinionVote, VoteValue } from './matrix';

/** A conversation read from disk, with Pol.is's own grouping when the export carries it. */
export interface ImportedConversation extends Conversation {
  format: 'openData' | 'red-dwarf';
  /** Pol.is's group id per participant (openData `participants-votes.csv`, red-dwarf `math-pca2.json`). */
  polisGroups?: Map<string, number>;
  /** Pol.is's math output (red-dwarf fixtures only), as parsed JSON. */
  math?: PolisMath;
}

/** The parts of Pol.is's `math-pca2.json` the conformance tests read. */
export interface PolisMath {
  pca: {
    comps: number[][];
    center: number[];
    'comment-projection': number[][];
    'comment-extremity': number[];
  };
  'base-clusters': { id: number[]; members: number[][]; x: number[]; y: number[]; count: number[] };
  'group-clusters': { id: number; members: number[]; center: [number, number] }[];
  repness: Record<string, Record<string, unknown>[]>;
  consensus: { agree: Record<string, unknown>[]; disagree: Record<string, unknown>[] };
  'group-aware-consensus': Record<string, number>;
  'comment-priorities': Record<string, number>;
  'in-conv': number[];
  'mod-out': number[];
  'meta-tids': number[];
  tids: number[];
  n: number;
  'n-cmts': number;
  [key: string]: unknown;
}

/** Parses RFC 4180 CSV; each record carries the line it starts on. */
export function parseCsv(text: string, file: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let i = 0;
  let line = 1;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < text.length) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new Error(`${file}:${startLine}: unterminated quoted field`);
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
            } else {
              i++;
              break;
            }
          } else {
            if (ch === '\n') line++;
            field += ch;
            i++;
          }
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r')
          throw new Error(`${file}:${line}: unexpected character after a quoted field`);
      } else {
        const start = i;
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
        field = text.slice(start, i);
      }
      fields.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: startLine, fields });
  }
  return out;
}

function header(
  rows: { line: number; fields: string[] }[],
  file: string,
  required: string[],
): Map<string, number> {
  const [first] = rows;
  if (!first) throw new Error(`${file}:1: empty file, expected a header line`);
  const h = new Map(first.fields.map((f, i) => [f.trim(), i]));
  const missing = required.filter((r) => !h.has(r));
  if (missing.length > 0)
    throw new Error(`${file}:${first.line}: header lacks column(s) ${missing.join(', ')}`);
  return h;
}

function integer(s: string, file: string, line: number, what: string): number {
  const t = s.trim();
  if (!/^-?\d+$/.test(t)) throw new Error(`${file}:${line}: ${what} ${JSON.stringify(s)} is not an integer`);
  return Number(t);
}

function voteValue(s: string | number, file: string, line: number): VoteValue {
  const v = typeof s === 'number' ? s : Number(String(s).trim());
  if (v !== 1 && v !== -1 && v !== 0)
    throw new Error(`${file}:${line}: vote ${JSON.stringify(s)} is not -1, 0 or 1`);
  return v;
}

/** Parses openData `votes.csv` (`timestamp,datetime,comment-id,voter-id,vote`; 1 agree, -1 disagree, 0 pass). */
export function parseOpenDataVotes(text: string, file = 'votes.csv'): OpinionVote[] {
  const rows = parseCsv(text, file);
  const h = header(rows, file, ['timestamp', 'comment-id', 'voter-id', 'vote']);
  // header() has checked that these columns exist.
  const ti = h.get('timestamp')!;
  const ci = h.get('comment-id')!;
  const vi = h.get('voter-id')!;
  const xi = h.get('vote')!;
  const out: OpinionVote[] = [];
  for (const { line, fields } of rows.slice(1)) {
    if (fields.length !== h.size)
      throw new Error(`${file}:${line}: expected ${h.size} fields, found ${fields.length}`);
    // A header that repeats a name maps it to a later index than h.size allows.
    const cell = (i: number) => at(fields, i, `${file}:${line}: field`);
    out.push({
      time: integer(cell(ti), file, line, 'timestamp'),
      statement: String(integer(cell(ci), file, line, 'comment-id')),
      participant: String(integer(cell(vi), file, line, 'voter-id')),
      vote: voteValue(cell(xi), file, line),
    });
  }
  return out;
}

/** Parses openData `comments.csv` (`moderated`: 1 in, 0 not yet, -1 out). */
export function parseOpenDataComments(text: string, file = 'comments.csv'): OpinionStatement[] {
  const rows = parseCsv(text, file);
  const h = header(rows, file, ['comment-id', 'moderated', 'comment-body']);
  const out: OpinionStatement[] = [];
  for (const { line, fields } of rows.slice(1)) {
    if (fields.length !== h.size)
      throw new Error(`${file}:${line}: expected ${h.size} fields, found ${fields.length}`);
    // A header that repeats a name maps it to a later index than h.size allows.
    const cell = (i: number) => at(fields, i, `${file}:${line}: field`);
    const mod = integer(cell(h.get('moderated')!), file, line, 'moderated');
    if (mod !== 1 && mod !== 0 && mod !== -1)
      throw new Error(`${file}:${line}: moderated ${mod} is not -1, 0 or 1`);
    out.push({
      id: String(integer(cell(h.get('comment-id')!), file, line, 'comment-id')),
      text: fields[h.get('comment-body')!],
      moderated: mod,
    });
  }
  return out;
}

/** Parses openData `participants-votes.csv` into Pol.is's group id per participant (blank = not grouped). */
export function parseOpenDataGroups(text: string, file = 'participants-votes.csv'): Map<string, number> {
  const rows = parseCsv(text, file);
  const h = header(rows, file, ['participant', 'group-id']);
  const out = new Map<string, number>();
  for (const { line, fields } of rows.slice(1)) {
    if (fields.length !== h.size)
      throw new Error(`${file}:${line}: expected ${h.size} fields, found ${fields.length}`);
    // A header that repeats a name maps it to a later index than h.size allows.
    const cell = (i: number) => at(fields, i, `${file}:${line}: field`);
    const g = cell(h.get('group-id')!).trim();
    const p = String(integer(cell(h.get('participant')!), file, line, 'participant'));
    if (g !== '') out.set(p, integer(g, file, line, 'group-id'));
  }
  return out;
}

/** Line of the start of each element of a top-level JSON array (for error messages). */
function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') continue;
    if (expectElement && depth === 1 && ch !== ']') {
      lines.push(line);
      expectElement = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth === 1 && ch === '[') expectElement = true;
    } else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) expectElement = true;
  }
  return lines;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const msg = error instanceof Error ? error.message : String(error);
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : 1;
    throw new Error(`${file}:${line}: invalid JSON (${msg})`);
  }
}

function jsonRecords(text: string, file: string): { line: number; record: Record<string, unknown> }[] {
  const data = parseJson(text, file);
  if (!Array.isArray(data)) throw new Error(`${file}:1: expected a JSON array of records`);
  const lines = arrayElementLines(text);
  return data.map((record, i) => {
    const line = lines[i] ?? 1;
    if (record === null || typeof record !== 'object' || Array.isArray(record))
      throw new Error(`${file}:${line}: record ${i} is not an object`);
    return { line, record: record as Record<string, unknown> };
  });
}

function field(rec: Record<string, unknown>, keys: string[], file: string, line: number): unknown {
  for (const k of keys) if (rec[k] !== undefined && rec[k] !== null) return rec[k];
  throw new Error(`${file}:${line}: record lacks ${keys.join(' / ')}`);
}

function idOf(v: unknown, file: string, line: number, what: string): string {
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  throw new Error(`${file}:${line}: ${what} ${JSON.stringify(v)} is not an id`);
}

/** Parses red-dwarf `votes.json` (keys `pid`/`tid` or `participant_id`/`statement_id`; 1 agree, -1 disagree). */
export function parseRedDwarfVotes(text: string, file = 'votes.json'): OpinionVote[] {
  return jsonRecords(text, file).map(({ line, record }) => {
    const time = Number(field(record, ['modified'], file, line));
    if (!Number.isFinite(time))
      throw new Error(`${file}:${line}: modified ${JSON.stringify(record.modified)} is not a time`);
    return {
      participant: idOf(field(record, ['participant_id', 'pid'], file, line), file, line, 'participant'),
      statement: idOf(field(record, ['statement_id', 'tid'], file, line), file, line, 'statement'),
      vote: voteValue(field(record, ['vote'], file, line) as number, file, line),
      time,
    };
  });
}

/** Parses red-dwarf `comments.json` (moderation in `mod` or `moderated`, `is_meta`). */
export function parseRedDwarfComments(text: string, file = 'comments.json'): OpinionStatement[] {
  return jsonRecords(text, file).map(({ line, record }) => {
    const mod = Number(field(record, ['moderated', 'mod'], file, line));
    if (mod !== 1 && mod !== 0 && mod !== -1)
      throw new Error(`${file}:${line}: moderation ${mod} is not -1, 0 or 1`);
    return {
      id: idOf(field(record, ['statement_id', 'tid'], file, line), file, line, 'statement'),
      text: typeof record.txt === 'string' ? record.txt : undefined,
      moderated: mod,
      isMeta: record.is_meta === true,
    };
  });
}

/** Pol.is's group per participant from `math-pca2.json` (through base clusters). */
export function polisGroupsFromMath(math: PolisMath): Map<string, number> {
  const baseMembers = new Map<number, number[]>();
  const { id: ids, members } = math['base-clusters'];
  ids.forEach((id, i) => baseMembers.set(id, members[i] ?? []));
  const out = new Map<string, number>();
  for (const g of math['group-clusters'])
    for (const b of g.members) for (const p of baseMembers.get(b) ?? []) out.set(String(p), g.id);
  return out;
}

function read(dir: string, name: string): string {
  const file = join(dir, name);
  if (!existsSync(file)) throw new Error(`${file}: file not found`);
  return readFileSync(file, 'utf8');
}

/** Reads a conversation folder: an openData export (votes.csv) or a red-dwarf fixture (votes.json). */
export function readConversationDir(dir: string): ImportedConversation {
  if (existsSync(join(dir, 'votes.csv'))) {
    const votes = parseOpenDataVotes(read(dir, 'votes.csv'), join(dir, 'votes.csv'));
    const statements = existsSync(join(dir, 'comments.csv'))
      ? parseOpenDataComments(read(dir, 'comments.csv'), join(dir, 'comments.csv'))
      : [];
    const polisGroups = existsSync(join(dir, 'participants-votes.csv'))
      ? parseOpenDataGroups(read(dir, 'participants-votes.csv'), join(dir, 'participants-votes.csv'))
      : undefined;
    return { format: 'openData', votes, statements, polisGroups };
  }
  if (existsSync(join(dir, 'votes.json'))) {
    const votes = parseRedDwarfVotes(read(dir, 'votes.json'), join(dir, 'votes.json'));
    const statements = existsSync(join(dir, 'comments.json'))
      ? parseRedDwarfComments(read(dir, 'comments.json'), join(dir, 'comments.json'))
      : [];
    let math: PolisMath | undefined;
    if (existsSync(join(dir, 'math-pca2.json'))) {
      const file = join(dir, 'math-pca2.json');
      const data = parseJson(read(dir, 'math-pca2.json'), file);
      if (data === null || typeof data !== 'object' || !('pca' in data) || !('group-clusters' in data))
        throw new Error(`${file}:1: not a Pol.is math export (no pca / group-clusters)`);
      math = data as PolisMath;
    }
    return {
      format: 'red-dwarf',
      votes,
      statements,
      math,
      polisGroups: math ? polisGroupsFromMath(math) : undefined,
    };
  }
  throw new Error(
    `${dir}: neither votes.csv (Pol.is openData export) nor votes.json (red-dwarf fixture) found`,
  );
}
