// Every request schema of the API, in one place (responses: response-schemas.ts). They validate input before a
// handler runs, type it in the handler (the TypeBox type provider) and generate the OpenAPI 3.1 document.
import { Type, type Static } from '@fastify/type-provider-typebox';
import {
  ACTIONS,
  ACTION_KINDS,
  ActionInputSchema,
  BallotSchema,
  ClassesSchema,
  IdSchema,
  LIMITS,
  objectSchema,
  ProcedureSchema,
  QuestionSchema,
  RatioSchema,
  TEMPLATE_IDS,
  TEXT_PATTERN,
  textSchema,
} from '@peergov/kernel';
import { DELIVERIES, NOTIFICATION_KINDS } from './notification-kinds';

// Text, ids, procedures and actions come from the kernel (packages/kernel/src/input.ts and its registries), so the
// kernel, the API's validation and the OpenAPI document share one schema of each.
export { TEXT_PATTERN };
const str = textSchema;
const obj = objectSchema;

export const Id = IdSchema;
export const Iso = Type.String({ format: 'date-time' });
/** A fraction from 0 to 1 (the procedure registry's). */
export const Ratio = RatioSchema;
/** A procedure: one schema per type in the kernel's procedure registry, discriminated by `type`. */
export const Procedure = ProcedureSchema;
const Classes = ClassesSchema;
/** An action inside a proposal: one schema per kind in the kernel's action registry, discriminated by `kind`. */
export const ActionInput = ActionInputSchema;

/** A language of the web app and of mails. */
export const Locale = Type.Union([Type.Literal('en'), Type.Literal('fr')]);
/** A secret from a link in a mail (a reset, a new address, an invitation, an unsubscription). */
export const Secret = Type.String({ minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' });
const Password = str(200, { minLength: 8 });

export const SignUpBody = obj({
  email: str(254, { format: 'email' }),
  password: Password,
  displayName: str(LIMITS.displayName, { minLength: 1 }),
  locale: Type.Optional(Locale),
});
export const PasswordResetBody = obj({ email: str(254, { minLength: 1 }) });
export const PasswordResetConfirmBody = obj({ token: Secret, password: Password });
export const ProfileBody = obj(
  {
    displayName: Type.Optional(str(LIMITS.displayName, { minLength: 1 })),
    locale: Type.Optional(Type.Union([Locale, Type.Null()])),
  },
  { minProperties: 1 },
);
export const PasswordChangeBody = obj({ currentPassword: str(200), newPassword: Password });
export const EmailChangeBody = obj({ email: str(254, { format: 'email' }), password: str(200) });
export const SecretBody = obj({ token: Secret });
export const InvitationBody = obj({
  email: Type.Optional(str(254, { format: 'email' })),
  classes: Type.Optional(ClassesSchema),
  locale: Type.Optional(Locale),
});
export const AcceptInvitationBody = obj({
  token: Secret,
  displayName: Type.Optional(str(LIMITS.displayName, { minLength: 1 })),
  classes: Type.Optional(ClassesSchema),
  statement: Type.Optional(str(LIMITS.statement)),
});
export const LimitQuery = obj({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })) });
export const UnsubscribeQuery = obj({ email: str(254, { minLength: 1 }), token: Secret });
export const NotificationUnsubscribeQuery = obj({
  account: Id,
  kind: Type.Union([...NOTIFICATION_KINDS.map((k) => Type.Literal(k)), Type.Literal('digest')]),
  token: Secret,
});
export const NotificationPageQuery = obj({
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
  // A notification's id (newId('n')): another name is refused, not looked up.
  before: Type.Optional(Type.String({ pattern: '^n[0-9a-z]{18}$' })),
});
export const NotificationParams = obj({ nid: Id });
export const NotificationSettingsBody = obj(
  {
    settings: obj(
      Object.fromEntries(
        NOTIFICATION_KINDS.map((k) => [k, Type.Optional(Type.Union(DELIVERIES.map((d) => Type.Literal(d))))]),
      ),
      { minProperties: 1 },
    ),
  },
  { description: 'The kinds to change (those left out stay as they are).' },
);
export const SignInBody = obj({ email: str(254), password: str(200) });
export const TokenBody = obj({ name: str(80, { minLength: 1 }) });

export const CreateCommonsBody = obj({
  name: str(LIMITS.name, { minLength: 1 }),
  purpose: Type.Optional(str(LIMITS.purpose)),
  charter: Type.Optional(str(LIMITS.charter)),
  template: Type.Union(TEMPLATE_IDS.map((id) => Type.Literal(id))),
  classes: Type.Optional(Classes),
});
export const ApplyBody = obj({
  displayName: Type.Optional(str(LIMITS.displayName, { minLength: 1 })),
  classes: Type.Optional(Classes),
  statement: Type.Optional(str(LIMITS.statement)),
});
export const ProposalBody = obj({
  title: str(LIMITS.title, { minLength: 1 }),
  body: Type.Optional(str(LIMITS.body)),
  action: ActionInput,
  closesAt: Type.Optional(Iso),
  /** Required when the rule for the action's kind is a poll: its options. */
  question: Type.Optional(QuestionSchema),
  /** When the decision comes up for review, if it passes (after its closing time). */
  reviewAt: Type.Optional(Iso),
});
/** An answer to a review: did the rule or decision do what it meant to? */
export const ReviewAnswerBody = obj({
  answer: Type.Union([Type.Literal('yes'), Type.Literal('partly'), Type.Literal('no')]),
  comment: Type.Optional(str(LIMITS.comment)),
});

/** What a delegation covers: the whole commons, one kind of action, or one proposal. */
export const DelegationScope = Type.Union([
  obj({ type: Type.Literal('commons') }),
  obj({ type: Type.Literal('kind'), kind: Type.Union(ACTION_KINDS.map((k) => Type.Literal(k))) }),
  obj({ type: Type.Literal('proposal'), proposalId: Id }),
]);
/** Give your vote to a member within a scope (replacing your delegation there). */
export const DelegateBody = obj({ scope: DelegationScope, trustee: Id });
/** Take back your delegation within a scope. */
export const RevokeDelegationBody = obj({ scope: DelegationScope });
/** A nomination in an election: the member nominated (the caller themselves to stand). */
export const NominationBody = obj({ accountId: Id });
/** A draft amendment to preview: the action of an amendment proposal (`kind` amend_constitution). */
export const AmendmentDraftBody = obj({ action: ACTIONS.amend_constitution.input });
/** A ballot on a poll (cast or replaced until it closes), with an optional reason. */
export const BallotBody = obj({ ballot: BallotSchema, reason: Type.Optional(str(LIMITS.reason)) });
export const Stance = Type.Union([
  Type.Literal('agree'),
  Type.Literal('abstain'),
  Type.Literal('disagree'),
  Type.Literal('block'),
]);
export const PositionBody = obj({ stance: Stance, reason: Type.Optional(str(LIMITS.reason)) });
export const CommentBody = obj({
  text: str(LIMITS.comment, { minLength: 1 }),
  replyTo: Type.Optional(Type.Union([Id, Type.Null()])),
});

export const CommentEditBody = obj({ text: str(LIMITS.comment, { minLength: 1 }) });

/** A draft constitution to replay the history under: rules in the shape of an amendment's, validated as its are. */
// An amendment may change only its tiers or domains; a replay needs at least one rule to count the history under.
export const ReplayBody = obj({
  rules: Type.Unsafe<Static<typeof ACTIONS.amend_constitution.input.properties.rules>>({
    ...ACTIONS.amend_constitution.input.properties.rules,
    minProperties: 1,
  }),
});
/** A page of a replay's differences. */
export const ReplayQuery = obj({
  offset: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,7}$', description: 'Differences to skip (0 by default)' }),
  ),
  limit: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,3}$', description: 'Differences per page: 50 by default, at most 200' }),
  ),
});

export const CommonsParams = obj({ id: Id });
export const ProposalParams = obj({ id: Id, pid: Id });
export const ReviewParams = obj({ id: Id, rid: Id });
export const TokenParams = obj({ tokenId: Id });
export const SeqParams = obj({ id: Id, seq: Type.String({ pattern: '^[0-9]{1,12}$' }) });
export const ProposalQuery = obj({
  status: Type.Optional(
    Type.Union([
      Type.Literal('open'),
      Type.Literal('passed'),
      Type.Literal('rejected'),
      Type.Literal('withdrawn'),
    ]),
  ),
});
export const LogQuery = obj({
  from: Type.Optional(Type.String({ pattern: '^[0-9]{1,12}$' })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
});
export const ProofQuery = obj({ size: Type.Optional(Type.String({ pattern: '^[0-9]{1,12}$' })) });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.String(),
    field: Type.Optional(
      Type.String({ description: 'The input at fault, as a path (`action.text`), when one field is' }),
    ),
    limit: Type.Optional(
      Type.Integer({
        description: 'The most characters the field may have, when the problem is that it has more',
      }),
    ),
    problems: Type.Optional(
      Type.Array(
        Type.Object({
          code: Type.String(),
          params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
          text: Type.String(),
        }),
        {
          description:
            "Each thing wrong, when there are several (an amendment that would lock the constitution in, or that its domains' modes forbid), each its own sentence",
        },
      ),
    ),
  },
  { $id: 'Problem', description: 'application/problem+json (RFC 9457) with a stable code' },
);

export type SignUpBody = Static<typeof SignUpBody>;
export type SignInBody = Static<typeof SignInBody>;
export type CreateCommonsBody = Static<typeof CreateCommonsBody>;
export type ApplyBody = Static<typeof ApplyBody>;
export type ProposalBody = Static<typeof ProposalBody>;
export type PositionBody = Static<typeof PositionBody>;
export type BallotBody = Static<typeof BallotBody>;
export type NominationBody = Static<typeof NominationBody>;
export type CommentBody = Static<typeof CommentBody>;
export type CommentEditBody = Static<typeof CommentEditBody>;
