import { Type } from 'typebox';
import { own } from '../dict';
import { DomainError } from '../errors';
import { addHours, IdSchema, objectSchema } from '../input';
import type { CommonsCore } from '../types';
import type { ActionDefinition, ActionOf } from './definition';

// Both kinds name a role and a member; giving needs no current term, recalling needs a holding.
function checkHolding<A extends ActionOf<'assign_role'> | ActionOf<'unassign_role'>>(
  core: CommonsCore,
  action: A,
  now: string | null,
): A {
  const role = own(core.roles, action.roleId);
  if (!role)
    throw new DomainError('role_not_found', `There is no role "${action.roleId}".`, {
      roleId: action.roleId,
    });
  const m = own(core.members, action.accountId);
  if (!m || m.status !== 'member') {
    throw new DomainError('member_not_found', 'That person is not a member.', {
      accountId: action.accountId,
    });
  }
  const holding = role.holders.find((h) => h.accountId === action.accountId);
  const holds = holding !== undefined;
  const current = holds && (now === null || holding.until === null || holding.until > now);
  if (action.kind === 'assign_role' && current) {
    throw new DomainError('already_holder', `${m.displayName} already holds ${role.name}.`);
  }
  if (action.kind === 'unassign_role' && !holds) {
    throw new DomainError('not_a_holder', `${m.displayName} does not hold ${role.name}.`);
  }
  return action;
}

/** Give a member a role, for the role's term from now. */
export const assignRole = {
  kind: 'assign_role',
  label: 'Give a member a role',
  input: objectSchema({ kind: Type.Literal('assign_role'), roleId: IdSchema, accountId: IdSchema }),
  check: checkHolding,
  carryOut(core, action, proposalId, now) {
    const role = own(core.roles, action.roleId)!;
    const until = role.termDays === null ? null : addHours(now, role.termDays * 24);
    return [
      {
        type: 'RoleAssigned',
        data: { proposalId, roleId: action.roleId, accountId: action.accountId, until },
      },
    ];
  },
} satisfies ActionDefinition<'assign_role'>;

/** Recall a member from a role. */
export const unassignRole = {
  kind: 'unassign_role',
  label: 'Recall a member from a role',
  input: objectSchema({ kind: Type.Literal('unassign_role'), roleId: IdSchema, accountId: IdSchema }),
  check: checkHolding,
  carryOut: (_core, action, proposalId) => [
    { type: 'RoleUnassigned', data: { proposalId, roleId: action.roleId, accountId: action.accountId } },
  ],
} satisfies ActionDefinition<'unassign_role'>;
