// Every request and response schema of the API, in one place. They validate input before a handler runs
// and generate the OpenAPI 3.1 document.
import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import { ACTION_KINDS, LIMITS, PROCEDURE_TYPES, PROCEDURES, RatioSchema } from '@peergov/kernel';

/**
 * Text holds no NUL (PostgreSQL text and jsonb cannot store it) and no lone UTF-16 surrogate (it is not Unicode, and
 * the UTF-8 conversion on the way to the store would silently change it). Ajv compiles patterns with the u flag.
 */
export const TEXT_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*$';
const str = (max: number, extra: Record<string, unknown> = {}) =>
  Type.String({ maxLength: max, pattern: TEXT_PATTERN, ...extra });
const obj = <T extends Record<string, TSchema>>(props: T, opts: Record<string, unknown> = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });

export const Id = Type.String({ minLength: 1, maxLength: LIMITS.id, pattern: '^[A-Za-z0-9_-]+$' });
export const Iso = Type.String({ format: 'date-time' });
/** A fraction from 0 to 1 (the procedure registry's, in packages/kernel/src/procedures). */
export const Ratio = RatioSchema;
const ActionKind = Type.Union(ACTION_KINDS.map((k) => Type.Literal(k)));

// One schema per procedure type, from the kernel's procedure registry.
const procedures = PROCEDURE_TYPES.map((type) => PROCEDURES[type].schema);
/** A procedure, discriminated by `type` so that errors name the fields of the chosen kind. */
export const Procedure = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  oneOf: procedures,
  discriminator: { propertyName: 'type' },
  required: ['type'],
});

const Classes = Type.Array(Id, { maxItems: 20 });
const actions = [
  obj({
    kind: Type.Literal('admit_member'),
    email: Type.Optional(str(254, { format: 'email' })),
    accountId: Type.Optional(Id),
    displayName: Type.Optional(str(LIMITS.displayName)),
    classes: Type.Optional(Classes),
  }),
  obj({ kind: Type.Literal('remove_member'), accountId: Id }),
  obj({
    kind: Type.Literal('create_role'),
    roleId: Id,
    name: str(LIMITS.name),
    description: Type.Optional(str(LIMITS.purpose)),
    mandate: Type.Array(ActionKind, { maxItems: ACTION_KINDS.length }),
    termDays: Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()]),
  }),
  obj({
    kind: Type.Literal('change_role'),
    roleId: Id,
    name: Type.Optional(str(LIMITS.name)),
    description: Type.Optional(str(LIMITS.purpose)),
    mandate: Type.Optional(Type.Array(ActionKind, { maxItems: ACTION_KINDS.length })),
    termDays: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()])),
  }),
  obj({ kind: Type.Literal('assign_role'), roleId: Id, accountId: Id }),
  obj({ kind: Type.Literal('unassign_role'), roleId: Id, accountId: Id }),
  obj({ kind: Type.Literal('adopt_charter'), purpose: str(LIMITS.purpose), charter: str(LIMITS.charter) }),
  obj({
    kind: Type.Literal('amend_constitution'),
    rules: Type.Unsafe<Record<string, unknown>>({
      type: 'object',
      description: 'The rules to change: kind of action -> procedure',
      propertyNames: { enum: [...ACTION_KINDS] },
      additionalProperties: Procedure,
      minProperties: 1,
    }),
  }),
  obj({ kind: Type.Literal('resolution'), text: str(LIMITS.body) }),
];
export const ActionInput = Type.Unsafe<Record<string, unknown> & { kind: string }>({
  type: 'object',
  oneOf: actions,
  discriminator: { propertyName: 'kind' },
  required: ['kind'],
});

export const SignUpBody = obj({
  email: str(254, { format: 'email' }),
  password: str(200, { minLength: 8 }),
  displayName: str(LIMITS.displayName, { minLength: 1 }),
});
export const SignInBody = obj({ email: str(254), password: str(200) });
export const TokenBody = obj({ name: str(80, { minLength: 1 }) });

export const CreateCommonsBody = obj({
  name: str(LIMITS.name, { minLength: 1 }),
  purpose: Type.Optional(str(LIMITS.purpose)),
  charter: Type.Optional(str(LIMITS.charter)),
  template: Type.Union([
    Type.Literal('single-class'),
    Type.Literal('multi-stakeholder-coop'),
    Type.Literal('do-ocracy'),
  ]),
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
});
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

export const CommonsParams = obj({ id: Id });
export const ProposalParams = obj({ id: Id, pid: Id });
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
  },
  { $id: 'Problem', description: 'application/problem+json (RFC 9457) with a stable code' },
);

/** Standard error responses, documented on every route. */
export const errorResponses: Record<number, unknown> = {
  400: { $ref: 'Problem#' },
  401: { $ref: 'Problem#' },
  403: { $ref: 'Problem#' },
  404: { $ref: 'Problem#' },
  409: { $ref: 'Problem#' },
  422: { $ref: 'Problem#' },
};

export type SignUpBody = Static<typeof SignUpBody>;
export type SignInBody = Static<typeof SignInBody>;
export type CreateCommonsBody = Static<typeof CreateCommonsBody>;
export type ApplyBody = Static<typeof ApplyBody>;
export type ProposalBody = Static<typeof ProposalBody>;
export type PositionBody = Static<typeof PositionBody>;
export type CommentBody = Static<typeof CommentBody>;
