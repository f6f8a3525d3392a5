// A poll's question and ballots, checked as they come in from outside: every option id is hostile (looked up in a
// Map, never as a key of a plain object), and a ballot that breaks its method's rules is refused with what is wrong.
import { Type } from 'typebox';
import type { QuestionInput } from './commands';
import { DomainError } from './errors';
import { IdSchema, LIMITS, objectSchema, text, textSchema } from './input';
import type { PollBallot, PollOption, Procedure, Question } from './types';

type Poll = Extract<Procedure, { type: 'poll' }>;

/** Options a question may have. */
export const QUESTION_LIMITS = { minOptions: 2, maxOptions: 20, label: LIMITS.title } as const;

/**
 * Names the ranked-choice count's reports give their own entries (RCTab's overvote mark and the pile of exhausted
 * ballots): an option cannot be called so, or its votes would be confused with them.
 */
/** A poll's question as the API takes it (the kernel checks it again: `checkQuestion`). */
export const QuestionSchema = objectSchema({
  options: Type.Array(
    objectSchema({
      id: IdSchema,
      label: textSchema(QUESTION_LIMITS.label, { minLength: 1 }),
      statusQuo: Type.Optional(Type.Boolean()),
    }),
    { minItems: QUESTION_LIMITS.minOptions, maxItems: QUESTION_LIMITS.maxOptions },
  ),
});

const optionIds = Type.Array(IdSchema, { maxItems: QUESTION_LIMITS.maxOptions });
/** A ballot as the API takes it, one shape per kind of method (checked against the poll by `checkBallot`). */
export const BallotSchema = Type.Union([
  objectSchema({ ranking: optionIds }, { description: 'schulze, irv: option ids, most preferred first' }),
  objectSchema({ approve: optionIds }, { description: 'approval: the option ids approved of' }),
  objectSchema(
    {
      values: Type.Array(objectSchema({ option: IdSchema, value: Type.Integer() }), {
        maxItems: QUESTION_LIMITS.maxOptions,
      }),
    },
    { description: 'score: a score per option; dots: points; quadratic: votes (n votes cost n² credits)' },
  ),
]);

const RESERVED_IDS = new Set(['overvote', 'exhausted']);
const ID = /^[A-Za-z0-9_-]{1,64}$/;

const badQuestion = (message: string, details: Record<string, unknown> = {}): never => {
  throw new DomainError('invalid_question', message, details);
};

/** The question of a poll checked and normalised (trimmed labels, `statusQuo` always given), or invalid_question. */
export function checkQuestion(input: unknown): Question {
  const q = input as QuestionInput | null | undefined;
  if (typeof q !== 'object' || q === null || !Array.isArray(q.options))
    badQuestion('A poll needs a question: { options: [{ id, label }, ...] }.');
  const list = q!.options;
  if (list.length < QUESTION_LIMITS.minOptions || list.length > QUESTION_LIMITS.maxOptions)
    badQuestion(
      `A poll has from ${QUESTION_LIMITS.minOptions} to ${QUESTION_LIMITS.maxOptions} options; this one has ${list.length}.`,
    );
  const seen = new Set<string>();
  let statusQuo = 0;
  const options = list.map((o, i): PollOption => {
    if (typeof o !== 'object' || o === null)
      badQuestion(`Option ${i + 1} must be an object with an id and a label.`);
    const id = o.id;
    if (typeof id !== 'string' || !ID.test(id))
      badQuestion(`Option ${i + 1}: its id must be 1 to 64 letters, digits, "_" or "-".`, { option: i + 1 });
    if (RESERVED_IDS.has(id))
      badQuestion(
        `Option ${i + 1}: "${id}" is a name the ranked-choice count uses itself; choose another id.`,
        {
          option: id,
        },
      );
    if (seen.has(id)) badQuestion(`Two options have the id "${id}".`, { option: id });
    seen.add(id);
    if (o.statusQuo !== undefined && typeof o.statusQuo !== 'boolean')
      badQuestion(`Option "${id}": statusQuo must be true or false.`, { option: id });
    if (o.statusQuo) statusQuo += 1;
    let label: string;
    try {
      label = text('title', o.label);
    } catch (e) {
      if (e instanceof DomainError)
        badQuestion(`Option "${id}": its label ${e.message.replace(/^title /, '')}`);
      throw e;
    }
    return { id, label, statusQuo: o.statusQuo === true };
  });
  if (statusQuo > 1) badQuestion('At most one option can be the status quo ("none of these").');
  return { options };
}

const badBallot = (message: string, details: Record<string, unknown> = {}): never => {
  throw new DomainError('invalid_ballot', message, details);
};

const METHOD_SHAPE: Record<Poll['method'], string> = {
  approval: 'an approval ballot lists the options approved of: { approve: [ids] }',
  score: 'a score ballot gives options a score: { values: [{ option, value }] }',
  dots: 'a dot-voting ballot gives options points: { values: [{ option, value }] }',
  quadratic: 'a quadratic ballot gives options votes: { values: [{ option, value }] }',
  schulze: 'a ranked ballot lists options from most to least preferred: { ranking: [ids] }',
  irv: 'a ranked ballot lists options from most to least preferred: { ranking: [ids] }',
};

/** A list of option ids, each known and given once; `twice` says what listing one twice means. */
function optionList(value: unknown, known: ReadonlySet<string>, twice: (id: string) => string): string[] {
  if (!Array.isArray(value)) badBallot('The ballot lists options by their ids, in an array.');
  // The loop stops at the first unknown or repeated id: at most one more step than there are options.
  const seen = new Set<string>();
  for (const id of value as unknown[]) {
    if (typeof id !== 'string') badBallot('Options are named by their ids (text).');
    const s = id as string;
    if (!known.has(s))
      badBallot(`There is no option "${s.slice(0, 64)}" in this poll.`, { option: s.slice(0, 64) });
    if (seen.has(s)) badBallot(twice(s), { option: s });
    seen.add(s);
  }
  return [...(value as string[])];
}

/**
 * A ballot checked against the poll's options and method, normalised (values in the question's order, zeros left
 * out), or invalid_ballot saying what is wrong: an option unknown or ranked twice, a score out of range, points or
 * credits over budget.
 */
export function checkBallot(procedure: Poll, question: Question, input: unknown): PollBallot {
  const known = new Set(question.options.map((o) => o.id));
  const b = input as Record<string, unknown> | null;
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    badBallot(`A ballot is an object: ${METHOD_SHAPE[procedure.method]}.`);
  const keys = Object.keys(b!);
  const want =
    procedure.method === 'approval'
      ? 'approve'
      : procedure.method === 'schulze' || procedure.method === 'irv'
        ? 'ranking'
        : 'values';
  if (keys.length !== 1 || keys[0] !== want)
    badBallot(`This poll is counted by ${procedure.method}: ${METHOD_SHAPE[procedure.method]}.`);
  const value = b![want];
  if (want === 'ranking')
    return { ranking: optionList(value, known, (id) => `The ballot ranks "${id}" twice.`) };
  if (want === 'approve')
    return { approve: optionList(value, known, (id) => `The ballot approves "${id}" twice.`) };
  if (!Array.isArray(value) || value.length > known.size)
    badBallot(`${METHOD_SHAPE[procedure.method]}, at most one value per option.`);
  const given = new Map<string, number>();
  for (const entry of value as unknown[]) {
    const e = entry as { option?: unknown; value?: unknown } | null;
    if (typeof e !== 'object' || e === null || Object.keys(e).some((k) => k !== 'option' && k !== 'value'))
      badBallot('Each value is { option, value }.');
    const id = e!.option;
    if (typeof id !== 'string' || !known.has(id))
      badBallot(`There is no option "${String(id).slice(0, 64)}" in this poll.`, {
        option: String(id).slice(0, 64),
      });
    if (given.has(id as string))
      badBallot(`The ballot gives "${id as string}" a value twice.`, { option: id });
    const v = e!.value;
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      badBallot(`The value for "${id as string}" must be a whole number.`, { option: id });
    given.set(id as string, v as number);
  }
  const values = question.options.flatMap((o) => {
    const v = given.get(o.id);
    return v === undefined ? [] : [{ option: o.id, value: v }];
  });
  switch (procedure.method) {
    case 'score': {
      const min = procedure.min ?? 0;
      const max = procedure.max ?? 5;
      for (const { option, value: v } of values)
        if (v < min || v > max)
          badBallot(`The score for "${option}" is ${v}; scores go from ${min} to ${max}.`, { option });
      return { values };
    }
    case 'dots': {
      const budget = procedure.points ?? 10;
      for (const { option, value: v } of values)
        if (v < 0) badBallot(`The points for "${option}" are ${v}; points cannot be negative.`, { option });
      const spent = values.reduce((s, x) => s + x.value, 0);
      if (spent > budget)
        badBallot(`The ballot spends ${spent} points, more than the ${budget} each member has.`, {
          spent,
          budget,
        });
      return { values: values.filter((x) => x.value !== 0) };
    }
    default: {
      const credits = procedure.credits ?? 100;
      // Each |votes| is at most the square root of a bounded budget, so the sum of squares stays exact.
      for (const { option, value: v } of values)
        if (Math.abs(v) > credits)
          badBallot(`${Math.abs(v)} votes for "${option}" cost more than the ${credits} voice credits.`, {
            option,
          });
      const cost = values.reduce((s, x) => s + x.value * x.value, 0);
      if (cost > credits)
        badBallot(
          `The ballot costs ${cost} voice credits (the sum of each option's votes squared), more than the ${credits} each member has.`,
          { cost, credits },
        );
      return { values: values.filter((x) => x.value !== 0) };
    }
  }
}

/** Whether a ballot expresses no preference at all (counted as taking part, as an abstention). */
export function blankBallot(b: PollBallot): boolean {
  if ('ranking' in b) return b.ranking.length === 0;
  if ('approve' in b) return b.approve.length === 0;
  return b.values.length === 0;
}
