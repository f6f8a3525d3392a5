// Our own JSON ballot format for the single-question methods, documented in docs/methods/decision.md:
// {"method": "...", "title": "...", "candidates": [...], "electorate": n, "rules": {...}, "ballots": [...]}.
// Every problem names the file, the line and the problem; a malformed file never yields a result.

import { approval, plurality, score, type ChoiceResult, type TieBreak } from './choice';
import { chambers, countChambers, type Chamber, type ChambersResult } from './chambers';
import { consensus, type ConsensusResult } from './consensus';
import { consent, type ConsentResult } from './consent';
import { DecisionInputError } from './explain';
import { parseFraction, type Fraction } from './fraction';
import { jsonLineOf, jsonSyntaxErrorLine } from './json-lines';
import { countYesNo, majority, type MajorityResult, type YesNoCounts } from './majority';
import { quadratic, type QuadraticResult } from './quadratic';

/** The methods read from our JSON ballot format. */
export const DECISION_METHODS = [
  'plurality',
  'approval',
  'score',
  'majority',
  'consent',
  'consensus',
  'chambers',
  'quadratic',
] as const;
/** One of `DECISION_METHODS`. */
export type DecisionMethodName = (typeof DECISION_METHODS)[number];

/** The result of any single-question method. */
export type DecisionResult =
  ChoiceResult | MajorityResult | ConsentResult | ConsensusResult | ChambersResult | QuadraticResult;

/** Rules given on the command line; they override the file's `rules`. */
export type RuleOverrides = Record<string, string | number | boolean | undefined>;

/** A parsed JSON file that can point at the line of any of its values. */
export class JsonInput {
  constructor(
    readonly text: string,
    readonly file: string | undefined,
    readonly raw: Record<string, unknown>,
  ) {}

  /** Throws a DecisionInputError naming the line of the value at `path`. */
  fail(path: readonly (string | number)[], problem: string): never {
    throw new DecisionInputError(problem, this.file, jsonLineOf(this.text, path));
  }

  /** Re-throws an error from a method with the line of the ballot it names ("ballot 3: ..."). */
  locate(e: unknown, listKey = 'ballots'): never {
    if (e instanceof DecisionInputError && e.line === undefined) {
      const m = /^(?:ballot|position) (\d+):/.exec(e.problem);
      const line = m ? jsonLineOf(this.text, [listKey, Number(m[1]) - 1]) : undefined;
      throw new DecisionInputError(e.problem, this.file, line);
    }
    if (e instanceof DecisionInputError) throw e;
    if (e instanceof Error) throw new DecisionInputError(e.message, this.file);
    throw e;
  }
}

/** Parses JSON text into a top-level object; a syntax error names its line. */
export function parseJsonInput(text: string, file?: string): JsonInput {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DecisionInputError(
      `not valid JSON (${(e as Error).message})`,
      file,
      jsonSyntaxErrorLine(text, e),
    );
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new DecisionInputError('expected a JSON object', file, 1);
  return new JsonInput(text, file, raw as Record<string, unknown>);
}

function rulesOf(input: JsonInput, overrides: RuleOverrides): Record<string, unknown> {
  const rules = input.raw.rules ?? {};
  if (typeof rules !== 'object' || Array.isArray(rules) || rules === null)
    input.fail(['rules'], '"rules" must be an object');
  const out: Record<string, unknown> = { ...(rules as object) };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) out[k] = v;
  return out;
}

function fractionRule(input: JsonInput, rules: Record<string, unknown>, key: string): Fraction | undefined {
  const v = rules[key];
  if (v === undefined || v === null) return undefined;
  try {
    return parseFraction(v as string);
  } catch (e) {
    return input.fail(['rules', key], `rules.${key}: ${(e as Error).message}`);
  }
}

function intRule(input: JsonInput, rules: Record<string, unknown>, key: string): number | undefined {
  const v = rules[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    input.fail(['rules', key], `rules.${key} must be an integer`);
  return n as number;
}

function boolRule(input: JsonInput, rules: Record<string, unknown>, key: string): boolean | undefined {
  const v = rules[key];
  if (v === undefined || v === null) return undefined;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return input.fail(['rules', key], `rules.${key} must be true or false`);
}

function enumRule<T extends string>(
  input: JsonInput,
  rules: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const v = rules[key];
  if (v === undefined || v === null) return undefined;
  if (!allowed.includes(v as T))
    input.fail(['rules', key], `rules.${key} must be one of ${allowed.join(', ')}`);
  return v as T;
}

function candidatesOf(input: JsonInput, key = 'candidates'): string[] {
  const c = input.raw[key];
  if (!Array.isArray(c) || c.length === 0) input.fail([key], `"${key}" must be a non-empty array of names`);
  (c as unknown[]).forEach((x, i) => {
    if (typeof x !== 'string' || x === '') input.fail([key, i], `${key}[${i}] must be a non-empty string`);
  });
  return c as string[];
}

function ballotsOf(input: JsonInput): Record<string, unknown>[] {
  const b = input.raw.ballots;
  if (!Array.isArray(b)) input.fail(['ballots'], '"ballots" must be an array');
  (b as unknown[]).forEach((x, i) => {
    if (!x || typeof x !== 'object' || Array.isArray(x))
      input.fail(['ballots', i], `ballot ${i + 1}: must be an object`);
  });
  return b as Record<string, unknown>[];
}

function electorateOf(input: JsonInput, rules: Record<string, unknown>): number | undefined {
  const v = rules.electorate ?? input.raw.electorate;
  if (v === undefined) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    input.fail(['electorate'], '"electorate" must be a non-negative integer');
  return n as number;
}

function tieBreakOf(input: JsonInput, rules: Record<string, unknown>): TieBreak | undefined {
  const seed = rules.seed;
  if (seed !== undefined) {
    if (typeof seed !== 'string' || seed === '')
      input.fail(['rules', 'seed'], 'rules.seed must be a non-empty string');
    return { mode: 'seed', seed: seed as string };
  }
  const mode = enumRule(input, rules, 'tieBreak', ['none', 'order'] as const);
  return mode ? { mode } : undefined;
}

function yesNoCounts(input: JsonInput, value: unknown, path: (string | number)[]): YesNoCounts {
  if (!value || typeof value !== 'object')
    input.fail(path, 'counts must be an object {"yes": n, "no": n, "abstain": n}');
  const v = value as Record<string, unknown>;
  const out: YesNoCounts = { yes: 0, no: 0, abstain: 0 };
  for (const k of Object.keys(v)) {
    if (k !== 'yes' && k !== 'no' && k !== 'abstain')
      input.fail(path, `unknown count "${k}" (yes, no, abstain)`);
    const n = v[k];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      input.fail([...path, k], `count "${k}" must be a non-negative integer`);
    out[k] = n as number;
  }
  return out;
}

/** Reads our JSON ballot format and counts it with `method`; CLI `overrides` win over the file's `rules`. */
export function tallyDecisionFile(
  method: DecisionMethodName,
  text: string,
  file?: string,
  overrides: RuleOverrides = {},
): DecisionResult {
  const input = parseJsonInput(text, file);
  if (typeof input.raw.method === 'string' && input.raw.method !== method) {
    input.fail(['method'], `this file is for the method "${input.raw.method}", not "${method}"`);
  }
  const rules = rulesOf(input, overrides);
  const seats = intRule(input, rules, 'seats');
  try {
    switch (method) {
      case 'plurality':
        return plurality(candidatesOf(input), ballotsOf(input) as never, {
          seats,
          tieBreak: tieBreakOf(input, rules),
        });
      case 'approval':
        return approval(candidatesOf(input), ballotsOf(input) as never, {
          seats,
          tieBreak: tieBreakOf(input, rules),
          maxApprovals: intRule(input, rules, 'maxApprovals'),
        });
      case 'score':
        return score(candidatesOf(input), ballotsOf(input) as never, {
          seats,
          tieBreak: tieBreakOf(input, rules),
          min: intRule(input, rules, 'min'),
          max: intRule(input, rules, 'max'),
          aggregate: enumRule(input, rules, 'aggregate', ['sum', 'mean'] as const),
        });
      case 'majority': {
        const counts =
          input.raw.counts !== undefined
            ? yesNoCounts(input, input.raw.counts, ['counts'])
            : countYesNo(ballotsOf(input) as never);
        return majority(counts, {
          threshold: fractionRule(input, rules, 'threshold'),
          strict: boolRule(input, rules, 'strict'),
          base: enumRule(input, rules, 'base', ['cast', 'present', 'electorate'] as const),
          quorum: fractionRule(input, rules, 'quorum'),
          quorumCounts: enumRule(input, rules, 'quorumCounts', ['present', 'cast'] as const),
          electorate: electorateOf(input, rules),
        });
      }
      case 'consent':
        return consent(ballotsOf(input) as never, {
          electorate: electorateOf(input, rules),
          quorum: fractionRule(input, rules, 'quorum'),
          unreasonedObjectionsStand: boolRule(input, rules, 'unreasonedObjectionsStand'),
        });
      case 'consensus':
        return consensus(ballotsOf(input) as never, {
          electorate: electorateOf(input, rules),
          minParticipation: fractionRule(input, rules, 'minParticipation'),
          maxStandAsides: intRule(input, rules, 'maxStandAsides'),
          fallback: fractionRule(input, rules, 'fallback'),
        });
      case 'chambers': {
        const defs = input.raw.chambers;
        if (!Array.isArray(defs) || defs.length === 0)
          input.fail(['chambers'], '"chambers" must be a non-empty array');
        const chamberDefs: Chamber[] = (defs as Record<string, unknown>[]).map((d, i) => {
          if (!d || typeof d !== 'object') input.fail(['chambers', i], `chamber ${i + 1} must be an object`);
          const at = (problem: string): never => input.fail(['chambers', i], `chamber ${i + 1}: ${problem}`);
          const frac = (k: string) => {
            try {
              return d[k] === undefined ? undefined : parseFraction(d[k] as string);
            } catch (e) {
              return at(`${k}: ${(e as Error).message}`);
            }
          };
          const base = d.base as Chamber['base'];
          if (base !== undefined && !['cast', 'present', 'electorate'].includes(base))
            at('base must be cast, present or electorate');
          return {
            name: d.name as string,
            electorate: d.electorate as number | undefined,
            threshold: frac('threshold'),
            strict: d.strict as boolean | undefined,
            base,
            quorum: frac('quorum'),
            quorumCounts: d.quorumCounts as Chamber['quorumCounts'],
            weight: d.weight as number | undefined,
            veto: d.veto as boolean | undefined,
          };
        });
        let counts: Record<string, YesNoCounts>;
        if (input.raw.counts !== undefined) {
          const c = input.raw.counts as Record<string, unknown>;
          if (!c || typeof c !== 'object')
            input.fail(['counts'], '"counts" must map each chamber to its counts');
          counts = Object.fromEntries(
            Object.entries(c).map(([k, v]) => [k, yesNoCounts(input, v, ['counts', k])]),
          );
        } else counts = countChambers(ballotsOf(input) as never);
        return chambers(chamberDefs, counts, {
          mode: enumRule(input, rules, 'mode', ['concurrent', 'weighted'] as const),
          threshold: fractionRule(input, rules, 'threshold'),
          strict: boolRule(input, rules, 'strict'),
        });
      }
      case 'quadratic':
        return quadratic(
          candidatesOf(input, input.raw.options !== undefined ? 'options' : 'candidates'),
          ballotsOf(input) as never,
          {
            seats,
            credits: intRule(input, rules, 'credits'),
            allowNegative: boolRule(input, rules, 'allowNegative'),
            overBudget: enumRule(input, rules, 'overBudget', ['reject', 'error'] as const),
          },
        );
    }
  } catch (e) {
    return input.locate(e);
  }
}
