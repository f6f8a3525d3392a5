import { Type } from 'typebox';
import { own } from '../dict';
import { DomainError } from '../errors';
import { addHours, IdSchema, objectSchema } from '../input';
import type { ActionDefinition } from './definition';

/** Seats a role can have filled by one election. */
export const MAX_SEATS = 20;

/**
 * Fill a role's seats by an election: the elected become the role's holders (those not re-elected leave it), each
 * for the role's term from the decision. Only an `election` procedure decides it; the count is on the outcome.
 */
export const electRole = {
  kind: 'elect_role',
  label: 'Elect members to a role',
  input: objectSchema({
    kind: Type.Literal('elect_role'),
    roleId: IdSchema,
    seats: Type.Integer({ minimum: 1, maximum: MAX_SEATS }),
  }),
  check(core, action) {
    const role = own(core.roles, action.roleId);
    if (!role)
      throw new DomainError('role_not_found', `There is no role "${action.roleId}".`, {
        roleId: action.roleId,
      });
    const seats = action.seats;
    if (typeof seats !== 'number' || !Number.isInteger(seats) || seats < 1 || seats > MAX_SEATS)
      throw new DomainError('invalid_action', `An election fills from 1 to ${MAX_SEATS} seats.`, {
        field: 'seats',
      });
    return { kind: 'elect_role', roleId: role.id, seats };
  },
  carryOut(core, action, proposalId, now, outcome) {
    const role = own(core.roles, action.roleId)!;
    const until = role.termDays === null ? null : addHours(now, role.termDays * 24);
    // Only the elected who are still members take their seats (one may have left since the count).
    const elected = (outcome?.election?.elected ?? []).filter(
      (id) => own(core.members, id)?.status === 'member',
    );
    return [{ type: 'RoleHoldersElected', data: { proposalId, roleId: role.id, elected, until } }];
  },
} satisfies ActionDefinition<'elect_role'>;
