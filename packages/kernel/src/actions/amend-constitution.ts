import { Type } from 'typebox';
import { ruleFor } from '../constitution';
import { objectSchema } from '../input';
import { ProcedureSchema } from '../procedures';
import { amended, amendmentProcedure, checkAmendment, requireNoLockInAhead } from '../rules';
import {
  ACTION_KINDS,
  MODES,
  TIERS,
  type ActionKind,
  type Constitution,
  type Domain,
  type Procedure,
  type Tiers,
} from '../types';
import { IdSchema, textSchema, LIMITS } from '../input';
import type { ActionDefinition } from './definition';

const TierSchema = Type.Union(TIERS.map((t) => Type.Literal(t)));
const KindSchema = Type.Union(ACTION_KINDS.map((k) => Type.Literal(k)));

/** Tiers as an amendment gives them (`Tiers`): the procedure of each tier above the operational, kinds placed. */
export const TiersSchema = Type.Unsafe<Tiers>(
  objectSchema({
    procedures: objectSchema({
      policy: ProcedureSchema,
      constitutional: ProcedureSchema,
      entrenched: ProcedureSchema,
    }),
    entrenchedBy: Type.Union([ProcedureSchema, Type.Null()]),
    kinds: Type.Optional(
      Type.Unsafe<Partial<Record<ActionKind, (typeof TIERS)[number]>>>({
        type: 'object',
        propertyNames: { enum: [...ACTION_KINDS] },
        additionalProperties: TierSchema,
      }),
    ),
  }),
);

/** Domains as an amendment gives them (`Domain[]`). */
export const DomainsSchema = Type.Unsafe<Domain[]>(
  Type.Array(
    objectSchema({
      id: IdSchema,
      name: textSchema(LIMITS.name, { minLength: 1 }),
      mode: Type.Union(MODES.map((m) => Type.Literal(m))),
      tier: Type.Optional(TierSchema),
      kinds: Type.Array(KindSchema, { maxItems: ACTION_KINDS.length, uniqueItems: true }),
    }),
    { maxItems: 32 },
  ),
);

/**
 * Amend the constitution: new rules for some kinds of action, new tiers or domains (null drops them), new triggers,
 * review dates or sunsets (each replaces the list in force), a new version from when it passes. Decided by the tier it touches where there are tiers; refused when proposed if it would lock
 * the commons in.
 */
export const amendConstitution = {
  kind: 'amend_constitution',
  label: 'Amend the constitution',
  input: objectSchema({
    kind: Type.Literal('amend_constitution'),
    rules: Type.Unsafe<Partial<Record<ActionKind, Procedure>>>({
      type: 'object',
      description: 'The rules to change: kind of action -> procedure',
      propertyNames: { enum: [...ACTION_KINDS] },
      additionalProperties: ProcedureSchema,
    }),
    // Rules for rules (packages/kernel/src/rules): each, when given, replaces the list in force.
    triggers: Type.Optional(
      Type.Unsafe<Constitution['triggers']>({
        type: 'array',
        maxItems: 20,
        items: { type: 'object' },
        description: 'Rules that change themselves: {id, when, rules}; replaces the triggers in force',
      }),
    ),
    reviews: Type.Optional(
      Type.Unsafe<Constitution['reviews']>({
        type: 'array',
        maxItems: 50,
        items: { type: 'object' },
        description: 'Review dates of rules: {kind, at}; replaces the review dates in force',
      }),
    ),
    sunsets: Type.Optional(
      Type.Unsafe<Constitution['sunsets']>({
        type: 'array',
        maxItems: 50,
        items: { type: 'object' },
        description:
          'Rules that lapse unless renewed: {kind, at, fallback?}; replaces (renews) the sunsets in force',
      }),
    ),
    tiers: Type.Optional(
      Type.Union([TiersSchema, Type.Null()], { description: 'New tiers; null drops them' }),
    ),
    domains: Type.Optional(
      Type.Union([DomainsSchema, Type.Null()], { description: 'New domains; null drops them' }),
    ),
  }),
  check(core, action) {
    return checkAmendment(core, action);
  },
  checkProposed(core, action, now) {
    requireNoLockInAhead(core, core.constitution, amended(core.constitution, action, null, now), now);
  },
  procedure(core, action) {
    const before = core.constitution;
    return amendmentProcedure(before, amended(before, action, null, ''), (k) => ruleFor(before, k)).procedure;
  },
  carryOut(core, action, proposalId, now) {
    return [
      {
        type: 'ConstitutionAmended',
        data: { proposalId, constitution: amended(core.constitution, action, proposalId, now) },
      },
    ];
  },
} satisfies ActionDefinition<'amend_constitution'>;
