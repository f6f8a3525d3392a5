import type { Command } from 'commander';

/** A counting method reachable as `peergov tally --method <name> <file>`. */
export interface TallyMethod {
  /** The name given to --method, e.g. `irv`. */
  name: string;
  /** One line for --help. */
  summary: string;
  /** Adds this method's own options to the tally command (e.g. --seats). Option names must not clash. */
  options?: (command: Command) => void;
  /** Reads the file, counts, and returns a readable text and the machine result (`--json`). */
  run: (file: string, options: Record<string, unknown>, progress: ProgressReporter) => Promise<TallyOutput>;
}

export interface TallyOutput {
  text: string;
  json: unknown;
}

/** Reports progress of a long computation; shows a bar on stderr only when it runs longer than a second. */
export type ProgressReporter = (done: number, total: number, label?: string) => void;
