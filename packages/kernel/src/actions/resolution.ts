import { Type } from 'typebox';
import { LIMITS, objectSchema, text, textSchema } from '../input';
import type { ActionDefinition } from './definition';

/** Any other decision, in words: what the commons resolves to do. */
export const resolution = {
  kind: 'resolution',
  label: 'Decide anything else',
  input: objectSchema({ kind: Type.Literal('resolution'), text: textSchema(LIMITS.body) }),
  check: (_core, action) => ({ kind: 'resolution', text: text('body', action.text) }),
  carryOut: (_core, action, proposalId) => [
    { type: 'ResolutionAdopted', data: { proposalId, text: action.text } },
  ],
} satisfies ActionDefinition<'resolution'>;
