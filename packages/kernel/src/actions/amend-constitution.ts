import { Type } from 'typebox';
import { validateRules } from '../constitution';
import { dict, dictOf } from '../dict';
import { objectSchema } from '../input';
import { definitionOf, ProcedureSchema } from '../procedures';
import { checkReviewDates, checkSunsets } from '../rules/reviews';
import { checkTriggers } from '../rules/triggers';
import { ACTION_KINDS, type ActionKind, type CommonsCore, type Constitution, type Procedure } from '../types';
import type { ActionDefinition } from './definition';

const nonEmpty = <K extends string, T>(key: K, list: T[] | undefined) =>
  (list && list.length > 0 ? { [key]: list } : {}) as Partial<Record<K, T[]>>;

/** Amend the constitution: new rules for some kinds of action, a new version from when it passes. */
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
  }),
  check(core, action) {
    const forRules = ['triggers', 'reviews', 'sunsets'] as const;
    const changesRules = forRules.some((f) => action[f] !== undefined);
    const given = (action.rules ?? {}) as Record<string, Procedure>;
    // Rules may be left out only by an amendment that changes the rules for rules.
    if (!changesRules || typeof given !== 'object' || given === null || Object.keys(given).length > 0)
      validateRules(given, core);
    const rules = dict<Procedure>() as Partial<Record<ActionKind, Procedure>>;
    for (const [kind, p] of Object.entries(given)) rules[kind as ActionKind] = definitionOf(p).normalise(p);
    return {
      kind: 'amend_constitution',
      rules,
      ...(action.triggers !== undefined ? { triggers: checkTriggers(action.triggers, core) } : {}),
      ...(action.reviews !== undefined ? { reviews: checkReviewDates(action.reviews) } : {}),
      ...(action.sunsets !== undefined ? { sunsets: checkSunsets(action.sunsets, core) } : {}),
    };
  },
  carryOut(core, action, proposalId, now) {
    const prev = core.constitution;
    return [
      {
        type: 'ConstitutionAmended',
        data: {
          proposalId,
          constitution: {
            version: prev.version + 1,
            rules: dictOf({ ...prev.rules, ...action.rules }) as CommonsCore['constitution']['rules'],
            adoptedAt: now,
            adoptedBy: proposalId,
            // What an amendment does not change carries over to the new version.
            ...(prev.defaultRule ? { defaultRule: prev.defaultRule } : {}),
            ...(prev.participation ? { participation: prev.participation } : {}),
            // Rules for rules: what the amendment gives replaces what was in force, else it carries over.
            ...nonEmpty('triggers', action.triggers ?? prev.triggers),
            ...nonEmpty('reviews', action.reviews ?? prev.reviews),
            ...nonEmpty('sunsets', action.sunsets ?? prev.sunsets),
          },
        },
      },
    ];
  },
} satisfies ActionDefinition<'amend_constitution'>;
