// The domain's data: commons, members, stakeholder classes, roles, the constitution, proposals.
// Everything here is plain JSON so that it can be stored, hashed and sent as it is.

import type {
  AbstentionRule,
  ChamberOutcome,
  ChamberRule,
  ChambersTally,
  ChamberSpec,
  Counts,
  ElectionMethod,
  ElectionRound,
  ElectionTally,
  PollBallot,
  PollMethod,
  PollRound,
  PollTally,
  Procedure,
  Ratio,
  Reason,
  Stance,
} from '@peergov/methods/decision';
import type { Pool, ResourceAction } from './resources/types';

export type {
  AbstentionRule,
  ChamberOutcome,
  ChamberRule,
  ChambersTally,
  ChamberSpec,
  Counts,
  ElectionMethod,
  ElectionRound,
  ElectionTally,
  PollBallot,
  PollMethod,
  PollRound,
  PollTally,
  Procedure,
  Ratio,
  Reason,
  Stance,
};

/** One alternative of a poll's question. */
export interface PollOption {
  id: string;
  label: string;
  /** "None of these" / keep things as they are: if it wins, nothing is carried out. */
  statusQuo: boolean;
}

/** The question a poll proposal asks: its alternatives, in the order ballots show them (IRV's tie-break order). */
export interface Question {
  options: PollOption[];
}

/** The kinds of action a constitution governs. Later issues add kinds; each needs a rule. */
export const ACTION_KINDS = [
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
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export type ProcedureType = Procedure['type'];

/** Versioned rules: for each kind of action the procedure that decides it. */
export interface Constitution {
  version: number;
  rules: Record<ActionKind, Procedure>;
  adoptedAt: string;
  /** The proposal that adopted this version, or null for the founding one. */
  adoptedBy: string | null;
  /** The rule for kinds of action this version names none for (kinds added later); see `ruleFor`. */
  defaultRule?: Procedure;
  /**
   * Who may take part in the commons' everyday life outside proposals' decisions; see `participationFor`, which
   * gives today's behaviour for a constitution stored before this field existed.
   */
  participation?: Participation;
  // --- rules for rules: triggers, review dates and sunsets (packages/kernel/src/rules) ---
  /** Rules that replace themselves when a condition holds (`rules/triggers.ts`); absent: none. */
  triggers?: Trigger[];
  /** Dates on which a rule comes up for review (`rules/reviews.ts`); absent: none. */
  reviews?: RuleReviewDate[];
  /** Rules that lapse on a date unless renewed by an amendment (`rules/reviews.ts`); absent: none. */
  sunsets?: Sunset[];
  /** The trigger or sunset that produced this version (absent: founding or an amendment, see `adoptedBy`). */
  changedBy?: { by: 'trigger' | 'sunset'; id: string; reason: Reason };
  /**
   * Tiers and entrenchment: which procedure a change of a rule needs (`rules/tiers.ts`). Absent (every constitution
   * stored before tiers): an amendment is decided by the rule of `amend_constitution`, as before.
   */
  tiers?: Tiers;
  /** The kinds of action grouped into domains, each with its mode of coordination (`rules/domains.ts`). */
  domains?: Domain[];
}

/** The tiers of rules, lowest first: a rule of a tier changes by the procedure of the tier above it. */
export const TIERS = ['operational', 'policy', 'constitutional', 'entrenched'] as const;
export type Tier = (typeof TIERS)[number];

/** Tiers and entrenchment: the procedure of each tier above the operational, and where each kind sits. */
export interface Tiers {
  /** The procedure of each tier above the operational: it decides a change to a rule of the tier below it. */
  procedures: { policy: Procedure; constitutional: Procedure; entrenched: Procedure };
  /** How a rule of the entrenched tier changes: the procedure it names for itself, or null: not at all. */
  entrenchedBy: Procedure | null;
  /** Kinds of action placed in a tier by name, over their domain's tier; a kind placed nowhere is operational. */
  kinds?: Partial<Record<ActionKind, Tier>>;
}

/**
 * Modes of coordination a domain can have: peer (a deliberative procedure), hierarchy (a role decides within its
 * mandate), do-ocracy (whoever does it decides, with an objection window). The resources issue adds market and gift.
 */
export const MODES = ['peer', 'hierarchy', 'do_ocracy'] as const;
export type Mode = (typeof MODES)[number];

/** A group of kinds of action (membership, finance, operations...) with its own mode and, optionally, a tier. */
export interface Domain {
  id: string;
  name: string;
  mode: Mode;
  /** The tier of its kinds (a kind's own tier in `Tiers.kinds` comes first). */
  tier?: Tier;
  /** Each kind of action is in at most one domain. */
  kinds: ActionKind[];
}

// --- rules for rules: triggers, review dates and sunsets ---

/** When a trigger fires. */
export type TriggerCondition =
  /** The commons has at least this many members. */
  | { type: 'members'; atLeast: number }
  /** This date and time has come (fired by the platform's clock). */
  | { type: 'date'; at: string }
  /** A stakeholder class has at least this many members. */
  | { type: 'class_size'; classId: string; atLeast: number }
  /** This many days have passed since the role was last given to anyone (renewed by assigning it again). */
  | { type: 'mandate_lapse'; roleId: string; days: number };

/** A rule that changes itself: when its condition holds, these rules replace the ones in force. */
export interface Trigger {
  id: string;
  when: TriggerCondition;
  rules: Partial<Record<ActionKind, Procedure>>;
}

/** A date on which the rule for a kind of action comes up for review. */
export interface RuleReviewDate {
  kind: ActionKind;
  at: string;
}

/** A rule that lapses at `at` unless an amendment renews it, falling back to `fallback` or the default rule. */
export interface Sunset {
  kind: ActionKind;
  at: string;
  fallback?: Procedure;
}

/** How a member answers a review: did the rule or decision do what it meant to? */
export const REVIEW_ANSWERS = ['yes', 'partly', 'no'] as const;
export type ReviewAnswer = (typeof REVIEW_ANSWERS)[number];

/** A review opened on its date: of the rule for a kind of action, or of a decision. */
export interface Review {
  id: string;
  subject: { type: 'rule'; kind: ActionKind } | { type: 'decision'; proposalId: string };
  openedAt: string;
  /** The constitution version in force when it opened, and the rule under review then (for a rule). */
  ruleVersion: number;
  procedure?: Procedure;
  /** Since when the rule has been in force (the adoption of the earliest version with the same rule). */
  since: string;
  answers: Record<string, { answer: ReviewAnswer; comment: string; at: string }>;
}
// --- end of rules for rules ---

/** A set of people a participation rule names. */
export type Audience =
  | { who: 'anyone' }
  | { who: 'members' }
  /** Members who currently hold one of these roles. */
  | { who: 'roles'; roles: string[] };

/**
 * Who may open proposals, comment on them, withdraw one, and see the commons. Taking a position is not here: a
 * proposal's electorate (or the deciding role) answers that, by its procedure.
 */
export interface Participation {
  propose: Extract<Audience, { who: 'members' | 'roles' }>;
  comment: Extract<Audience, { who: 'members' | 'roles' }>;
  /** Only the proposer (while a member; an applicant may withdraw their own application). */
  withdraw: { who: 'proposer' };
  /** Who may read the commons, its proposals and its log. Only `anyone` is served today (private commons come with read rules). */
  see: Extract<Audience, { who: 'anyone' }>;
  /**
   * Who may invite people (by e-mail or link) to apply for membership; an invitation admits nobody, the admission
   * procedure still decides. Absent in constitutions from before invitations: members.
   */
  invite?: Extract<Audience, { who: 'members' | 'roles' }>;
}

export interface StakeholderClass {
  id: string;
  name: string;
  description: string;
  /** Members of this class speak for someone who cannot (e.g. guardians of the natural environment). */
  speaksFor: string | null;
}

export type MemberStatus = 'applicant' | 'member' | 'left' | 'removed' | 'declined';

export interface Member {
  accountId: string;
  displayName: string;
  classes: string[];
  status: MemberStatus;
  since: string;
  /**
   * The number of this person's latest admission in the commons' count of admissions (`CommonsCore.admissions`), 0
   * for an applicant never admitted: a proposal's electorate is every member admitted up to a number.
   */
  admission: number;
}

export interface RoleHolder {
  accountId: string;
  since: string;
  /** End of the term, or null for an open-ended mandate. */
  until: string | null;
}

export interface Role {
  id: string;
  name: string;
  description: string;
  /** The kinds of action a holder may decide alone, where the constitution gives that kind to a role. */
  mandate: ActionKind[];
  /** Length of a term in days, or null for no fixed term. */
  termDays: number | null;
  holders: RoleHolder[];
}

/** A request to take an action. The variants carry what carrying it out needs. */
export type Action =
  | { kind: 'admit_member'; accountId: string; displayName: string; classes: string[] }
  | { kind: 'remove_member'; accountId: string }
  | {
      kind: 'create_role';
      roleId: string;
      name: string;
      description: string;
      mandate: ActionKind[];
      termDays: number | null;
    }
  | {
      kind: 'change_role';
      roleId: string;
      name?: string;
      description?: string;
      mandate?: ActionKind[];
      termDays?: number | null;
    }
  | { kind: 'assign_role'; roleId: string; accountId: string }
  | { kind: 'unassign_role'; roleId: string; accountId: string }
  | { kind: 'adopt_charter'; purpose: string; charter: string }
  | {
      kind: 'amend_constitution';
      rules: Partial<Record<ActionKind, Procedure>>;
      /** Rules for rules: each, when given, replaces the list in force (an empty list removes them all). */
      triggers?: Trigger[];
      reviews?: RuleReviewDate[];
      sunsets?: Sunset[];
      /** New tiers, or null to drop them; absent: unchanged. */
      tiers?: Tiers | null;
      /** New domains, or null to drop them; absent: unchanged. */
      domains?: Domain[] | null;
    }
  | { kind: 'resolution'; text: string }
  /** Fill a role's seats by an election (its procedure: `election`); the elected become its holders. */
  | { kind: 'elect_role'; roleId: string; seats: number }
  // Resources (issue 15): resources/types.ts
  | ResourceAction;

export interface Position {
  accountId: string;
  stance: Stance;
  reason: string;
  at: string;
  /** Whether it is in the proposal's counts: its author was in the electorate (a holder outside it decides only). */
  counted: boolean;
  /** On a poll: the ballot (its stance is `agree`, or `abstain` for a blank ballot). */
  ballot?: PollBallot;
}

export interface Comment {
  id: string;
  proposalId: string;
  accountId: string;
  text: string;
  replyTo: string | null;
  at: string;
  /** The texts it had before each edit, oldest first, with when each was replaced (record version 4 on). */
  edits?: { text: string; until: string }[];
  /** Set when its author deleted it: its text and edits are gone from the state; the log keeps the fact. */
  deletedAt?: string;
}

/** A decision: the rule it was taken under, who took part, the counts and why it passed or failed. */
export interface Outcome {
  passed: boolean;
  ruleVersion: number;
  procedure: Procedure;
  participants: string[];
  counts: Counts;
  reasons: Reason[];
  decidedAt: string;
  /** Who decided, for role decisions. */
  decidedBy: string | null;
  /** A poll's count: the winning option(s) and the method's explanation (absent for other procedures). */
  poll?: PollTally;
  /** Under chambers: each chamber's count and why it passed or failed there (absent for other procedures). */
  chambers?: ChambersTally;
  /** An election's count: the elected, the quota and every round (absent for other procedures). */
  election?: ElectionTally;
  /** Under a procedure with delegation: each direct voter's weight and each delegator's chain. */
  delegation?: DelegationTally;
}

/**
 * What a delegation covers (record version 4 on): the whole commons, one kind of action, or one proposal. For a
 * proposal, the proposal's delegation beats the kind's, which beats the commons'.
 */
export type DelegationScope =
  { type: 'commons' } | { type: 'kind'; kind: ActionKind } | { type: 'proposal'; proposalId: string };

/** A member's vote given to another member, within a scope, until revoked. */
export interface Delegation {
  truster: string;
  trustee: string;
  scope: DelegationScope;
  since: string;
}

/** Under a procedure with delegation: how the delegations counted at the close (LiquidFeedback's resolution). */
export interface DelegationTally {
  /** Each direct voter's weight: their own vote and every vote delegated to them. */
  weights: { member: string; weight: number }[];
  /** Each delegator whose vote counted: the chain from them to the direct voter, and the scope that applied. */
  chains: { member: string; scope: DelegationScope['type']; chain: string[] }[];
  /** Delegators whose vote counted for no one, and why (a cycle, a chain ending at a member who did not vote). */
  notCounted: { member: string; reason: string }[];
}

/** A person nominated in an election; only accepted candidates stand. */
export interface Candidate {
  accountId: string;
  nominatedBy: string;
  accepted: boolean;
  at: string;
}

/** An election's nominations (record version 4 on): who stands, and when nominations close. */
export interface ElectionState {
  /** When nominations close and the ballot opens; null: when the proposer opens the ballot (`nominationHours` 0). */
  nominationsCloseAt: string | null;
  /** Set when the proposer opened the ballot before any closing time. */
  ballotOpenedAt: string | null;
  /** In order of nomination (the order that breaks RCTab's ties). */
  candidates: Candidate[];
}

export type ProposalStatus = 'open' | 'passed' | 'rejected' | 'withdrawn';

export interface Proposal {
  id: string;
  title: string;
  body: string;
  action: Action;
  /** A poll's question (absent for a yes/no proposal). */
  question?: Question;
  /** When the decision comes up for review, if it passes (record version 4 on; rules for rules). */
  reviewAt?: string;
  /** An election's nominations (absent for other procedures). */
  election?: ElectionState;
  proposer: string;
  openedAt: string;
  closesAt: string;
  /** The constitution version in force when the proposal opened; it governs the decision. */
  ruleVersion: number;
  procedure: Procedure;
  /** Who may take a position, fixed when the proposal opened. */
  electorate: Electorate;
  /** The electorate's positions counted by stance, kept as they arrive (what the procedure decides on). */
  counts: Counts;
  status: ProposalStatus;
  outcome: Outcome | null;
  /** Whether the passed action was carried out, and why not if it could not be. */
  execution: { done: boolean; error: string | null } | null;
  positionCount: number;
  commentCount: number;
}

/**
 * Who may take a position on a proposal: a rule and a reference into the membership, never a copied list (a
 * proposal of a commons of 100,000 members costs the same as one of ten).
 */
export type Electorate =
  /** The members at the opening: every current member whose latest admission is numbered `admittedUpTo` or lower. */
  | { admittedUpTo: number; size: number }
  /** An explicit list (proposals opened before record version 2 carried the whole list). */
  | { accounts: string[]; size: number };

export interface CommonsCore {
  id: string;
  name: string;
  purpose: string;
  charter: string;
  template: string;
  createdAt: string;
  createdBy: string;
  classes: StakeholderClass[];
  members: Record<string, Member>;
  /** How many admissions there have been (the founder's is the first): the number the latest one got. */
  admissions: number;
  /** How many are members now (status `member`), kept by the membership events so that nothing counts them. */
  memberCount: number;
  roles: Record<string, Role>;
  constitution: Constitution;
  /** Earlier versions of the constitution, oldest first. */
  history: Constitution[];
  /** Reviews opened on their dates, by id (rules for rules; absent until the first). */
  reviews?: Record<string, Review>;
  /** Members' delegations of their vote (absent before the first one: record version 4). */
  delegations?: Delegation[];
}

/** Everything the kernel decides against. Positions and comments are per proposal. */
export interface CommonsState {
  core: CommonsCore;
  proposals: Record<string, Proposal>;
  positions: Record<string, Record<string, Position>>;
  comments: Record<string, Comment[]>;
  /** Resources (issue 15): the pools by id; absent until the first is created (resources/types.ts). */
  pools?: Record<string, Pool>;
}
