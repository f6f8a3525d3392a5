// The explanation every decision method returns: steps with a stable code, the numbers behind it and an English
// sentence, so that a person (or a translation) can follow how the result came about.

/** One step of an explanation: a stable `code`, its parameters and an English sentence. */
export interface ExplanationStep {
  code: string;
  params: Record<string, string | number | boolean | string[]>;
  text: string;
}

/** Builds an explanation step. */
export function step(code: string, params: ExplanationStep['params'], text: string): ExplanationStep {
  return { code, params, text };
}

/** An error in the input of a method (a ballot that breaks the method's rules); `line` is filled by readers. */
export class DecisionInputError extends Error {
  readonly code = 'invalid_ballot_file';
  constructor(
    readonly problem: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(`${file ?? '<input>'}${line !== undefined ? `:${line}` : ''}: ${problem}`);
    this.name = 'DecisionInputError';
  }
}

/** "1 vote", "2 votes" */
export function plural(n: number | string, one: string, many = one + 's'): string {
  return `${n} ${Number(n) === 1 ? one : many}`;
}
