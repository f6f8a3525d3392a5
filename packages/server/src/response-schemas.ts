// What every operation of the API answers, status by status. Fastify serialises each reply with these
// (fast-json-stringify), the OpenAPI document shows them, and the web app takes its types from them
// (`Static<typeof ...>`, type-only). A field missing here is dropped from the reply: each schema is the view exactly.
//
// Union branches carry no `additionalProperties: false`: the serialiser picks a branch by validating the value
// against it, and a stored value with one field more must not turn a read into a 500.
import { Type, type Static, type TSchema, type TUnsafe } from '@fastify/type-provider-typebox';
import {
  ACTION_KINDS,
  ELECTION_METHODS,
  POLL_METHODS,
  POOL_KINDS,
  TEMPLATE_IDS,
  type Action,
  type ActionKind,
  type ChambersTally,
  type Counts,
  type MemberStatus as KernelMemberStatus,
  type Participation,
  type PollBallot,
  type PollTally,
  type Procedure,
  type Question,
  type ProposalStatus,
  type Reason,
  type ReplayOutcome,
  type Stance,
  type Tier,
  MODES,
  TIERS,
} from '@peergov/kernel';
import { DELIVERIES, NOTIFICATION_KINDS } from './notification-kinds';

export { DELIVERIES, NOTIFICATION_KINDS };
import type { Problem } from './problems';

const view = <T extends Record<string, TSchema>>(props: T, opts: Record<string, unknown> = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });
/**
 * A schema or null. A schema of one JSON type (string, integer, boolean, object, ...) becomes `type: [its type, 'null']`
 * (null added to its enum, if it has one), which fast-json-stringify serialises inline; an `anyOf` has it compile an
 * Ajv validator of the whole response schema on the first answer that takes the branch (300 to 900 ms on the first
 * commons page after a start, measured). Other schemas stay an `anyOf` with null.
 */
const nullable = <T extends TSchema>(schema: T): TUnsafe<Static<T> | null> => {
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  if (typeof plain.type !== 'string' || 'const' in plain)
    return Type.Unsafe<Static<T> | null>(Type.Union([schema, Type.Null()]));
  return Type.Unsafe<Static<T> | null>({
    ...plain,
    type: [plain.type, 'null'],
    ...(Array.isArray(plain.enum) ? { enum: [...(plain.enum as unknown[]), null] } : {}),
  });
};
const literals = <const T extends readonly string[]>(values: T) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

// Strings the API sends; not constrained like input, only described.
const Text = Type.String();
const Time = Type.String({ description: 'ISO 8601 date and time' });
export const PersonRefSchema = view({ accountId: Text, displayName: Text });

export const ActionKindSchema = literals(ACTION_KINDS);
export const StanceSchema = literals(['agree', 'abstain', 'disagree', 'block'] as const);
export const ProposalStatusSchema = literals(['open', 'passed', 'rejected', 'withdrawn'] as const);
export const MemberStatusSchema = literals(['applicant', 'member', 'left', 'removed', 'declined'] as const);
const Where = literals(['record', 'checkpoint', 'head', 'saved-checkpoint', 'document'] as const);

export const RatioViewSchema = Type.Object({ num: Type.Integer(), den: Type.Integer() });

/** A procedure of a type other than by_amount (what a band of a by_amount rule holds). */
const SingleProcedureViewSchema = Type.Union([
  Type.Object({ type: Type.Literal('automatic'), objectionHours: Type.Optional(Type.Integer()) }),
  Type.Object({
    type: Type.Literal('role'),
    objectionHours: Type.Integer(),
    excludeProposer: Type.Optional(
      Type.Boolean({ description: 'Separation of duties: a holder other than the proposer decides' }),
    ),
  }),
  Type.Object({ type: Type.Literal('consent'), hours: Type.Integer() }),
  Type.Object({ type: Type.Literal('consensus'), hours: Type.Integer(), minParticipation: RatioViewSchema }),
  Type.Object({
    type: Type.Literal('vote'),
    hours: Type.Integer(),
    threshold: RatioViewSchema,
    strict: Type.Boolean(),
    quorum: RatioViewSchema,
    abstentions: literals(['quorum_only', 'ignored', 'against'] as const),
    delegation: Type.Optional(
      Type.Boolean({ description: 'Members may delegate their vote (liquid delegation)' }),
    ),
  }),
  Type.Object({
    type: Type.Literal('poll'),
    hours: Type.Integer(),
    method: literals(POLL_METHODS),
    min: Type.Optional(Type.Integer()),
    max: Type.Optional(Type.Integer()),
    points: Type.Optional(Type.Integer()),
    credits: Type.Optional(Type.Integer()),
  }),
  Type.Object({
    type: Type.Literal('chambers'),
    hours: Type.Integer(),
    chambers: Type.Array(
      Type.Object({
        classId: Text,
        rule: Type.Union([
          Type.Object({
            type: Type.Literal('vote'),
            threshold: RatioViewSchema,
            strict: Type.Boolean(),
            quorum: RatioViewSchema,
            abstentions: literals(['quorum_only', 'ignored', 'against'] as const),
          }),
          Type.Object({ type: Type.Literal('consent') }),
          Type.Object({ type: Type.Literal('consensus'), minParticipation: RatioViewSchema }),
        ]),
        weight: Type.Optional(Type.Integer({ description: 'With weighted: the class weight' })),
        veto: Type.Optional(
          Type.Boolean({ description: 'A majority of its votes cast against (disagree, block) vetoes' }),
        ),
      }),
      { description: 'One chamber per stakeholder class, each with its own rule' },
    ),
    weighted: Type.Optional(
      Type.Object(
        { threshold: RatioViewSchema, strict: Type.Boolean() },
        { description: "The weighted share of agree the classes' weights must also reach" },
      ),
    ),
  }),
  Type.Object({
    type: Type.Literal('election'),
    nominationHours: Type.Integer({
      description: '0: nominations stay open until the proposer opens the ballot',
    }),
    hours: Type.Integer(),
    method: literals(ELECTION_METHODS),
  }),
]);
// Resources (issue 15): a rule by amount, its bands' procedures of the other types.
const BandProcedure = Type.Unsafe<Procedure>(SingleProcedureViewSchema);
/** A procedure as stored: one of the procedure types, told apart by `type`. */
export const ProcedureViewSchema = Type.Union([
  ...SingleProcedureViewSchema.anyOf,
  Type.Object({
    type: Type.Literal('by_amount'),
    unit: Type.Optional(Type.Object({ code: Text, exponent: Type.Integer() })),
    bands: Type.Array(
      Type.Object({
        upTo: Type.Integer({ description: 'In minor units: amounts up to this are decided by `procedure`' }),
        procedure: BandProcedure,
      }),
    ),
    otherwise: BandProcedure,
  }),
]);

/** A poll's question: its options in the order ballots show them. */
export const QuestionViewSchema = view({
  options: Type.Array(view({ id: Text, label: Text, statusQuo: Type.Boolean() })),
});
const OptionValue = view({ option: Text, value: Type.Integer() });
/** A ballot on a poll, as the kernel keeps it (one of three shapes, by method). */
export const BallotViewSchema = Type.Union([
  Type.Object({ ranking: Type.Array(Text) }, { description: 'schulze, irv: most preferred first' }),
  Type.Object({ approve: Type.Array(Text) }, { description: 'approval' }),
  Type.Object({ values: Type.Array(OptionValue) }, { description: 'score, dots, quadratic' }),
]);
const Decimal = Type.String({ description: 'A decimal number, as RCTab reports it' });
/** A poll's count: the winners and the method's explanation. */
export const PollTallyViewSchema = view({
  method: literals(POLL_METHODS),
  ballots: Type.Integer(),
  winners: Type.Array(Text, { description: 'Option ids; several when tied, none when no ballot counted' }),
  totals: Type.Array(view({ option: Text, total: Text }), {
    description:
      'approval, score, dots: totals; quadratic: net votes; schulze: head-to-head wins; irv: first-round votes',
  }),
  ranking: Type.Array(Type.Array(Text), { description: 'Options best first; a group is tied' }),
  rounds: Type.Array(
    view({
      round: Type.Integer(),
      tally: Type.Array(view({ option: Text, votes: Decimal })),
      threshold: Decimal,
      elected: Type.Array(Text),
      eliminated: Type.Array(Text),
      transfers: Type.Array(
        view({ from: Text, to: nullable(Text), votes: Decimal }, { description: 'to null: exhausted' }),
      ),
      exhausted: Decimal,
    }),
    { description: 'irv: every round of the instant-runoff count (empty for other methods)' },
  ),
  pairwise: Type.Array(Type.Array(Type.Integer()), {
    description: "schulze: [i][j] ballots ranking option i above option j, in the question's order",
  }),
  explanation: Type.Array(Text),
});

/** An election's count: the elected in order, the quota and each round (votes, elected, excluded, transfers). */
export const ElectionTallyViewSchema = view({
  method: literals(ELECTION_METHODS),
  seats: Type.Integer(),
  ballots: Type.Integer(),
  elected: Type.Array(Text, { description: 'Account ids, in the order they were elected' }),
  tied: Type.Array(Text, {
    description: 'Schulze: candidates it could not separate (then no one is elected)',
  }),
  quota: nullable(Decimal),
  rounds: Type.Array(
    view({
      round: Type.Integer(),
      tally: Type.Array(view({ candidate: Text, votes: Decimal })),
      elected: Type.Array(Text),
      excluded: Type.Array(Text),
      transfers: Type.Array(
        view(
          { from: Text, to: nullable(Text), votes: Decimal },
          { description: 'to null: non-transferable' },
        ),
        { description: 'Votes moved at the end of the round' },
      ),
      nonTransferable: Decimal,
    }),
    { description: 'irv, stv, scottish_stv: every round or stage of the count (empty for Schulze)' },
  ),
  pairwise: Type.Array(Type.Array(Type.Integer()), {
    description: "schulze: [i][j] ballots ranking candidate i above candidate j, in the candidates' order",
  }),
  explanation: Type.Array(Text),
});
export const DelegationScopeViewSchema = Type.Union([
  Type.Object({ type: Type.Literal('commons') }),
  Type.Object({ type: Type.Literal('kind'), kind: ActionKindSchema }),
  Type.Object({ type: Type.Literal('proposal'), proposalId: Text }),
]);
/** Under delegation: each direct voter's weight and each delegator's chain, as LiquidFeedback resolves them. */
export const DelegationTallyViewSchema = view({
  weights: Type.Array(view({ member: Text, weight: Type.Integer() }), {
    description: 'Each direct voter: their own vote and every vote delegated to them',
  }),
  chains: Type.Array(
    view({
      member: Text,
      scope: literals(['commons', 'kind', 'proposal'] as const),
      chain: Type.Array(Text),
    }),
    { description: 'Each delegator whose vote counted: the chain of delegates to the direct voter' },
  ),
  notCounted: Type.Array(view({ member: Text, reason: Text }), {
    description: 'Delegators whose vote counted for no one: cycle, chain_ends_at_non_voter, ...',
  }),
});
/** A member's delegations: the ones they gave and the ones given to them. */
export const DelegationsViewSchema = view({
  mine: Type.Array(view({ trustee: PersonRefSchema, scope: DelegationScopeViewSchema, since: Time })),
  toMe: Type.Array(view({ truster: PersonRefSchema, scope: DelegationScopeViewSchema, since: Time })),
});
/** An election's nominations: who is nominated, by whom, and whether they accepted. */
export const ElectionViewSchema = view({
  nominationsCloseAt: nullable(Time),
  ballotOpenedAt: nullable(Time),
  candidates: Type.Array(view({ accountId: Text, nominatedBy: Text, accepted: Type.Boolean(), at: Time }), {
    description: 'In order of nomination; only accepted candidates stand',
  }),
});

/** Every kind of action, each with its procedure: a constitution's rules. */
// Typed by string (as the commons view builds it); every kind is there, as the schema says.
export const RulesViewSchema = Type.Unsafe<{ [kind: string]: Procedure }>(
  Type.Object(Object.fromEntries(ACTION_KINDS.map((k) => [k, ProcedureViewSchema]))),
);
/** Some kinds of action, each with its new procedure: an amendment. */
export const RulesChangeSchema = Type.Unsafe<Partial<Record<ActionKind, Procedure>>>(
  Type.Object(Object.fromEntries(ACTION_KINDS.map((k) => [k, Type.Optional(ProcedureViewSchema)]))),
);

// Resources (issue 15): a pool as created, its unit and usage rules.
const Amount = Type.String({ description: 'Minor units as decimal digits (a leading - for a debit)' });
export const UnitViewSchema = Type.Object({ code: Text, exponent: Type.Integer() });
export const UsageViewSchema = Type.Object({
  who: Type.Union([
    Type.Object({ who: Type.Literal('members') }),
    Type.Object({ who: Type.Literal('roles'), roles: Type.Array(Text) }),
  ]),
  maxAheadDays: Type.Integer(),
  maxMinutes: Type.Integer(),
  cost: nullable(Type.Object({ poolId: Text, perHour: Amount })),
});
export const PoolSpecViewSchema = Type.Object({
  id: Text,
  name: Text,
  description: Text,
  kind: literals(POOL_KINDS),
  unit: nullable(UnitViewSchema),
  floor: Amount,
  usage: nullable(UsageViewSchema),
});
const TierSchema = literals(TIERS);
/** Tiers and entrenchment: the procedure of each tier above the operational, kinds placed by name. */
export const TiersViewSchema = view({
  procedures: view({
    policy: ProcedureViewSchema,
    constitutional: ProcedureViewSchema,
    entrenched: ProcedureViewSchema,
  }),
  entrenchedBy: nullable(ProcedureViewSchema),
  kinds: Type.Optional(
    Type.Unsafe<Partial<Record<ActionKind, Tier>>>(
      Type.Object(Object.fromEntries(ACTION_KINDS.map((k) => [k, Type.Optional(TierSchema)]))),
    ),
  ),
});
/** A domain: kinds of action with one mode of coordination and, optionally, a tier. */
export const DomainViewSchema = view({
  id: Text,
  name: Text,
  mode: literals(MODES),
  tier: Type.Optional(TierSchema),
  kinds: Type.Array(ActionKindSchema),
});
/** One line of an amendment's plain-language difference (the web app says it in its language from the data). */
export const DiffLineSchema = view({
  code: Text,
  params: Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' } }),
  before: Type.Optional(nullable(ProcedureViewSchema)),
  after: Type.Optional(nullable(ProcedureViewSchema)),
  text: Text,
});
/** A reason something is refused, or the like: a stable code, what it is about, an English sentence. */
export const ProblemLineSchema = view({
  code: Text,
  params: Type.Unsafe<Record<string, string | number>>({ type: 'object', additionalProperties: true }),
  text: Text,
});
/** A draft amendment previewed: its difference, the procedure that would decide it, what would refuse it. */
export const AmendmentPreviewSchema = view({
  lines: Type.Array(DiffLineSchema),
  procedure: nullable(ProcedureViewSchema),
  tier: nullable(TierSchema),
  problems: Type.Array(ProblemLineSchema),
});

/** An action as the kernel keeps it (an invitation by email names the account by then). */
export const ActionViewSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('admit_member'),
    accountId: Text,
    displayName: Text,
    classes: Type.Array(Text),
  }),
  Type.Object({ kind: Type.Literal('remove_member'), accountId: Text }),
  Type.Object({
    kind: Type.Literal('create_role'),
    roleId: Text,
    name: Text,
    description: Text,
    mandate: Type.Array(ActionKindSchema),
    termDays: nullable(Type.Integer()),
  }),
  Type.Object({
    kind: Type.Literal('change_role'),
    roleId: Text,
    name: Type.Optional(Text),
    description: Type.Optional(Text),
    mandate: Type.Optional(Type.Array(ActionKindSchema)),
    termDays: Type.Optional(nullable(Type.Integer())),
  }),
  Type.Object({ kind: Type.Literal('assign_role'), roleId: Text, accountId: Text }),
  Type.Object({ kind: Type.Literal('unassign_role'), roleId: Text, accountId: Text }),
  Type.Object({ kind: Type.Literal('adopt_charter'), purpose: Text, charter: Text }),
  Type.Object({
    kind: Type.Literal('amend_constitution'),
    rules: RulesChangeSchema,
    tiers: Type.Optional(nullable(TiersViewSchema)),
    domains: Type.Optional(nullable(Type.Array(DomainViewSchema))),
  }),
  Type.Object({ kind: Type.Literal('resolution'), text: Text }),
  Type.Object({ kind: Type.Literal('elect_role'), roleId: Text, seats: Type.Integer() }),
  // Resources (issue 15)
  Type.Object({ kind: Type.Literal('create_pool'), pool: PoolSpecViewSchema }),
  Type.Object({
    kind: Type.Literal('record_income'),
    poolId: Text,
    amount: Amount,
    source: Text,
    evidence: Text,
  }),
  Type.Object({
    kind: Type.Literal('spend'),
    poolId: Text,
    amount: Amount,
    to: Type.Union([Type.Object({ member: Text }), Type.Object({ outside: Text })]),
    purpose: Text,
  }),
  Type.Object({
    kind: Type.Literal('book'),
    poolId: Text,
    bookingId: Text,
    accountId: Text,
    from: Time,
    until: Time,
  }),
  Type.Object({ kind: Type.Literal('cancel_booking'), poolId: Text, bookingId: Text }),
]);

/** Whether what the server shows of a commons is what its log proves; when not, the commons is read-only. */
export const IntegritySchema = Type.Union([
  Type.Object({ ok: Type.Literal(true) }),
  Type.Object({ ok: Type.Literal(false), where: Where, seq: nullable(Type.Integer()), reason: Text }),
]);

export const AccountViewSchema = view({
  id: Text,
  email: Text,
  displayName: Text,
  createdAt: Time,
  locale: nullable(Text),
  instanceAdmin: Type.Boolean(),
});
export const SessionViewSchema = view({ account: nullable(AccountViewSchema), csrfToken: nullable(Text) });
export const SignedInSchema = view({ account: AccountViewSchema, csrfToken: Text });
export const TokenViewSchema = view({ id: Text, name: Text, createdAt: Time });
export const NewTokenSchema = view(
  { id: Text, name: Text, token: Text },
  { description: 'The token itself is shown only here, once.' },
);

export const HealthSchema = view({
  status: Type.Literal('ok'),
  store: literals(['sqlite', 'postgres'] as const),
});
export const SetupSchema = view({ accounts: Type.Integer(), commons: Type.Integer() });
export const StakeholderClassSchema = view({
  id: Text,
  name: Text,
  description: Text,
  speaksFor: nullable(Text),
});
export const RuleTextSchema = view({ kind: ActionKindSchema, label: Text, text: Text });
export const ReasonSchema = view({
  code: Text,
  params: Type.Unsafe<Record<string, string | number>>({
    type: 'object',
    additionalProperties: true,
    description: 'The numbers and names the reason is about, by name',
  }),
  text: Text,
});
// --- rules for rules: triggers, review dates, sunsets, reviews ---
/** When a trigger fires. */
export const TriggerConditionSchema = Type.Union([
  Type.Object({ type: Type.Literal('members'), atLeast: Type.Integer() }),
  Type.Object({ type: Type.Literal('date'), at: Time }),
  Type.Object({ type: Type.Literal('class_size'), classId: Text, atLeast: Type.Integer() }),
  Type.Object({ type: Type.Literal('mandate_lapse'), roleId: Text, days: Type.Integer() }),
]);
/** A rule that changes itself: its condition, the rules it puts in place, when it falls due (dates) and in words. */
export const TriggerViewSchema = view({
  id: Text,
  when: TriggerConditionSchema,
  rules: RulesChangeSchema,
  dueAt: nullable(Time),
  text: Type.String({ description: 'The trigger in one plain English sentence' }),
});
export const SunsetViewSchema = view({
  kind: ActionKindSchema,
  at: Time,
  fallback: ProcedureViewSchema,
});
/** What changed the constitution to this version, when no proposal did: a trigger or a sunset. */
const ChangedBySchema = nullable(
  view({ by: literals(['trigger', 'sunset'] as const), id: Text, reason: ReasonSchema }),
);
const RulesForRules = {
  triggers: Type.Array(TriggerViewSchema),
  reviews: Type.Array(view({ kind: ActionKindSchema, at: Time })),
  sunsets: Type.Array(SunsetViewSchema),
  changedBy: ChangedBySchema,
};
const ReviewAnswerSchema = literals(['yes', 'partly', 'no'] as const);
/** A review of a rule or a decision: what was decided, under which rule, since when, what happened since, answers. */
export const ReviewViewSchema = view({
  id: Text,
  subject: view({
    type: literals(['rule', 'decision'] as const),
    kind: ActionKindSchema,
    proposalId: nullable(Text),
  }),
  title: Type.String({ description: 'What is under review, in plain English' }),
  openedAt: Time,
  ruleVersion: Type.Integer(),
  procedure: nullable(ProcedureViewSchema),
  since: Time,
  decisions: Type.Array(
    view({
      id: Text,
      title: Text,
      status: ProposalStatusSchema,
      decidedAt: nullable(Time),
      passed: Type.Boolean(),
    }),
    {
      description:
        'The decisions taken under the rule since it came into force (for a decision: itself), newest first, at most 50',
    },
  ),
  decisionCount: Type.Integer(),
  counts: view({ yes: Type.Integer(), partly: Type.Integer(), no: Type.Integer() }),
  answers: Type.Array(
    view({ accountId: Text, displayName: Text, answer: ReviewAnswerSchema, comment: Text, at: Time }),
  ),
  mine: nullable(ReviewAnswerSchema),
  canAnswer: Type.Boolean(),
});
export const ReviewListSchema = view({ items: Type.Array(ReviewViewSchema) });
// --- end of rules for rules ---

const RoleCore = {
  id: Text,
  name: Text,
  description: Text,
  mandate: Type.Array(ActionKindSchema),
  termDays: nullable(Type.Integer()),
};
export const TemplateSchema = view({
  id: literals(TEMPLATE_IDS),
  name: Text,
  description: Text,
  suits: Type.String({ description: 'When it suits a group (English; the web app translates)' }),
  givesUp: Type.String({ description: 'What a group gives up by choosing it' }),
  triggers: Type.Array(TriggerViewSchema),
  classes: Type.Array(StakeholderClassSchema),
  rules: RulesViewSchema,
  roles: Type.Array(view(RoleCore)),
  rulesText: Type.Array(RuleTextSchema),
});

export const CommonsSummarySchema = view({
  myStatus: nullable(MemberStatusSchema),
  id: Text,
  name: Text,
  purpose: Text,
  template: Text,
  memberCount: Type.Integer(),
  openProposals: Type.Integer(),
  createdAt: Time,
});
/** One page of a list: its items, the cursor of the next page (null on the last) and how many match in all. */
const pageOf = <T extends TSchema>(item: T, description: string) =>
  view(
    {
      items: Type.Array(item),
      next: nullable(Text),
      total: Type.Integer({ description: 'How many items match in all (on every page)' }),
    },
    { description },
  );
const NEXT = 'Pass `next` as `after` for the next page.';

export const MemberViewSchema = view({
  accountId: Text,
  displayName: Text,
  classes: Type.Array(Text),
  status: MemberStatusSchema,
  since: Time,
  roles: Type.Array(Text, { description: 'Ids of the roles the member holds' }),
});
export const MemberPageSchema = pageOf(
  MemberViewSchema,
  `Members by display name (ignoring case), then account id. ${NEXT}`,
);
const MemberStatusCounts = view({
  applicant: Type.Integer(),
  member: Type.Integer(),
  left: Type.Integer(),
  removed: Type.Integer(),
  declined: Type.Integer(),
});
export const MemberCountsSchema = view(
  {
    byStatus: MemberStatusCounts,
    byClass: Type.Array(view({ classId: Text, members: Type.Integer() }), {
      description: "Current members in each of the commons' classes, in the order of `classes`",
    }),
  },
  { description: 'How many people the commons has in each status and class (`GET .../members` lists them)' },
);
export const RoleHolderViewSchema = view({
  accountId: Text,
  since: Time,
  until: nullable(Time),
  displayName: Text,
});
export const RoleViewSchema = view({ ...RoleCore, holders: Type.Array(RoleHolderViewSchema) });
const ConstitutionVersion = { version: Type.Integer(), adoptedAt: Time, adoptedBy: nullable(Text) };

const MembersOrRoles = Type.Union([
  Type.Object({ who: Type.Literal('members') }),
  Type.Object({ who: Type.Literal('roles'), roles: Type.Array(Text) }),
]);
/** Who may take part in what, as the constitution says (today's behaviour where it says nothing). */
export const ParticipationViewSchema = view({
  propose: MembersOrRoles,
  comment: MembersOrRoles,
  withdraw: Type.Object({ who: Type.Literal('proposer') }),
  see: Type.Object({ who: Type.Literal('anyone') }),
  invite: Type.Optional(MembersOrRoles),
});
export const ParticipationTextSchema = view({
  part: literals(['propose', 'comment', 'withdraw', 'see', 'invite'] as const),
  text: Text,
});
export const CommonsViewSchema = view({
  id: Text,
  name: Text,
  purpose: Text,
  charter: Text,
  template: Text,
  createdAt: Time,
  classes: Type.Array(StakeholderClassSchema),
  memberCounts: MemberCountsSchema,
  roles: Type.Array(RoleViewSchema),
  constitution: view({
    ...ConstitutionVersion,
    rules: RulesViewSchema,
    text: Type.Array(RuleTextSchema),
    participation: ParticipationViewSchema,
    participationText: Type.Array(ParticipationTextSchema, {
      description: 'Who may take part in what, one plain English sentence each',
    }),
    ...RulesForRules,
    tiers: nullable(TiersViewSchema),
    domains: Type.Array(DomainViewSchema),
    placement: Type.Array(
      view({ kind: ActionKindSchema, domain: nullable(Text), tier: nullable(TierSchema) }),
      { description: "Each kind of action's domain (its id) and tier (null without tiers)" },
    ),
  }),
  history: Type.Array(view({ ...ConstitutionVersion, changedBy: ChangedBySchema })),
  me: nullable(
    view({
      accountId: Text,
      displayName: Text,
      status: MemberStatusSchema,
      classes: Type.Array(Text),
      since: Time,
      roles: Type.Array(Text),
    }),
  ),
  can: view(
    { propose: Type.Boolean(), leave: Type.Boolean(), invite: Type.Boolean() },
    { description: 'What the caller may do here, as the constitution answers it' },
  ),
  integrity: IntegritySchema,
});

export const ProposalSummarySchema = view({
  id: Text,
  title: Text,
  kind: ActionKindSchema,
  proposer: PersonRefSchema,
  openedAt: Time,
  closesAt: Time,
  status: ProposalStatusSchema,
  passed: nullable(Type.Boolean()),
  positionCount: Type.Integer(),
  commentCount: Type.Integer(),
  procedure: ProcedureViewSchema,
});
export const CountsSchema = view({
  agree: Type.Integer(),
  abstain: Type.Integer(),
  disagree: Type.Integer(),
  block: Type.Integer(),
  electorate: Type.Integer(),
  participants: Type.Integer(),
});
/** Under chambers: each chamber's count and reasons, and the weighted share when the classes are weighted. */
export const ChambersTallyViewSchema = view({
  chambers: Type.Array(
    view({
      classId: Text,
      weight: Type.Integer(),
      veto: Type.Boolean(),
      counts: CountsSchema,
      passed: Type.Boolean(),
      vetoed: Type.Boolean(),
      reasons: Type.Array(ReasonSchema),
    }),
  ),
  weighted: nullable(
    view({
      share: Type.String({ description: 'An exact fraction' }),
      approx: Type.String({ description: 'A decimal approximation, for display' }),
      threshold: Text,
      met: Type.Boolean(),
    }),
  ),
});
export const OutcomeSchema = view({
  passed: Type.Boolean(),
  ruleVersion: Type.Integer(),
  procedure: ProcedureViewSchema,
  participants: Type.Array(Text, { description: 'Account ids of those who took a position' }),
  counts: CountsSchema,
  reasons: Type.Array(ReasonSchema),
  decidedAt: Time,
  decidedBy: nullable(Text),
  poll: Type.Optional(PollTallyViewSchema),
  chambers: Type.Optional(ChambersTallyViewSchema),
  election: Type.Optional(ElectionTallyViewSchema),
  delegation: Type.Optional(DelegationTallyViewSchema),
});
/** A decision as recorded or as a draft would have taken it (replay): the procedure, the counts and why. */
export const ReplayOutcomeSchema = view({
  passed: Type.Boolean(),
  procedure: ProcedureViewSchema,
  counts: CountsSchema,
  reasons: Type.Array(ReasonSchema),
  decidedBy: nullable(Text),
  poll: Type.Optional(PollTallyViewSchema),
  chambers: Type.Optional(ChambersTallyViewSchema),
});
const NOT_REPLAYABLE = [
  'role_never_acted',
  'no_question',
  'ballots_not_positions',
  'ballots_do_not_fit',
] as const;
/** POST /api/v1/commons/:id/replay and GET .../proposals/:pid/replay: the history replayed under a draft. */
export const ReplaySchema = view(
  {
    rules: RulesChangeSchema,
    summary: view({
      decided: Type.Integer({ description: 'Decided proposals in the history (passed or rejected)' }),
      unchanged: Type.Integer({ description: 'Of those, decided by the rule the draft gives their kind' }),
      replayed: Type.Integer({ description: 'Counted again under the rule the draft gives their kind' }),
      differ: Type.Integer({ description: 'Of those, how many would have gone the other way' }),
      notReplayable: Type.Integer({ description: 'Decided proposals that could not be counted again' }),
    }),
    differences: Type.Array(
      view({
        proposalId: Text,
        title: Text,
        kind: ActionKindSchema,
        decidedAt: Time,
        ruleVersion: Type.Integer({ description: 'The constitution version it was decided under' }),
        question: Type.Optional(QuestionViewSchema),
        recorded: ReplayOutcomeSchema,
        draft: ReplayOutcomeSchema,
      }),
      { description: 'The outcomes that would have differed, in the order they were decided: one page' },
    ),
    total: Type.Integer({ description: 'How many differ in all (summary.differ)' }),
    offset: Type.Integer(),
    next: nullable(Type.Integer({ description: 'The offset of the next page, or null on the last' })),
    notReplayable: Type.Array(
      view({
        proposalId: Text,
        title: Text,
        kind: ActionKindSchema,
        code: literals(NOT_REPLAYABLE),
        reason: Text,
      }),
      {
        description:
          'The first of the proposals that could not be replayed (summary.notReplayable: all of them)',
      },
    ),
    people: Type.Array(PersonRefSchema, {
      description: 'The people the decisions name, with their display names',
    }),
  },
  {
    description:
      "Each decided proposal of a kind the draft changes, counted again under the draft's rule from its positions and ballots at the close, as if that rule had always been in force; differences paged by `offset` and `limit`.",
  },
);
export const PositionViewSchema = view({
  accountId: Text,
  stance: StanceSchema,
  reason: Text,
  at: Time,
  counted: Type.Boolean({
    description:
      'Whether it is in the counts: its author is in the electorate (a holder outside it only decides)',
  }),
  ballot: Type.Optional(BallotViewSchema),
  displayName: Text,
});
const CommentFields = {
  id: Text,
  proposalId: Text,
  accountId: Text,
  text: Type.String({ description: 'Markdown; empty once deleted' }),
  replyTo: nullable(Text),
  at: Time,
  displayName: Text,
  /** When its text last changed. */
  editedAt: nullable(Time),
  editCount: Type.Integer({ minimum: 0 }),
  /** When its author deleted it. */
  deletedAt: nullable(Time),
  mentions: Type.Array(Type.Object({ accountId: Text, displayName: Text }), {
    description: 'The members its `@[label](accountId)` mentions name, with their display names here',
  }),
};
export const CommentViewSchema = view(CommentFields);
export const CommentDetailSchema = view({
  ...CommentFields,
  history: Type.Array(Type.Object({ text: Text, until: Time }), {
    description: 'Its earlier texts, oldest first, each with when it was replaced (empty once deleted)',
  }),
});
export const PositionPageSchema = pageOf(
  PositionViewSchema,
  `Positions oldest first: by when each was last taken (a changed position moves to the end), then account id. ${NEXT}`,
);
export const CommentPageSchema = pageOf(CommentViewSchema, `Comments in the order they were posted. ${NEXT}`);
export const ProposalViewSchema = view({
  id: Text,
  title: Text,
  body: Text,
  action: ActionViewSchema,
  question: Type.Optional(QuestionViewSchema),
  election: Type.Optional(ElectionViewSchema),
  proposer: PersonRefSchema,
  openedAt: Time,
  closesAt: Time,
  ruleVersion: Type.Integer(),
  procedure: ProcedureViewSchema,
  electorate: Type.Integer({ description: 'How many members may take a position' }),
  /** The electorate's positions so far, by stance (what the procedure decides on). */
  counts: CountsSchema,
  status: ProposalStatusSchema,
  outcome: nullable(OutcomeSchema),
  execution: nullable(view({ done: Type.Boolean(), error: nullable(Text) })),
  positionCount: Type.Integer(),
  commentCount: Type.Integer(),
  procedureText: Text,
  replay: nullable(
    Type.String({
      description:
        "An amendment's replay: the address of its rules replayed against the commons' history, null for other kinds",
    }),
  ),
  amendment: nullable(
    view(
      { lines: Type.Array(DiffLineSchema), tier: nullable(TierSchema) },
      {
        description:
          'An amendment: the plain-language difference from the constitution it was proposed under, and the highest tier it touches',
      },
    ),
  ),
  people: Type.Array(PersonRefSchema, {
    description: 'The people the action and the decision name (by account id), with their display names',
  }),
  positions: PositionPageSchema,
  comments: CommentPageSchema,
  myPosition: nullable(
    view({
      stance: StanceSchema,
      reason: Text,
      at: Time,
      counted: Type.Boolean(),
      ballot: Type.Optional(BallotViewSchema),
    }),
  ),
  canTakePosition: Type.Boolean(),
  canComment: Type.Boolean(),
  canWithdraw: Type.Boolean(),
  decidesAsRole: Type.Boolean({
    description:
      'Under a role procedure, whether the caller holds a role whose mandate decides this open proposal: their ' +
      'position is the decision (agree approves it, disagree refuses it)',
  }),
  integrity: IntegritySchema,
});

export const CheckpointBodySchema = view({
  commons: Text,
  size: Type.Integer(),
  root: Text,
  time: Time,
});
export const SignedCheckpointSchema = view({
  checkpoint: CheckpointBodySchema,
  signature: Text,
  keyId: Text,
});
const StoredCheckpointSchema = view({ ...CheckpointBodySchema.properties, signature: Text, keyId: Text });
export const LogRecordSchema = view({
  seq: Type.Integer(),
  v: nullable(
    Type.Integer({
      description:
        "The record format's version: which shape of the event catalogue `data` is in (null if undecodable)",
    }),
  ),
  type: Text,
  at: Time,
  actor: nullable(Text),
  hash: Text,
  prev: Text,
  data: Type.Unknown({ description: "The event's data (null for a record that cannot be decoded)" }),
  error: Type.Optional(Text),
  actorName: nullable(
    Type.String({
      description:
        'The display name of the actor, when a person acted; null for the platform and for what a decision carried out',
    }),
  ),
  decision: nullable(
    Type.Object(
      { proposalId: Text, title: nullable(Text) },
      {
        additionalProperties: false,
        description:
          'The decision (the proposal) that carried out this event, when a decision did: it is the actor, whoever ' +
          'took the position that settled it (the record keeps that account as signed, in `actor`)',
      },
    ),
  ),
});
export const LogPageSchema = view({ size: Type.Integer(), records: Type.Array(LogRecordSchema) });
export const VerificationSchema = Type.Union([
  Type.Object({
    ok: Type.Literal(true),
    size: Type.Integer(),
    root: Text,
    checkpoint: nullable(StoredCheckpointSchema),
    consistency: Type.Optional(
      Type.Object({
        fromSize: Type.Integer(),
        fromRoot: Text,
        toSize: Type.Integer(),
        toRoot: Text,
        proof: Type.Array(Text),
      }),
    ),
    docsNotCompared: Type.Optional(
      Type.String({
        description:
          'Set when the log kept growing while the read-model documents were read: the records were verified, the documents (of a newer state) not compared, and why',
      }),
    ),
  }),
  Type.Object({
    ok: Type.Literal(false),
    where: Where,
    seq: nullable(Type.Integer()),
    reason: Text,
    doc: Type.Optional(
      Type.Object(
        { kind: Text, id: Text },
        { description: 'For a document fault: the document that differs, is missing or is extra' },
      ),
    ),
  }),
]);
export const CheckpointAnswerSchema = view({
  ...SignedCheckpointSchema.properties,
  publicKey: Type.String({ description: "The instance's Ed25519 public key, SPKI PEM" }),
});
export const InclusionProofSchema = view({
  seq: Type.Integer(),
  size: Type.Integer(),
  leafHash: Text,
  proof: Type.Array(Text),
  root: Text,
});
export const ConsistencyAnswerSchema = view({
  from: Type.Integer(),
  to: Type.Integer(),
  proof: Type.Array(Text, { description: 'RFC 9162 consistency proof, hex hashes' }),
  checkpoint: SignedCheckpointSchema,
  publicKey: Type.String({ description: "The instance's Ed25519 public key, SPKI PEM" }),
});

export const SignUpAcceptedSchema = view(
  { status: Type.Literal('accepted'), detail: Text },
  {
    description:
      'The same answer whether or not the email already had an account (which it must not tell): sign in next, ' +
      'with the same email and password. For an email that had an account with another password, that sign-in ' +
      'fails with 401 invalid_credentials.',
  },
);
/** The answer to a request whose outcome must not tell whether an address has an account. */
export const AcceptedSchema = view(
  { status: Type.Literal('accepted'), detail: Text },
  { description: 'The same answer whether or not the address has an account.' },
);
export const InvitationViewSchema = view({
  id: Text,
  email: nullable(Text),
  classes: Type.Array(Text),
  invitedBy: Text,
  createdAt: Time,
  expiresAt: Time,
  acceptedAt: nullable(Time),
});
export const NewInvitationSchema = view(
  {
    invitation: InvitationViewSchema,
    url: Text,
    mailed: Type.Boolean(),
  },
  { description: 'The link carries the invitation’s secret and is shown only here, once.' },
);
export const InvitationPreviewSchema = view(
  {
    commons: view({ id: Text, name: Text, purpose: Text }),
    inviter: Text,
    email: nullable(Text),
    classes: Type.Array(Text),
    expiresAt: Time,
    status: literals(['open', 'used', 'expired'] as const),
  },
  { description: 'What an invitation link offers, for the person who holds it.' },
);
export const InvitationAcceptedSchema = view({ commonsId: Text, proposalId: Text });
export const OutboxMailSchema = view({
  id: Text,
  to: Text,
  subject: Text,
  text: Text,
  html: Text,
  kind: Text,
  createdAt: Time,
});
export const OutboxSchema = view(
  { via: literals(['smtp', 'outbox'] as const), items: Type.Array(OutboxMailSchema) },
  {
    description:
      'Mail kept instead of sent (no SMTP server configured), newest first. With SMTP (`via: "smtp"`) it stays empty.',
  },
);

export const NotificationKindSchema = literals(NOTIFICATION_KINDS);
export const DeliverySchema = literals(DELIVERIES);
export const NotificationViewSchema = view({
  id: Text,
  kind: NotificationKindSchema,
  commonsId: Text,
  proposalId: nullable(Text),
  createdAt: Time,
  readAt: nullable(Time),
  data: view(
    {
      commonsName: Text,
      proposalTitle: Type.Optional(Text),
      actorName: Type.Optional(Text),
      outcome: Type.Optional(literals(['passed', 'rejected', 'withdrawn'] as const)),
      roleName: Type.Optional(Text),
      closesAt: Type.Optional(Time),
      commentId: Type.Optional(Text),
    },
    { description: 'What it shows, copied when it was made (names and titles as they were then).' },
  ),
});
export const NotificationPageSchema = view(
  {
    items: Type.Array(NotificationViewSchema),
    unread: Type.Integer({
      description: 'How many of your notifications are unread (all of them, not this page).',
    }),
    next: nullable(Text),
  },
  { description: 'Your notifications, newest first; `next` is the `before` of the next page, or null.' },
);
export const UnreadSchema = view({ unread: Type.Integer() });
export const NotificationSettingsSchema = view(
  {
    settings: view(
      Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, DeliverySchema])) as Record<
        (typeof NOTIFICATION_KINDS)[number],
        typeof DeliverySchema
      >,
    ),
  },
  {
    description:
      'For each kind: `off`, `in_app`, `email` (in the app and mailed at once) or `digest` (daily).',
  },
);

/** No body (204): typed void so that `reply.send()` takes nothing. */
export const NoContentSchema = Type.Unsafe<void>({ type: 'null', description: 'No content' });

/** A problem document (application/problem+json), the schema `Problem` registered on the app. */
export const ProblemRef = Type.Unsafe<Problem>({ $ref: 'Problem#' });
/** The problem responses of the statuses an operation can answer with. */
export function problems<const S extends readonly number[]>(
  ...statuses: S
): { [K in S[number]]: typeof ProblemRef } {
  return Object.fromEntries(statuses.map((s) => [s, ProblemRef])) as { [K in S[number]]: typeof ProblemRef };
}

// Compile-time checks that the schemas and the kernel's types say the same (a drift is a type error here).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree = <T extends true>(): T => true as T;
agree<Same<Static<typeof ProcedureViewSchema>, Procedure>>();
agree<Same<Static<typeof ActionViewSchema>, Action>>();
agree<Same<Static<typeof ParticipationViewSchema>, Participation>>();
agree<Same<Static<typeof ActionKindSchema>, ActionKind>>();
agree<Same<Static<typeof StanceSchema>, Stance>>();
agree<Same<Static<typeof ProposalStatusSchema>, ProposalStatus>>();
agree<Same<Static<typeof MemberStatusSchema>, KernelMemberStatus>>();
agree<Same<Static<typeof CountsSchema>, Counts>>();
agree<Same<Static<typeof ReasonSchema>, Reason>>();
agree<Same<Static<typeof QuestionViewSchema>, Question>>();
agree<Same<Static<typeof BallotViewSchema>, PollBallot>>();
agree<Same<Static<typeof PollTallyViewSchema>, PollTally>>();
agree<Same<Static<typeof ChambersTallyViewSchema>, ChambersTally>>();
agree<Same<Static<typeof ReplayOutcomeSchema>, ReplayOutcome>>();

/** GET /api/v1/commons: one page of the directory. */
export const CommonsDirectorySchema = view(
  {
    items: Type.Array(CommonsSummarySchema),
    next: nullable(Text),
  },
  {
    description:
      'Commons, oldest first, from their summaries (no commons is loaded to list it). Pass `next` as `after` for the next page; null on the last.',
  },
);

// Resources (issue 15): pools and their statements (GET /api/v1/commons/:id/pools, .../pools/:poolId).
const PoolSummaryProps = {
  id: Text,
  name: Text,
  description: Text,
  kind: literals(POOL_KINDS),
  unit: nullable(UnitViewSchema),
  floor: Type.String({
    description: 'The lowest balance of the pool and of members’ accounts, in minor units',
  }),
  usage: nullable(UsageViewSchema),
  createdAt: Time,
  proposalId: Text,
  balance: Type.String({ description: "The pool's own balance, in minor units" }),
  movementCount: Type.Integer(),
  activeBookings: Type.Integer(),
};
export const PoolSummarySchema = view(PoolSummaryProps);
export const PoolListSchema = view(
  { items: Type.Array(PoolSummarySchema) },
  { description: 'The pools of the commons, in the order they were created' },
);
const EntryView = view({
  account: Type.String({ description: '`pool`, `outside`, or `member:` and an account id' }),
  amount: Type.String({ description: 'Signed, in minor units' }),
  label: Text,
});
const MovementView = view({
  seq: Type.Integer(),
  at: Time,
  proposalId: Text,
  kind: literals(['income', 'spend', 'booking', 'refund'] as const),
  entries: Type.Array(EntryView, { description: 'They sum to zero' }),
  purpose: Text,
  counterparty: Text,
  evidence: Text,
  poolBalance: Type.String({ description: "The pool's balance after it, in minor units" }),
  formatted: Type.String({
    description: "What it changed the pool's balance by, in major units with the unit",
  }),
  decision: nullable(
    view(
      {
        proposalId: Text,
        title: Text,
        proposer: Text,
        ruleVersion: Type.Integer({ description: 'The constitution version it was decided under' }),
        procedure: Text,
        decidedAt: nullable(Time),
        decidedBy: nullable(Text),
        participants: Type.Integer(),
      },
      { description: 'The decision that carried it out' },
    ),
  ),
});
export const PoolStatementSchema = view(
  {
    pool: PoolSummarySchema,
    balances: Type.Array(view({ account: Text, label: Text, balance: Type.String(), formatted: Text }), {
      description: 'Every account that has moved, by account; they sum to zero',
    }),
    movements: pageOf(MovementView, `Movements, oldest first. ${NEXT}`),
    series: Type.Array(view({ at: Time, balance: Type.String() }), {
      description: "The pool's balance after movements over time, thinned to at most 400 points",
    }),
    bookings: Type.Array(
      view({
        id: Text,
        accountId: Text,
        displayName: Text,
        from: Time,
        until: Time,
        proposalId: Text,
        cost: Type.String(),
        status: literals(['active', 'cancelled'] as const),
      }),
    ),
  },
  { description: "A pool's statement, from the state its verified log folds to" },
);
