import type { CastVoteRecord } from '../rctab';
import { RankedInputError, jsonErrorLine, type RankedElection } from '../types';

/** The line on which the `index`-th (0-based) occurrence of `"key"` starts, for pointing at a bad ballot. */
function lineOfOccurrence(text: string, key: string, index: number): number | undefined {
  let at = -1;
  for (let i = 0; i <= index; i++) {
    at = text.indexOf(`"${key}"`, at + 1);
    if (at < 0) return undefined;
  }
  return text.slice(0, at).split('\n').length;
}

/**
 * Parses our JSON ballot format `{"candidates": [...], "ballots": [{"ranking": [["A"], ["B","C"]], "count": 2}]}`
 * (optional "seats" and "title"); every problem names the file and the line of the offending ballot.
 */
export function parseRankedBallotsJson(text: string, file?: string): RankedElection {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new RankedInputError(file, jsonErrorLine(text, e), `not valid JSON (${(e as Error).message})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new RankedInputError(file, 1, 'expected a JSON object with "candidates" and "ballots"');
  const raw = parsed as { candidates?: unknown; ballots?: unknown; seats?: unknown; title?: unknown };
  const candidatesLine = lineOfOccurrence(text, 'candidates', 0);
  if (!Array.isArray(raw.candidates) || raw.candidates.length === 0) {
    throw new RankedInputError(file, candidatesLine, '"candidates" must be a non-empty array of names');
  }
  const known = new Set<string>();
  for (const c of raw.candidates) {
    if (typeof c !== 'string' || c === '')
      throw new RankedInputError(file, candidatesLine, 'every candidate must be a non-empty string');
    if (known.has(c)) throw new RankedInputError(file, candidatesLine, `candidate "${c}" is listed twice`);
    known.add(c);
  }
  if (!Array.isArray(raw.ballots))
    throw new RankedInputError(file, lineOfOccurrence(text, 'ballots', 0), '"ballots" must be an array');
  if (
    raw.seats !== undefined &&
    (typeof raw.seats !== 'number' || !Number.isInteger(raw.seats) || raw.seats < 1)
  ) {
    throw new RankedInputError(
      file,
      lineOfOccurrence(text, 'seats', 0),
      '"seats" must be a positive integer',
    );
  }
  raw.ballots.forEach((b: { ranking?: unknown; count?: unknown } | null, i: number) => {
    const fail: (problem: string) => never = (problem) => {
      throw new RankedInputError(file, lineOfOccurrence(text, 'ranking', i), `ballot ${i + 1}: ${problem}`);
    };
    if (!b || typeof b !== 'object' || !Array.isArray(b.ranking)) fail('needs a "ranking" array of groups');
    if (b.count !== undefined && (typeof b.count !== 'number' || !Number.isInteger(b.count) || b.count < 0)) {
      fail('"count" must be a non-negative integer');
    }
    const seen = new Set<string>();
    b.ranking.forEach((group: unknown, g: number) => {
      if (!Array.isArray(group) || group.length === 0)
        fail(`group ${g + 1} must be a non-empty array of names`);
      for (const name of group as unknown[]) {
        if (typeof name !== 'string' || !known.has(name)) fail(`unknown candidate ${JSON.stringify(name)}`);
        if (seen.has(name as string)) fail(`candidate "${name}" is ranked twice`);
        seen.add(name as string);
      }
    });
  });
  return {
    candidates: raw.candidates,
    ballots: raw.ballots,
    seats: raw.seats as number | undefined,
    title: raw.title as string | undefined,
  };
}

/** Our ballots as RCTab cast vote records: group g is rank g+1; a tied group is an overvote under RCTab's rules. */
export function rankedBallotsToCvrs(election: RankedElection): CastVoteRecord[] {
  return election.ballots.map((b, i) => ({
    id: String(i + 1),
    count: b.count ?? 1,
    rankings: b.ranking.map((group, g) => ({ rank: g + 1, candidates: [...group] })),
  }));
}
