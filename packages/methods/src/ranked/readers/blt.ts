import { RankedInputError } from '../types';

/** A BLT ballot line: `weight` identical ballots ranking `ranking` (0-based candidate indices; inner arrays are ties). */
export interface BltBallot {
  weight: number;
  ranking: number[][];
  line: number;
}

/** An election read from a BLT file (the format of OpenSTV, Droop and the ERS). */
export interface BltElection {
  candidates: string[];
  seats: number;
  /** 0-based indices of withdrawn candidates (negative numbers on the line after the header). */
  withdrawn: number[];
  ballots: BltBallot[];
  title: string;
}

/**
 * Parses a BLT file: `<candidates> <seats>`, optional withdrawn line (`-2 -5`), ballot lines `<weight> <c1> <c2>… 0`
 * (`a=b` ranks a and b equal), a lone `0`, then one quoted name per candidate and a quoted title.
 */
export function parseBlt(text: string, file?: string): BltElection {
  const lines = text.split(/\r?\n/);
  let i = 0;
  const nextContent = (): { tokens: string[]; line: number } | undefined => {
    while (i < lines.length) {
      const raw = lines[i++]!.replace(/#.*$/, '').trim();
      if (raw !== '') return { tokens: raw.split(/\s+/), line: i };
    }
    return undefined;
  };
  const header = nextContent();
  if (!header) throw new RankedInputError(file, 1, 'empty BLT file');
  if (header.tokens.length < 2)
    throw new RankedInputError(file, header.line, 'the first line must be "<candidates> <seats>"');
  const nCandidates = Number(header.tokens[0]);
  const seats = Number(header.tokens[1]);
  if (!Number.isInteger(nCandidates) || nCandidates < 1)
    throw new RankedInputError(file, header.line, `bad candidate count "${header.tokens[0]}"`);
  if (!Number.isInteger(seats) || seats < 1 || seats > nCandidates)
    throw new RankedInputError(file, header.line, `bad seat count "${header.tokens[1]}"`);
  const withdrawn: number[] = [];
  const ballots: BltBallot[] = [];
  let ended = false;
  let first = true;
  for (let entry = nextContent(); entry; entry = nextContent()) {
    let tokens = entry.tokens;
    const line = entry.line;
    if (first && tokens.every((t) => /^-\d+$/.test(t))) {
      for (const t of tokens) {
        const c = -Number(t);
        if (c < 1 || c > nCandidates)
          throw new RankedInputError(file, line, `withdrawn candidate ${c} does not exist`);
        withdrawn.push(c - 1);
      }
      first = false;
      continue;
    }
    first = false;
    // A content line has at least one token.
    if (tokens[0]!.startsWith('(')) tokens = tokens.slice(1); // optional ballot id
    if (tokens.length === 1 && tokens[0] === '0') {
      ended = true;
      break;
    }
    const weight = Number(tokens[0]);
    if (!Number.isFinite(weight) || weight < 0)
      throw new RankedInputError(file, line, `bad ballot weight "${tokens[0]}"`);
    if (tokens[tokens.length - 1] !== '0')
      throw new RankedInputError(file, line, 'a ballot line must end with 0');
    const ranking: number[][] = [];
    const seen = new Set<number>();
    for (const token of tokens.slice(1, -1)) {
      const group: number[] = [];
      for (const part of token.split('=')) {
        const c = Number(part);
        if (!Number.isInteger(c) || c < 1 || c > nCandidates) {
          throw new RankedInputError(
            file,
            line,
            `"${part}" is not a candidate number from 1 to ${nCandidates}`,
          );
        }
        if (seen.has(c)) throw new RankedInputError(file, line, `candidate ${c} is ranked twice`);
        seen.add(c);
        group.push(c - 1);
      }
      ranking.push(group);
    }
    ballots.push({ weight, ranking, line });
  }
  if (!ended)
    throw new RankedInputError(
      file,
      lines.length,
      'the ballots never end (a line holding only 0 is missing)',
    );
  const rest = lines.slice(i).join('\n');
  const strings: string[] = [];
  const quoted = /"((?:[^"\\]|\\.)*)"/g;
  // Runs of white space inside a name become one space, as Droop reads them ("Ellen   Hurcombe").
  for (let m = quoted.exec(rest); m; m = quoted.exec(rest)) strings.push(m[1]!.replace(/\s+/g, ' '));
  if (strings.length < nCandidates) {
    throw new RankedInputError(
      file,
      lines.length,
      `${nCandidates} candidate names expected after the ballots, found ${strings.length}`,
    );
  }
  return {
    candidates: strings.slice(0, nCandidates),
    seats,
    withdrawn,
    ballots,
    title: strings[nCandidates] ?? '',
  };
}
