import { Type } from 'typebox';
import { own } from '../dict';
import { DomainError } from '../errors';
import { IdSchema, objectSchema } from '../input';
import type { ActionDefinition } from './definition';

/** Remove a member (never the last one: a commons needs a member to decide anything again). */
export const removeMember = {
  kind: 'remove_member',
  label: 'Remove a member',
  input: objectSchema({ kind: Type.Literal('remove_member'), accountId: IdSchema }),
  check(core, action) {
    const m = own(core.members, action.accountId);
    if (!m || m.status !== 'member') {
      throw new DomainError('member_not_found', 'That person is not a member.', {
        accountId: action.accountId,
      });
    }
    if (Object.values(core.members).filter((x) => x.status === 'member').length <= 1) {
      throw new DomainError(
        'last_member',
        'The last member cannot be removed: a commons needs at least one member.',
      );
    }
    return action;
  },
  carryOut: (_core, action, proposalId) => [
    { type: 'MemberRemoved', data: { proposalId, accountId: action.accountId } },
  ],
} satisfies ActionDefinition<'remove_member'>;
