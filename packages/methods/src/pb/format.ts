// Reader and writer for Pabulib's `.pb` files (https://pabulib.org/format; Stolicki, Szufa and Talmon,
// "Pabulib: A Participatory Budgeting Library", arXiv:2012.06539): three `;`-separated sections META, PROJECTS
// and VOTES, with `"`-quoting as in CSV. Malformed input is rejected with the file, the line and the problem.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseDecimal, type Rational } from './rational';

export type PbVoteType = 'approval' | 'cumulative' | 'scoring' | 'ordinal';

/** A project row; `fields` keeps every column as written (including `project_id` and `cost`). */
export interface PbProject {
  id: string;
  cost: Rational;
  fields: Record<string, string>;
}

/** A voter row: `vote` lists project ids (in preference order for ordinal ballots), `points` aligns with it;
 * `fields` holds the other columns (age, sex, ...). */
export interface PbVoter {
  id: string;
  vote: string[];
  points?: number[];
  fields: Record<string, string>;
}

/** A whole `.pb` file. Column and key order are kept so that writing it back preserves the layout. */
export interface PbInstance {
  meta: Record<string, string>;
  budget: Rational;
  voteType: PbVoteType;
  projectColumns: string[];
  voteColumns: string[];
  projects: PbProject[];
  voters: PbVoter[];
}

const VOTE_TYPES: readonly PbVoteType[] = ['approval', 'cumulative', 'scoring', 'ordinal'];
const SECTIONS = ['META', 'PROJECTS', 'VOTES'] as const;
type Section = (typeof SECTIONS)[number];

class PbParseError extends Error {
  constructor(file: string, line: number | undefined, problem: string) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${problem}`);
    this.name = 'PbParseError';
  }
}

/** Splits one line on `;`, honouring `"` quotes with `""` escapes; returns undefined on an unclosed quote. */
function splitLine(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(';');
  const out: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < line.length) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ';') {
      out.push(field);
      field = '';
    } else field += ch;
    i++;
  }
  if (quoted) return undefined;
  out.push(field);
  return out;
}

/** Parses the text of a `.pb` file; `file` names it in error messages. */
export function parsePb(text: string, file = '<pb>'): PbInstance {
  const fail = (line: number | undefined, problem: string): never => {
    throw new PbParseError(file, line, problem);
  };
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  const meta: Record<string, string> = {};
  let projectColumns: string[] | undefined;
  let voteColumns: string[] | undefined;
  const projects: PbProject[] = [];
  const projectIndex = new Map<string, number>();
  const rawVoters: { line: number; cells: string[] }[] = [];
  let section: Section | undefined;
  let header: string[] | undefined;
  const seen = new Set<Section>();

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const name = line.trim();
    if ((SECTIONS as readonly string[]).includes(name)) {
      const next = name as Section;
      if (seen.has(next)) fail(lineNo, `section ${next} appears twice`);
      const expected = SECTIONS[seen.size];
      if (next !== expected) fail(lineNo, `section ${next} found where ${expected} was expected`);
      seen.add(next);
      section = next;
      header = undefined;
      continue;
    }
    if (section === undefined) fail(lineNo, `expected the META section header, found "${line.slice(0, 40)}"`);
    const cells = splitLine(line);
    if (cells === undefined) fail(lineNo, 'unclosed quote');
    if (header === undefined) {
      header = cells!.map((c) => c.trim());
      const dup = header.find((c, k) => header!.indexOf(c) !== k);
      if (dup !== undefined) fail(lineNo, `column "${dup}" appears twice in the ${section} header`);
      if (section === 'META' && (header[0] !== 'key' || header[1] !== 'value'))
        fail(lineNo, 'META header must be "key;value"');
      if (section === 'PROJECTS') {
        for (const col of ['project_id', 'cost'])
          if (!header.includes(col)) fail(lineNo, `PROJECTS header lacks the column "${col}"`);
        projectColumns = header;
      }
      if (section === 'VOTES') {
        for (const col of ['voter_id', 'vote'])
          if (!header.includes(col)) fail(lineNo, `VOTES header lacks the column "${col}"`);
        voteColumns = header;
      }
      continue;
    }
    if (section === 'META') {
      // A free-text value may contain unquoted `;`: everything after the first one belongs to the value.
      const key = cells![0]!.trim();
      if (key === '') fail(lineNo, 'META row without a key');
      if (cells!.length < 2) fail(lineNo, `META key "${key}" has no value`);
      if (key in meta) fail(lineNo, `META key "${key}" appears twice`);
      meta[key] = cells!.slice(1).join(';');
      continue;
    }
    if (cells!.length !== header.length)
      fail(lineNo, `expected ${header.length} fields (${header.join(';')}), found ${cells!.length}`);
    if (section === 'PROJECTS') {
      const fields: Record<string, string> = {};
      header.forEach((col, k) => (fields[col] = cells![k]!));
      const id = fields.project_id!.trim();
      if (id === '') fail(lineNo, 'empty project_id');
      if (projectIndex.has(id)) fail(lineNo, `project "${id}" appears twice`);
      const cost = parseDecimal(fields.cost!);
      if (cost === undefined || cost.num < 0n)
        fail(lineNo, `project "${id}" has an invalid cost "${fields.cost}"`);
      projectIndex.set(id, projects.length);
      projects.push({ id, cost: cost!, fields });
    } else {
      rawVoters.push({ line: lineNo, cells: cells! });
    }
  }

  for (const s of SECTIONS) if (!seen.has(s)) fail(undefined, `missing section ${s}`);
  if (projectColumns === undefined) fail(undefined, 'section PROJECTS has no header line');
  if (voteColumns === undefined) fail(undefined, 'section VOTES has no header line');
  if (!('budget' in meta)) fail(undefined, 'META lacks the key "budget"');
  const budget = parseDecimal(meta.budget!);
  if (budget === undefined || budget.num < 0n)
    fail(undefined, `META budget "${meta.budget}" is not a number`);
  const voteType = (meta.vote_type ?? 'approval').trim() as PbVoteType;
  if (!VOTE_TYPES.includes(voteType)) fail(undefined, `unknown vote_type "${meta.vote_type}"`);

  const voters: PbVoter[] = [];
  const voterIds = new Set<string>();
  const cols = voteColumns!;
  const hasPoints = cols.includes('points');
  if ((voteType === 'cumulative' || voteType === 'scoring') && !hasPoints)
    fail(undefined, `vote_type ${voteType} needs a "points" column in VOTES`);
  for (const { line, cells } of rawVoters) {
    const fields: Record<string, string> = {};
    cols.forEach((col, k) => (fields[col] = cells[k]!));
    const id = fields.voter_id!.trim();
    if (id === '') fail(line, 'empty voter_id');
    if (voterIds.has(id)) fail(line, `voter "${id}" appears twice`);
    voterIds.add(id);
    const raw = fields.vote!.trim();
    // A trailing comma (seen in real files) does not name a project.
    const vote = raw === '' ? [] : raw.split(',').map((p) => p.trim());
    if (vote.length > 0 && vote[vote.length - 1] === '') vote.pop();
    const inBallot = new Set<string>();
    for (const p of vote) {
      if (p === '') fail(line, `voter "${id}" has an empty project id in "${raw}"`);
      if (!projectIndex.has(p)) fail(line, `voter "${id}" votes for unknown project "${p}"`);
      if (inBallot.has(p)) fail(line, `voter "${id}" names project "${p}" twice`);
      inBallot.add(p);
    }
    const pointsText = hasPoints ? fields.points! : '';
    delete fields.voter_id;
    delete fields.vote;
    delete fields.points;
    const voter: PbVoter = { id, vote, fields };
    if (hasPoints && pointsText.trim() !== '') {
      const pts = pointsText.split(',').map((x) => x.trim());
      if (pts.length > 0 && pts[pts.length - 1] === '' && pts.length === vote.length + 1) pts.pop();
      if (pts.length !== vote.length)
        fail(line, `voter "${id}" has ${vote.length} projects but ${pts.length} points`);
      voter.points = pts.map((x) => {
        const v = Number(x);
        if (x === '' || !Number.isFinite(v)) fail(line, `voter "${id}" has an invalid point value "${x}"`);
        return v;
      });
    } else if (voteType === 'cumulative' || voteType === 'scoring') {
      if (vote.length > 0) fail(line, `voter "${id}" has no points`);
      voter.points = [];
    }
    voters.push(voter);
  }
  return {
    meta,
    budget: budget!,
    voteType,
    projectColumns: projectColumns!,
    voteColumns: cols,
    projects,
    voters,
  };
}

/** Reads and parses a `.pb` file from disk; errors name the file and line. */
export function readPbFile(path: string): PbInstance {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${basename(path)}: cannot read: ${(e as Error).message}`);
  }
  return parsePb(text, basename(path));
}

function quote(field: string): string {
  return /[;"\r\n]/.test(field) || (field.startsWith(' ') && field.trim() !== '')
    ? `"${field.replace(/"/g, '""')}"`
    : field;
}

/** Writes an instance back to `.pb` text (LF line ends); `parsePb(writePb(x))` equals `x`. */
export function writePb(instance: PbInstance): string {
  const out: string[] = ['META', 'key;value'];
  for (const [k, v] of Object.entries(instance.meta)) out.push(`${quote(k)};${quote(v)}`);
  out.push('PROJECTS', instance.projectColumns.map(quote).join(';'));
  for (const p of instance.projects)
    out.push(instance.projectColumns.map((c) => quote(p.fields[c] ?? '')).join(';'));
  out.push('VOTES', instance.voteColumns.map(quote).join(';'));
  for (const v of instance.voters) {
    const fields: Record<string, string> = {
      ...v.fields,
      voter_id: v.id,
      vote: v.vote.join(','),
      points: v.points?.join(',') ?? '',
    };
    out.push(instance.voteColumns.map((c) => quote(fields[c] ?? '')).join(';'));
  }
  return out.join('\n') + '\n';
}
