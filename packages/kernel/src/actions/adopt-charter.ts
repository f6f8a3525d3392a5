import { Type } from 'typebox';
import { LIMITS, objectSchema, text, textSchema } from '../input';
import type { ActionDefinition } from './definition';

/** Adopt a purpose and charter: the commons' common world view. */
export const adoptCharter = {
  kind: 'adopt_charter',
  label: 'Adopt the charter',
  input: objectSchema({
    kind: Type.Literal('adopt_charter'),
    purpose: textSchema(LIMITS.purpose),
    charter: textSchema(LIMITS.charter),
  }),
  check: (_core, action) => ({
    kind: 'adopt_charter',
    purpose: text('purpose', action.purpose),
    charter: text('charter', action.charter),
  }),
  carryOut: (_core, action, proposalId) => [
    { type: 'CharterAdopted', data: { proposalId, purpose: action.purpose, charter: action.charter } },
  ],
} satisfies ActionDefinition<'adopt_charter'>;
