import { Type } from 'typebox';
import { own } from '../dict';
import { DomainError } from '../errors';
import { IdSchema, LIMITS, objectSchema, text, textSchema } from '../input';
import { ACTION_KINDS } from '../types';
import { ActionKindSchema, checkMandate, checkTerm, TermSchema, type ActionDefinition } from './definition';

/** Create a role: a mandate to decide some kinds of action alone, for a term. */
export const createRole = {
  kind: 'create_role',
  label: 'Create a role',
  input: objectSchema({
    kind: Type.Literal('create_role'),
    roleId: IdSchema,
    name: textSchema(LIMITS.name),
    description: Type.Optional(textSchema(LIMITS.purpose)),
    mandate: Type.Array(ActionKindSchema, { maxItems: ACTION_KINDS.length }),
    termDays: TermSchema,
  }),
  check(core, action) {
    const id = text('id', action.roleId);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
      throw new DomainError('invalid_action', 'A role id uses lowercase letters, digits and dashes.');
    }
    if (own(core.roles, id))
      throw new DomainError('role_exists', `There is already a role "${id}".`, { roleId: id });
    return {
      kind: 'create_role',
      roleId: id,
      name: text('name', action.name),
      description: text('purpose', action.description ?? '', false),
      mandate: checkMandate(action.mandate),
      termDays: checkTerm(action.termDays),
    };
  },
  carryOut: (_core, action, proposalId) => [
    {
      type: 'RoleCreated',
      data: {
        proposalId,
        role: {
          id: action.roleId,
          name: action.name,
          description: action.description,
          mandate: action.mandate,
          termDays: action.termDays,
          holders: [],
        },
      },
    },
  ],
} satisfies ActionDefinition<'create_role'>;
