import { Type } from 'typebox';
import { own } from '../dict';
import { DomainError } from '../errors';
import { IdSchema, LIMITS, objectSchema, text, textSchema } from '../input';
import { ACTION_KINDS } from '../types';
import {
  ActionKindSchema,
  checkMandate,
  checkTerm,
  TermSchema,
  type ActionDefinition,
  type ActionOf,
} from './definition';

/** Change a role's name, description, mandate or term (at least one of them). */
export const changeRole = {
  kind: 'change_role',
  label: 'Change a role',
  input: objectSchema({
    kind: Type.Literal('change_role'),
    roleId: IdSchema,
    name: Type.Optional(textSchema(LIMITS.name)),
    description: Type.Optional(textSchema(LIMITS.purpose)),
    mandate: Type.Optional(Type.Array(ActionKindSchema, { maxItems: ACTION_KINDS.length })),
    termDays: Type.Optional(TermSchema),
  }),
  check(core, action) {
    if (!own(core.roles, action.roleId)) {
      throw new DomainError('role_not_found', `There is no role "${action.roleId}".`, {
        roleId: action.roleId,
      });
    }
    const out: ActionOf<'change_role'> = { kind: 'change_role', roleId: action.roleId };
    if (action.name !== undefined) out.name = text('name', action.name);
    if (action.description !== undefined) out.description = text('purpose', action.description, false);
    if (action.mandate !== undefined) out.mandate = checkMandate(action.mandate);
    if (action.termDays !== undefined) out.termDays = checkTerm(action.termDays);
    if (Object.keys(out).length === 2)
      throw new DomainError('invalid_action', 'Nothing to change in the role.');
    return out;
  },
  carryOut: (_core, { kind: _kind, ...changes }, proposalId) => [
    { type: 'RoleChanged', data: { proposalId, ...changes } },
  ],
} satisfies ActionDefinition<'change_role'>;
