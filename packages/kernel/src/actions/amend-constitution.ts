import { Type } from 'typebox';
import { validateRules } from '../constitution';
import { dict, dictOf } from '../dict';
import { objectSchema } from '../input';
import { definitionOf, ProcedureSchema } from '../procedures';
import { ACTION_KINDS, type ActionKind, type CommonsCore, type Procedure } from '../types';
import type { ActionDefinition } from './definition';

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
      minProperties: 1,
    }),
  }),
  check(core, action) {
    validateRules(action.rules as Record<string, never>, core);
    const rules = dict<Procedure>() as Partial<Record<ActionKind, Procedure>>;
    for (const [kind, p] of Object.entries(action.rules))
      rules[kind as ActionKind] = definitionOf(p).normalise(p);
    return { kind: 'amend_constitution', rules };
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
          },
        },
      },
    ];
  },
} satisfies ActionDefinition<'amend_constitution'>;
