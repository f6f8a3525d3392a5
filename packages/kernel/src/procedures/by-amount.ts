// Spending governed by amount: ordered bands `{ upTo, procedure }` and a final procedure. A constitution's rule, not
// a way of counting: when a proposal opens, the band its amount falls in names the procedure that decides it
// (`procedureForAction`), which the proposal records, so that tallies never meet this type.
import { Type } from 'typebox';
import { own } from '../dict';
import { formatAmount } from '../resources/amount';
import type { Unit } from '../resources/types';
import type { Action, CommonsCore, CommonsState, Procedure } from '../types';
import { procedureSchema, type ProcedureDefinition, type ProcedureOf } from './definition';
import { PROCEDURES, procedureDefinition } from './index';

type ByAmount = ProcedureOf<'by_amount'>;

/** The most bands a rule can have. */
export const BY_AMOUNT_LIMITS = { bands: 10 } as const;

// A band decides a yes or no on an amount: neither another by_amount nor a poll (which chooses between options) nor
// an election (which fills a role's seats).
const NESTED_EXCLUDED = new Set(['by_amount', 'poll', 'election']);

/** The schema of a band's procedure: every registered type but these (read from the registry when first asked). */
function nestedSchema() {
  const types = (Object.keys(PROCEDURES) as Procedure['type'][]).filter((t) => !NESTED_EXCLUDED.has(t));
  return Type.Unsafe<Procedure>({
    type: 'object',
    oneOf: types.map((t) => PROCEDURES[t].schema),
    discriminator: { propertyName: 'type' },
    required: ['type'],
  });
}

/** The amount an action moves, in minor units, and the pool it moves in; null for an action without one. */
export function amountOf(action: Action): { amount: bigint; poolId: string } | null {
  if (action.kind === 'spend' || action.kind === 'record_income')
    return { amount: BigInt(action.amount), poolId: action.poolId };
  return null;
}

/**
 * The procedure that decides this action under `rule`: the rule itself, or for `by_amount` the first band whose
 * `upTo` the amount is at most, else its final procedure. An amount in another unit than the rule's (when it names
 * one) gets the final procedure: amounts in different currencies are never compared.
 */
export function procedureForAction(rule: Procedure, action: Action, state?: CommonsState): Procedure {
  if (rule.type !== 'by_amount') return rule;
  const moved = amountOf(action);
  if (!moved) return rule.otherwise;
  if (rule.unit) {
    const unit = own(state?.pools, moved.poolId)?.unit;
    if (!unit || unit.code !== rule.unit.code || unit.exponent !== rule.unit.exponent) return rule.otherwise;
  }
  for (const band of rule.bands) if (moved.amount <= BigInt(band.upTo)) return band.procedure;
  return rule.otherwise;
}

function nestedProblem(p: unknown, where: string, core?: CommonsCore): string | null {
  const type = (p as { type?: unknown } | null)?.type;
  if (typeof p !== 'object' || p === null) return `${where} must be a procedure`;
  if (typeof type === 'string' && NESTED_EXCLUDED.has(type)) return `${where} cannot be a ${type}`;
  const definition = procedureDefinition(type);
  if (!definition) return `${where} has an unknown procedure type "${String(type)}"`;
  const problem =
    definition.problem(p as Procedure) ??
    (core ? (definition.problemIn?.(p as Procedure, core) ?? null) : null);
  return problem ? `${where}: ${problem}` : null;
}

const amountIn = (upTo: number, unit: Unit | undefined) =>
  unit ? formatAmount(BigInt(upTo), unit) : `${upTo} (in the pool's smallest unit)`;

export const byAmount: ProcedureDefinition<'by_amount'> = {
  type: 'by_amount',
  kinds: ['spend', 'record_income'],
  get schema() {
    const nested = nestedSchema();
    return procedureSchema('by_amount', {
      unit: Type.Optional(
        Type.Object(
          {
            code: Type.String({ minLength: 1, maxLength: 12, pattern: '^[A-Za-z][A-Za-z0-9]*$' }),
            exponent: Type.Integer({ minimum: 0, maximum: 4 }),
          },
          { additionalProperties: false },
        ),
      ),
      bands: Type.Array(
        Type.Object(
          { upTo: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), procedure: nested },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: BY_AMOUNT_LIMITS.bands },
      ),
      otherwise: nested,
    });
  },
  problem(p: ByAmount) {
    if (p.unit !== undefined) {
      const u = p.unit as Partial<Unit> | null;
      if (
        typeof u !== 'object' ||
        u === null ||
        typeof u.code !== 'string' ||
        !/^[A-Za-z][A-Za-z0-9]{0,11}$/.test(u.code)
      )
        return 'unit.code must be a currency or unit code (EUR, HOURS)';
      if (typeof u.exponent !== 'number' || !Number.isInteger(u.exponent) || u.exponent < 0 || u.exponent > 4)
        return 'unit.exponent must be a whole number from 0 to 4';
    }
    if (!Array.isArray(p.bands) || p.bands.length === 0)
      return 'it needs at least one band (an amount up to which a procedure decides)';
    if (p.bands.length > BY_AMOUNT_LIMITS.bands) return `it can have at most ${BY_AMOUNT_LIMITS.bands} bands`;
    let previous = -1;
    for (const [i, band] of p.bands.entries()) {
      const upTo = (band as { upTo?: unknown } | null)?.upTo;
      if (typeof upTo !== 'number' || !Number.isSafeInteger(upTo) || upTo < 0)
        return `band ${i + 1}'s upTo must be a whole number of minor units, 0 or more`;
      if (upTo <= previous)
        return `the bands must go up: band ${i + 1}'s upTo (${upTo}) is not above the one before (${previous})`;
      previous = upTo;
      const problem = nestedProblem(band.procedure, `band ${i + 1}'s procedure`);
      if (problem) return problem;
    }
    return nestedProblem(p.otherwise, 'the procedure above the last band');
  },
  problemIn(p, core) {
    for (const [i, band] of p.bands.entries()) {
      const problem = nestedProblem(band.procedure, `band ${i + 1}'s procedure`, core);
      if (problem) return problem;
    }
    return nestedProblem(p.otherwise, 'the procedure above the last band', core);
  },
  normalise: (p) => {
    const norm = (q: Procedure) => procedureDefinition(q.type)!.normalise(q);
    return {
      type: 'by_amount',
      ...(p.unit ? { unit: { code: p.unit.code, exponent: p.unit.exponent } } : {}),
      bands: p.bands.map((b) => ({ upTo: b.upTo, procedure: norm(b.procedure) })),
      otherwise: norm(p.otherwise),
    };
  },
  // The longest of its procedures: what a proposal under it may need (the band chosen sets the proposal's own).
  openHours: (p) =>
    Math.max(
      ...[...p.bands.map((b) => b.procedure), p.otherwise].map((q) =>
        procedureDefinition(q.type)!.openHours(q),
      ),
    ),
  describe: (p, core) => {
    const say = (q: Procedure) => {
      const s = procedureDefinition(q.type)!.describe(q, core);
      return s.charAt(0).toLowerCase() + s.slice(1).replace(/\.$/, '');
    };
    const bands = p.bands.map((b) => `up to ${amountIn(b.upTo, p.unit)}: ${say(b.procedure)}`);
    const last = p.bands[p.bands.length - 1]!;
    const unitNote = p.unit ? `; in another unit than ${p.unit.code}, as above the last band` : '';
    return `By amount: ${bands.join('; ')}; above ${amountIn(last.upTo, p.unit)}: ${say(p.otherwise)}${unitNote}.`;
  },
};
