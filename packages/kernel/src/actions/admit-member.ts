import { Type } from 'typebox';
import { own } from '../dict';
import { DomainError } from '../errors';
import { ClassesSchema, IdSchema, LIMITS, objectSchema, text, textSchema } from '../input';
import { checkDisplayName } from '../names';
import { checkClasses, type ActionDefinition } from './definition';

/** Admit a person (an applicant, or someone invited by email or account id) as a member, in some classes. */
export const admitMember = {
  kind: 'admit_member',
  label: 'Admit a member',
  // The API names the person by email or account id; the server resolves it to the account before the kernel sees it.
  input: objectSchema({
    kind: Type.Literal('admit_member'),
    email: Type.Optional(textSchema(254, { format: 'email' })),
    accountId: Type.Optional(IdSchema),
    displayName: Type.Optional(textSchema(LIMITS.displayName)),
    classes: Type.Optional(ClassesSchema),
  }),
  check(core, action) {
    const m = own(core.members, action.accountId);
    if (m && m.status === 'member') {
      throw new DomainError('already_member', `${m.displayName} is already a member.`, {
        accountId: action.accountId,
      });
    }
    return {
      ...action,
      displayName: checkDisplayName(text('displayName', action.displayName)),
      classes: checkClasses(core, action.classes ?? []),
    };
  },
  carryOut: (_core, action, proposalId) => [
    {
      type: 'MemberAdmitted',
      data: {
        proposalId,
        accountId: action.accountId,
        displayName: action.displayName,
        classes: action.classes,
      },
    },
  ],
} satisfies ActionDefinition<'admit_member'>;
