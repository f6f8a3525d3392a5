// The shapes the HTTP API sends: the server's response schemas (packages/server/src/response-schemas.ts, the ones
// that serialise each reply and fill the OpenAPI document), as types only. The web app imports no server or kernel
// code: `import type` is erased from the bundle.

import type { Static } from '@fastify/type-provider-typebox';
import type {
  AcceptedSchema,
  AccountViewSchema,
  InvitationAcceptedSchema,
  InvitationPreviewSchema,
  InvitationViewSchema,
  NewInvitationSchema,
  OutboxSchema,
  CheckpointAnswerSchema,
  CommentDetailSchema,
  CommentViewSchema,
  CommonsDirectorySchema,
  CommonsSummarySchema,
  CommonsViewSchema,
  ConsistencyAnswerSchema,
  DelegationsViewSchema,
  HealthSchema,
  InclusionProofSchema,
  IntegritySchema,
  LogPageSchema,
  LogRecordSchema,
  CommentPageSchema,
  MemberPageSchema,
  PositionPageSchema,
  MemberStatusSchema,
  MemberViewSchema,
  NewTokenSchema,
  OutcomeSchema,
  PersonRefSchema,
  PositionViewSchema,
  ProposalSummarySchema,
  ProposalViewSchema,
  ReplaySchema,
  RoleHolderViewSchema,
  RoleViewSchema,
  RuleTextSchema,
  SessionViewSchema,
  SetupSchema,
  SignedInSchema,
  SignUpAcceptedSchema,
  StakeholderClassSchema,
  TemplateSchema,
  TokenViewSchema,
  VerificationSchema,
  NotificationPageSchema,
  NotificationSettingsSchema,
  NotificationViewSchema,
  UnreadSchema,
  PoolListSchema,
  PoolStatementSchema,
  PoolSummarySchema,
  ReviewListSchema,
  ReviewViewSchema,
  AmendmentPreviewSchema,
  DiffLineSchema,
  DomainViewSchema,
  ProblemLineSchema,
  TiersViewSchema,
} from '@peergov/server/response-schemas';
// Domain types the API sends as they are come from the kernel (the response schemas agree with them, checked where
// they are defined).
import type {
  AbstentionRule,
  ActionInput,
  ActionKind,
  ChambersTally,
  Counts,
  DelegationScope,
  DelegationTally,
  ElectionMethod,
  ElectionTally,
  PollBallot,
  PollMethod,
  PollTally,
  Procedure,
  ProcedureType,
  ProposalStatus,
  Question,
  Ratio,
  Reason,
  Stance,
} from '@peergov/kernel';

export type {
  AbstentionRule,
  ActionKind,
  ChambersTally,
  Counts,
  DelegationScope,
  DelegationTally,
  ElectionMethod,
  ElectionTally,
  PollBallot,
  PollMethod,
  PollTally,
  Question,
  Procedure,
  ProcedureType,
  ProposalStatus,
  Ratio,
  Reason,
  Stance,
};

export const ACTION_KINDS: readonly ActionKind[] = [
  'admit_member',
  'remove_member',
  'create_role',
  'change_role',
  'assign_role',
  'unassign_role',
  'adopt_charter',
  'amend_constitution',
  'resolution',
  'elect_role',
  // Resources (issue 15)
  'create_pool',
  'record_income',
  'spend',
  'book',
  'cancel_booking',
];
export const STANCES: Stance[] = ['agree', 'abstain', 'disagree', 'block'];
export const PROCEDURE_TYPES: ProcedureType[] = [
  'automatic',
  'role',
  'consent',
  'consensus',
  'vote',
  'poll',
  'chambers',
  'election',
  'by_amount',
];
/** How an election can be counted, in the order the procedure editor offers them. */
export const ELECTION_METHODS: readonly ElectionMethod[] = ['stv', 'scottish_stv', 'irv', 'schulze'];
/** How a poll can be counted, in the order the procedure editor offers them. */
export const POLL_METHODS: readonly PollMethod[] = [
  'irv',
  'schulze',
  'approval',
  'score',
  'dots',
  'quadratic',
];

export type Account = Static<typeof AccountViewSchema>;
/** The same answer whether or not an address has an account (a reset, an e-mail change). */
export type Accepted = Static<typeof AcceptedSchema>;
export type InvitationView = Static<typeof InvitationViewSchema>;
/** POST /api/v1/commons/:id/invitations: the invitation and its link, shown once. */
export type NewInvitation = Static<typeof NewInvitationSchema>;
export type InvitationPreview = Static<typeof InvitationPreviewSchema>;
export type InvitationAccepted = Static<typeof InvitationAcceptedSchema>;
export type Outbox = Static<typeof OutboxSchema>;
export type SessionInfo = Static<typeof SessionViewSchema>;
/** POST /api/v1/auth/signin. */
export type SignedIn = Static<typeof SignedInSchema>;
/** POST /api/v1/auth/signup: the same answer whether or not the email had an account. */
export type SignUpAccepted = Static<typeof SignUpAcceptedSchema>;
export type TokenView = Static<typeof TokenViewSchema>;
/** POST /api/v1/tokens: the token itself, shown once. */
export type NewToken = Static<typeof NewTokenSchema>;
export type Health = Static<typeof HealthSchema>;
export type Setup = Static<typeof SetupSchema>;
export type StakeholderClass = Static<typeof StakeholderClassSchema>;
export type RuleText = Static<typeof RuleTextSchema>;
export type Template = Static<typeof TemplateSchema>;
/** Rules for rules: a trigger as a constitution or a template carries it, a review as the API shows it. */
export type Trigger = Template['triggers'][number];
export type ReviewView = Static<typeof ReviewViewSchema>;
export type ReviewList = Static<typeof ReviewListSchema>;
export type CommonsSummary = Static<typeof CommonsSummarySchema>;
/** GET /api/v1/commons: a page of the directory and the cursor of the next. */
export type CommonsDirectory = Static<typeof CommonsDirectorySchema>;
export type MemberStatus = Static<typeof MemberStatusSchema>;
export type Member = Static<typeof MemberViewSchema>;
/** A role holder as the API shows it: with the holder's display name. */
export type RoleHolder = Static<typeof RoleHolderViewSchema>;
export type Role = Static<typeof RoleViewSchema>;
export type Commons = Static<typeof CommonsViewSchema>;
/** POST .../constitution/diff: a draft amendment's difference, the procedure that would decide it, its problems. */
export type AmendmentPreview = Static<typeof AmendmentPreviewSchema>;
export type DiffLine = Static<typeof DiffLineSchema>;
export type ProblemLine = Static<typeof ProblemLineSchema>;
export type DomainView = Static<typeof DomainViewSchema>;
export type TiersView = Static<typeof TiersViewSchema>;
export const TIERS = ['operational', 'policy', 'constitutional', 'entrenched'] as const;
export type Tier = (typeof TIERS)[number];
/** The modes of coordination a domain can have, in the order the editor offers them. */
export const MODES = ['peer', 'hierarchy', 'do_ocracy'] as const;
export type Mode = (typeof MODES)[number];
/** Whether the log and read models of a commons verified on the server (a failure makes it read-only). */
export type Integrity = Static<typeof IntegritySchema>;
/** GET /api/v1/commons/:id/log/consistency?from=M: the latest signed checkpoint and the proof it extends size M. */
export type ConsistencyAnswer = Static<typeof ConsistencyAnswerSchema>;
/** GET /api/v1/commons/:id/log/checkpoint. */
export type CheckpointAnswer = Static<typeof CheckpointAnswerSchema>;
/** GET /api/v1/commons/:id/log/proof/:seq. */
export type InclusionProof = Static<typeof InclusionProofSchema>;

/** An action as a proposal form sends it (an admission may name the person by email): the kernel's input schemas. */
export type Action = ActionInput;

export type Outcome = Static<typeof OutcomeSchema>;
export type PersonRef = Static<typeof PersonRefSchema>;
export type ProposalSummary = Static<typeof ProposalSummarySchema>;
export type PositionView = Static<typeof PositionViewSchema>;
export type CommentView = Static<typeof CommentViewSchema>;
/** GET .../comments/:cid: a comment with its earlier texts. */
export type CommentDetail = Static<typeof CommentDetailSchema>;
export type Proposal = Static<typeof ProposalViewSchema>;
/** POST /api/v1/commons/:id/replay, GET .../proposals/:pid/replay: the history replayed under a draft, a page of it. */
export type Replay = Static<typeof ReplaySchema>;
export type ReplayDifference = Replay['differences'][number];
export type ReplayOutcome = ReplayDifference['recorded'];
/** GET /api/v1/commons/:id/members: a page of members. */
export type MemberPage = Static<typeof MemberPageSchema>;
/** GET .../proposals/:pid/positions: a page of positions. */
export type PositionPage = Static<typeof PositionPageSchema>;
/** GET .../proposals/:pid/comments: a page of comments. */
export type CommentPage = Static<typeof CommentPageSchema>;
export type LogRecord = Static<typeof LogRecordSchema>;
/** GET /api/v1/commons/:id/log: a page of records and the log's size. */
export type LogPage = Static<typeof LogPageSchema>;
export type Verification = Static<typeof VerificationSchema>;
/** One of your notifications; `data` is what it shows, copied when it was made. */
export type NotificationView = Static<typeof NotificationViewSchema>;
export type NotificationPage = Static<typeof NotificationPageSchema>;
export type NotificationSettingsView = Static<typeof NotificationSettingsSchema>;
export type Unread = Static<typeof UnreadSchema>;
/** GET /api/v1/commons/:id/delegations: the caller's delegations, given and received. */
export type Delegations = Static<typeof DelegationsViewSchema>;

// Resources (issue 15)
/** A pool in the list of a commons' pools. */
export type PoolSummary = Static<typeof PoolSummarySchema>;
/** GET /api/v1/commons/:id/pools. */
export type PoolList = Static<typeof PoolListSchema>;
/** GET /api/v1/commons/:id/pools/:poolId: a pool's statement. */
export type PoolStatement = Static<typeof PoolStatementSchema>;
