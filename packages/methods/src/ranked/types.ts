/** One ranked ballot in our own JSON format: groups from most to least preferred; a group holds tied candidates. */
export interface RankedBallot {
  ranking: string[][];
  /** How many identical ballots this line stands for (default 1). */
  count?: number;
}

/** A ranked election in our own documented JSON format: `{"candidates": [...], "ballots": [...]}`. */
export interface RankedElection {
  candidates: string[];
  ballots: RankedBallot[];
  /** Seats to fill, for multi-winner methods (optional in the file; a CLI option may override it). */
  seats?: number;
  title?: string;
}

/** An error in a ballot or configuration file: names the file, the line (where known) and the problem. */
export class RankedInputError extends Error {
  readonly code = 'invalid_ballot_file';
  constructor(
    readonly file: string | undefined,
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(`${file ?? '<input>'}${line !== undefined ? `:${line}` : ''}: ${problem}`);
    this.name = 'RankedInputError';
  }
}

/** The line of a JSON.parse error: from "position N" or from the excerpt V8 quotes ("...text" is not valid JSON). */
export function jsonErrorLine(text: string, error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (position) return text.slice(0, Number(position[1])).split('\n').length;
  const excerpt = /"(?:\.\.\.)?([\s\S]*?)(?:\.\.\.)?" is not valid JSON/.exec(message);
  if (excerpt && excerpt[1]) {
    const at = text.indexOf(excerpt[1]);
    if (at >= 0) return text.slice(0, at + excerpt[1].length).split('\n').length;
  }
  if (/Unexpected end of JSON input/.test(message)) return text.split('\n').length;
  return undefined;
}
