import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  OVERVOTE,
  UNDECLARED_WRITE_INS,
  defaultRctabRules,
  type CastVoteRecord,
  type RcvContest,
  type RctabRules,
} from '../rctab';
import { RankedInputError, jsonErrorLine } from '../types';
import { parseCsv } from './csv';

/** One `cvrFileSources` entry of an RCTab config (the fields we use). */
export interface RctabCvrSource {
  filePath: string;
  provider: string;
  contestId?: string;
  firstVoteColumnIndex?: number;
  firstVoteRowIndex?: number;
  idColumnIndex?: number;
  overvoteLabel?: string;
  skippedRankLabel?: string;
  undeclaredWriteInLabel?: string;
}

/** An RCTab contest config: candidates, CVR sources and rules. */
export interface RctabConfig {
  contestName: string;
  candidates: { name: string; excluded: boolean }[];
  sources: RctabCvrSource[];
  rules: RctabRules;
}

const supportedTiebreaks = [
  'random',
  'useCandidateOrder',
  'generatePermutation',
  'previousRoundCountsThenRandom',
];
const supportedModes = [
  'singleWinnerMajority',
  'multiWinnerAllowMultipleWinnersPerRound',
  'multiWinnerAllowOnlyOneWinnerPerRound',
];
const overvoteRules = ['alwaysSkipToNextRank', 'exhaustImmediately', 'exhaustIfMultipleContinuing'];

/** An RCTab config as parsed, before any check: a field may be missing or hold any JSON value. */
interface RawRctabConfig {
  outputSettings?: { contestName?: string };
  rules?: Record<string, unknown>;
  candidates?: unknown;
  cvrFileSources?: unknown;
}

/** One `cvrFileSources` entry as parsed, before any check. */
interface RawCvrSource {
  filePath?: unknown;
  provider?: unknown;
  contestId?: string;
  firstVoteColumnIndex?: unknown;
  firstVoteRowIndex?: unknown;
  idColumnIndex?: unknown;
  overvoteLabel?: string;
  skippedRankLabel?: string;
  undeclaredWriteInLabel?: string;
}

/** The line of the first `"key"` in a JSON text, so config errors can point at it. */
function lineOf(text: string, key: string): number | undefined {
  const at = text.indexOf(`"${key}"`);
  return at < 0 ? undefined : text.slice(0, at).split('\n').length;
}

/** Parses an RCTab contest config (JSON); unknown or unsupported rule values are errors naming file and line. */
export function parseRctabConfig(text: string, file?: string): RctabConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new RankedInputError(file, jsonErrorLine(text, e), `not valid JSON (${(e as Error).message})`);
  }
  const fail: (key: string, problem: string) => never = (key, problem) => {
    throw new RankedInputError(file, lineOf(text, key), problem);
  };
  if (!parsed || typeof parsed !== 'object') fail('', 'the config must be a JSON object');
  const raw = parsed as RawRctabConfig;
  const r = raw.rules ?? fail('rules', 'the config has no "rules"');
  const int = (key: string, fallback?: number): number => {
    const v = r[key];
    if (v === undefined || v === '' || v === null) {
      if (fallback !== undefined) return fallback;
      return fail(key, `rules.${key} is required`);
    }
    const n = Number(v);
    if (!Number.isInteger(n)) fail(key, `rules.${key} must be an integer, not ${JSON.stringify(v)}`);
    return n;
  };
  const bool = (key: string): boolean => r[key] === true || r[key] === 'true';
  const tiebreakMode = (r.tiebreakMode ?? 'useCandidateOrder') as RctabRules['tiebreakMode'];
  if (!supportedTiebreaks.includes(tiebreakMode)) {
    fail(
      'tiebreakMode',
      `tiebreakMode "${tiebreakMode}" is not supported (interactive modes need an operator); use one of ${supportedTiebreaks.join(', ')}`,
    );
  }
  const winnerElectionMode = (r.winnerElectionMode ??
    'singleWinnerMajority') as RctabRules['winnerElectionMode'];
  if (!supportedModes.includes(winnerElectionMode)) {
    fail(
      'winnerElectionMode',
      `winnerElectionMode "${winnerElectionMode}" is not supported; use one of ${supportedModes.join(', ')}`,
    );
  }
  const overvoteRule = (r.overvoteRule ?? 'exhaustImmediately') as RctabRules['overvoteRule'];
  if (!overvoteRules.includes(overvoteRule)) fail('overvoteRule', `unknown overvoteRule "${overvoteRule}"`);
  const skipped = r.maxSkippedRanksAllowed;
  const maxSkippedRanksAllowed =
    String(skipped).toLowerCase() === 'unlimited'
      ? Infinity
      : int('maxSkippedRanksAllowed', defaultRctabRules.maxSkippedRanksAllowed);
  let randomSeed: bigint | undefined;
  if (r.randomSeed !== undefined && r.randomSeed !== '') {
    try {
      randomSeed = BigInt(String(r.randomSeed));
    } catch {
      fail('randomSeed', `randomSeed must be an integer, not ${JSON.stringify(r.randomSeed)}`);
    }
  }
  if (tiebreakMode !== 'useCandidateOrder' && randomSeed === undefined) {
    fail('tiebreakMode', `tiebreakMode "${tiebreakMode}" needs a randomSeed`);
  }
  const numberOfWinners = int('numberOfWinners', 1);
  if (numberOfWinners < 1) fail('numberOfWinners', 'numberOfWinners must be at least 1');
  const stop = r.stopTabulationEarlyAfterRound;
  const rules: RctabRules = {
    numberOfWinners,
    winnerElectionMode,
    overvoteRule,
    maxSkippedRanksAllowed,
    exhaustOnDuplicateCandidate: bool('exhaustOnDuplicateCandidate'),
    tiebreakMode,
    randomSeed,
    batchElimination: bool('batchElimination'),
    decimalPlacesForVoteArithmetic: int('decimalPlacesForVoteArithmetic', 4),
    nonIntegerWinningThreshold: bool('nonIntegerWinningThreshold'),
    hareQuota: bool('hareQuota'),
    minimumVoteThreshold: int('minimumVoteThreshold', 0),
    continueUntilTwoCandidatesRemain: bool('continueUntilTwoCandidatesRemain'),
    doesFirstRoundDetermineThreshold: bool('doesFirstRoundDetermineThreshold'),
    stopTabulationEarlyAfterRound:
      stop === undefined || stop === '' ? undefined : int('stopTabulationEarlyAfterRound'),
  };
  if (!Array.isArray(raw.candidates) || raw.candidates.length === 0)
    fail('candidates', 'the config lists no candidates');
  const candidates = raw.candidates.map((c: { name?: unknown; excluded?: unknown } | null, i: number) => {
    if (!c || typeof c.name !== 'string' || c.name.trim() === '')
      fail('candidates', `candidate ${i + 1} has no name`);
    return { name: c.name as string, excluded: c.excluded === true };
  });
  const names = new Set<string>();
  for (const c of candidates) {
    if (names.has(c.name)) fail('candidates', `candidate "${c.name}" is listed twice`);
    names.add(c.name);
  }
  if (!Array.isArray(raw.cvrFileSources) || raw.cvrFileSources.length === 0)
    fail('cvrFileSources', 'the config has no cvrFileSources');
  const optInt = (v: unknown): number | undefined =>
    v === undefined || v === '' || v === null ? undefined : Number(v);
  const sources: RctabCvrSource[] = raw.cvrFileSources.map((s: RawCvrSource | null) => {
    if (!s || typeof s.filePath !== 'string' || s.filePath === '')
      fail('cvrFileSources', 'a CVR source has no filePath');
    return {
      filePath: s.filePath,
      provider: String(s.provider ?? ''),
      contestId: s.contestId || undefined,
      firstVoteColumnIndex: optInt(s.firstVoteColumnIndex),
      firstVoteRowIndex: optInt(s.firstVoteRowIndex),
      idColumnIndex: optInt(s.idColumnIndex),
      overvoteLabel: s.overvoteLabel || undefined,
      skippedRankLabel: s.skippedRankLabel || undefined,
      undeclaredWriteInLabel: s.undeclaredWriteInLabel || undefined,
    };
  });
  return { contestName: raw.outputSettings?.contestName ?? '', candidates, sources, rules };
}

/** Options for reading a contest: `cvrPathMap` replaces a source's file (and provider), e.g. an .xlsx by its CSV. */
export interface ReadRctabOptions {
  cvrPathMap?: Record<string, { filePath: string; provider: string }>;
}

/** Reads an RCTab config and all its CVR files (CDF JSON, generic CSV, Clear Ballot CSV, RCTab CSV). */
export function readRctabContest(
  configPath: string,
  options: ReadRctabOptions = {},
): { config: RctabConfig; contest: RcvContest } {
  const config = parseRctabConfig(readFileSync(configPath, 'utf8'), configPath);
  const base = dirname(configPath);
  const cvrs: CastVoteRecord[] = [];
  let undeclaredWriteIns = false;
  const known = new Set(config.candidates.map((c) => c.name));
  for (const original of config.sources) {
    const mapped = options.cvrPathMap?.[original.filePath];
    const source = mapped ? { ...original, ...mapped } : original;
    const path = isAbsolute(source.filePath) ? source.filePath : resolve(base, source.filePath);
    if (source.undeclaredWriteInLabel) undeclaredWriteIns = true;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new RankedInputError(
        configPath,
        lineOf(readFileSync(configPath, 'utf8'), 'filePath'),
        `cannot read CVR file ${source.filePath}`,
      );
    }
    const name = (label: string, file: string, line: number | undefined): string => {
      if (source.undeclaredWriteInLabel && label === source.undeclaredWriteInLabel)
        return UNDECLARED_WRITE_INS;
      if (source.overvoteLabel && label === source.overvoteLabel) return OVERVOTE;
      if (!known.has(label))
        throw new RankedInputError(file, line, `"${label}" is not a candidate in the config`);
      return label;
    };
    const provider = source.provider.toLowerCase();
    if (provider === 'cdf') cvrs.push(...parseCdfCvrs(text, path, source, name));
    else if (provider === 'genericcsv') cvrs.push(...parseGenericCsvCvrs(text, path, source, name));
    else if (provider === 'clearballot') cvrs.push(...parseClearBallotCvrs(text, path, source, name));
    else if (provider === 'rctabcsv' || provider === 'csv')
      cvrs.push(...parseRctabCsvCvrs(text, path, source, name));
    else {
      throw new RankedInputError(
        configPath,
        lineOf(readFileSync(configPath, 'utf8'), 'provider'),
        `CVR provider "${source.provider}" (${source.filePath}) is not supported; convert it to RCTab's CSV format (provider "rctabCsv")`,
      );
    }
  }
  return { config, contest: { candidates: config.candidates, undeclaredWriteIns, cvrs } };
}

type NameOf = (label: string, file: string, line: number | undefined) => string;

/** The parts of a CDF cast vote record document read here, as parsed (only what is used gets checked). */
interface CdfDocument {
  Election?: {
    Candidate?: { '@id': string; Name: string }[];
    Contest?: { ContestSelection?: { '@id': string; CandidateIds?: string[] }[] }[];
  }[];
  CVR?: CdfCvr[];
}

/** One CVR of a CDF document, as parsed. */
interface CdfCvr {
  BallotPrePrintedId?: string;
  CurrentSnapshotId?: string;
  CVRSnapshot?: {
    '@id': string;
    CVRContest?: {
      CVRContestSelection?: {
        ContestSelectionId: string;
        SelectionPosition?: { HasIndication?: string; Rank?: unknown }[];
      }[];
    }[];
  }[];
}

/** NIST SP 1500-103 CDF JSON: selections map to candidates through the Election's ContestSelection and Candidate. */
export function parseCdfCvrs(
  text: string,
  file: string,
  source: RctabCvrSource,
  nameOf: NameOf,
): CastVoteRecord[] {
  let raw: CdfDocument;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RankedInputError(file, jsonErrorLine(text, e), `not valid JSON (${(e as Error).message})`);
  }
  const candidateNames = new Map<string, string>();
  const selectionToCandidate = new Map<string, string>();
  for (const election of raw.Election ?? []) {
    for (const c of election.Candidate ?? []) candidateNames.set(c['@id'], c.Name);
    for (const contest of election.Contest ?? []) {
      for (const sel of contest.ContestSelection ?? []) {
        const cid = (sel.CandidateIds ?? [])[0];
        if (cid !== undefined) selectionToCandidate.set(sel['@id'], cid);
      }
    }
  }
  if (!Array.isArray(raw.CVR)) throw new RankedInputError(file, undefined, 'no "CVR" array');
  return raw.CVR.map((cvr, i): CastVoteRecord => {
    const snapshots = cvr.CVRSnapshot ?? [];
    const snapshot = snapshots.find((s) => s['@id'] === cvr.CurrentSnapshotId) ?? snapshots[0];
    const byRank = new Map<number, string[]>();
    for (const contest of snapshot?.CVRContest ?? []) {
      for (const sel of contest.CVRContestSelection ?? []) {
        const cid = selectionToCandidate.get(sel.ContestSelectionId);
        const label = cid !== undefined ? candidateNames.get(cid) : undefined;
        if (label === undefined) {
          throw new RankedInputError(
            file,
            undefined,
            `CVR ${i + 1}: unknown ContestSelectionId "${sel.ContestSelectionId}"`,
          );
        }
        for (const pos of sel.SelectionPosition ?? []) {
          if (pos.HasIndication === 'no') continue;
          const rank = Number(pos.Rank);
          if (!Number.isInteger(rank) || rank < 1)
            throw new RankedInputError(file, undefined, `CVR ${i + 1}: bad Rank ${JSON.stringify(pos.Rank)}`);
          const list = byRank.get(rank) ?? [];
          list.push(nameOf(label, file, undefined));
          byRank.set(rank, list);
        }
      }
    }
    return {
      id: String(cvr.BallotPrePrintedId ?? i + 1),
      rankings: [...byRank].map(([rank, candidates]) => ({ rank, candidates })),
    };
  });
}

/** RCTab's generic CSV: one row per ballot, one column per candidate holding the rank number. */
export function parseGenericCsvCvrs(
  text: string,
  file: string,
  source: RctabCvrSource,
  nameOf: NameOf,
): CastVoteRecord[] {
  const rows = parseCsv(text, file);
  const firstRow = (source.firstVoteRowIndex ?? 2) - 1;
  const firstCol = (source.firstVoteColumnIndex ?? 1) - 1;
  const [header] = rows;
  if (!header) throw new RankedInputError(file, 1, 'empty CVR file');
  const columns = header.cells
    .slice(firstCol)
    .map((label) => (label.trim() === '' ? null : nameOf(label.trim(), file, header.line)));
  return rows.slice(firstRow).map((row) => {
    const rankings: CastVoteRecord['rankings'] = [];
    row.cells.slice(firstCol).forEach((cell, k) => {
      const v = cell.trim();
      if (v === '') return;
      const rank = Number(v);
      if (!Number.isInteger(rank) || rank < 1)
        throw new RankedInputError(file, row.line, `column ${firstCol + k + 1}: "${v}" is not a rank number`);
      const candidate = columns[k];
      if (candidate === null || candidate === undefined)
        throw new RankedInputError(
          file,
          row.line,
          `column ${firstCol + k + 1} has a rank but no candidate header`,
        );
      const at = rankings.find((r) => r.rank === rank);
      if (at) at.candidates.push(candidate);
      else rankings.push({ rank, candidates: [candidate] });
    });
    rankings.sort((a, b) => a.rank - b.rank);
    const id = source.idColumnIndex ? row.cells[source.idColumnIndex - 1] : undefined;
    return { id: id ?? String(row.line), rankings };
  });
}

/** Clear Ballot CSV: 0/1 marks in columns named `Choice_<n>_1:<contest>:<rank>:Vote For 1:<candidate>:<party>`. */
export function parseClearBallotCvrs(
  text: string,
  file: string,
  source: RctabCvrSource,
  nameOf: NameOf,
): CastVoteRecord[] {
  const rows = parseCsv(text, file);
  const [header] = rows;
  if (!header) throw new RankedInputError(file, 1, 'empty CVR file');
  const columns: { col: number; rank: number; candidate: string }[] = [];
  header.cells.forEach((label, col) => {
    if (!label.startsWith('Choice_')) return;
    const parts = label.split(':');
    const [, contest, rankLabel, , name] = parts;
    if (name === undefined)
      throw new RankedInputError(
        file,
        header.line,
        `column ${col + 1}: cannot read choice header "${label}"`,
      );
    if (source.contestId && contest !== source.contestId) return;
    const rank = Number(rankLabel);
    if (!Number.isInteger(rank) || rank < 1)
      throw new RankedInputError(file, header.line, `column ${col + 1}: bad rank "${rankLabel}"`);
    columns.push({ col, rank, candidate: nameOf(name, file, header.line) });
  });
  if (columns.length === 0)
    throw new RankedInputError(
      file,
      header.line,
      `no choice columns for contest "${source.contestId ?? ''}"`,
    );
  return rows.slice(1).map((row) => {
    const byRank = new Map<number, string[]>();
    for (const { col, rank, candidate } of columns) {
      const v = (row.cells[col] ?? '').trim();
      if (v === '0' || v === '') continue;
      if (v !== '1')
        throw new RankedInputError(file, row.line, `column ${col + 1}: mark must be 0 or 1, not "${v}"`);
      byRank.set(rank, [...(byRank.get(rank) ?? []), candidate]);
    }
    return {
      id: row.cells[3] || String(row.line),
      rankings: [...byRank].sort((a, b) => a[0] - b[0]).map(([rank, candidates]) => ({ rank, candidates })),
    };
  });
}

/** RCTab's own CSV CVR format: `Rank 1…Rank N` columns hold candidate names (newline-separated when overvoted). */
export function parseRctabCsvCvrs(
  text: string,
  file: string,
  source: RctabCvrSource,
  nameOf: NameOf,
): CastVoteRecord[] {
  const rows = parseCsv(text, file);
  const [header] = rows;
  if (!header) throw new RankedInputError(file, 1, 'empty CVR file');
  const rankCols: { col: number; rank: number }[] = [];
  header.cells.forEach((label, col) => {
    const m = /^Rank (\d+)$/.exec(label.trim());
    if (m) rankCols.push({ col, rank: Number(m[1]) });
  });
  if (rankCols.length === 0) throw new RankedInputError(file, header.line, 'no "Rank N" columns');
  const idCol = header.cells.indexOf('RCTab CVR Id');
  const skipped = source.skippedRankLabel ?? 'undervote';
  return rows.slice(1).map((row) => {
    const rankings: CastVoteRecord['rankings'] = [];
    for (const { col, rank } of rankCols) {
      const cell = (row.cells[col] ?? '').trim();
      if (cell === '' || cell === skipped || cell === 'undervote') continue;
      const labels = cell
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
      rankings.push({
        rank,
        candidates: labels.map((label) => (label === OVERVOTE ? OVERVOTE : nameOf(label, file, row.line))),
      });
    }
    return { id: idCol >= 0 ? row.cells[idCol] : String(row.line), rankings };
  });
}
