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
