// The shapes the HTTP API sends (docs/API.md). The web app imports no server or kernel code, only kernel types.

// Domain types the API sends as they are come from the kernel, as types only (erased from the bundle), so that
// the app and the kernel cannot drift apart.
import type {
  AbstentionRule,
  ActionKind,
  Counts,
  Procedure,
  ProcedureType,
  ProposalStatus,
  Ratio,
  Reason,
  Role as KernelRole,
  RoleHolder as KernelRoleHolder,
  Stance,
} from '@peergov/kernel';

export type {
  AbstentionRule,
  ActionKind,
  Counts,
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
];
export const STANCES: Stance[] = ['agree', 'abstain', 'disagree', 'block'];
export const PROCEDURE_TYPES: ProcedureType[] = ['automatic', 'role', 'consent', 'consensus', 'vote'];

export interface Account {
  id: string;
  email: string;
  displayName: string;
  createdAt: string;
}

export interface SessionInfo {
  account: Account | null;
  csrfToken: string | null;
}

export interface Setup {
  accounts: number;
  commons: number;
}

export interface StakeholderClass {
  id: string;
  name: string;
  description: string;
  speaksFor: string | null;
}

export interface RuleText {
  kind: ActionKind;
  label: string;
  text: string;
}

export interface Template {
  id: string;
  name: string;
  description: string;
  classes: StakeholderClass[];
  rules: Record<ActionKind, Procedure>;
  rulesText: RuleText[];
  roles?: { id: string; name: string; description: string; mandate: ActionKind[]; termDays: number | null }[];
}

export interface CommonsSummary {
  id: string;
  name: string;
  purpose: string;
  template: string;
  memberCount: number;
  openProposals: number;
  createdAt: string;
  /** The caller's membership status here, or null. */
  myStatus: MemberStatus | null;
}

export type MemberStatus = 'applicant' | 'member' | 'left' | 'removed' | 'declined';

export interface Member {
  accountId: string;
  displayName: string;
  classes: string[];
  status: MemberStatus;
  since: string;
  roles: string[];
}

/** A role holder as the API shows it: with the holder's display name. */
export type RoleHolder = KernelRoleHolder & { displayName: string };

export type Role = Omit<KernelRole, 'holders'> & { holders: RoleHolder[] };

export interface Commons {
  id: string;
  name: string;
  purpose: string;
  charter: string;
  template: string;
  createdAt: string;
  classes: StakeholderClass[];
  members: Member[];
  roles: Role[];
  constitution: {
    version: number;
    adoptedAt: string;
    adoptedBy: string | null;
    rules: Record<ActionKind, Procedure>;
    text: RuleText[];
  };
  history: { version: number; adoptedAt: string; adoptedBy: string | null }[];
  me: { accountId: string; status: MemberStatus; classes: string[]; roles: string[] } | null;
  /** Whether the commons' log still proves what is shown; when not, the commons is read-only. */
  integrity: Integrity;
}

/** Whether the log and read models of a commons verified on the server (a failure makes it read-only). */
export type Integrity =
  | { ok: true }
  | { ok: false; where: 'record' | 'head' | 'checkpoint' | 'document'; seq: number | null; reason: string };

/** GET /api/v1/commons/:id/log/consistency?from=M: the latest signed checkpoint and the proof it extends size M. */
export interface ConsistencyAnswer {
  from: number;
  to: number;
  /** RFC 9162 consistency proof, hex hashes (empty when from is 0 or equals to). */
  proof: string[];
  checkpoint: {
    checkpoint: { commons: string; size: number; root: string; time: string };
    signature: string;
    keyId: string;
  };
  /** The instance's Ed25519 public key, SPKI PEM. */
  publicKey: string;
}

export type Action =
  | { kind: 'admit_member'; email?: string; accountId?: string; displayName?: string; classes?: string[] }
  | { kind: 'remove_member'; accountId: string }
  | {
      kind: 'create_role';
      roleId: string;
      name: string;
      description?: string;
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
  | { kind: 'assign_role' | 'unassign_role'; roleId: string; accountId: string }
  | { kind: 'adopt_charter'; purpose: string; charter: string }
  | { kind: 'amend_constitution'; rules: Partial<Record<ActionKind, Procedure>> }
  | { kind: 'resolution'; text: string };

export interface Outcome {
  passed: boolean;
  ruleVersion: number;
  procedure: Procedure;
  participants: string[] | number;
  counts: Counts;
  reasons: Reason[];
  decidedAt: string;
  decidedBy: string | null;
}

export interface PersonRef {
  accountId: string;
  displayName: string;
}

export interface ProposalSummary {
  id: string;
  title: string;
  kind: ActionKind;
  proposer: PersonRef;
  openedAt: string;
  closesAt: string;
  status: ProposalStatus;
  passed: boolean | null;
  positionCount: number;
  commentCount: number;
  procedure: Procedure;
}

export interface PositionView {
  accountId: string;
  displayName: string;
  stance: Stance;
  reason: string;
  at: string;
}

export interface CommentView {
  id: string;
  accountId: string;
  displayName: string;
  text: string;
  replyTo: string | null;
  at: string;
}

export interface Proposal {
  id: string;
  title: string;
  body: string;
  action: Action & { displayName?: string };
  proposer: PersonRef;
  openedAt: string;
  closesAt: string;
  ruleVersion: number;
  procedure: Procedure;
  procedureText: string;
  electorate: number;
  status: ProposalStatus;
  outcome: Outcome | null;
  execution: { done: boolean; error: string | null } | null;
  positions: PositionView[];
  comments: CommentView[];
  myPosition: { stance: Stance; reason: string } | null;
  canTakePosition: boolean;
  integrity: Integrity;
}

export interface LogRecord {
  seq: number;
  type: string;
  at: string;
  actor: string | null;
  /** The actor's display name (also for people who have since left). */
  actorName: string | null;
  hash: string;
  prev: string;
  data: Record<string, unknown>;
}

export type Verification =
  | { ok: true; size: number; root: string; checkpoint?: unknown }
  | {
      ok: false;
      /** Which check failed: a record, the log's checkpoint, the head, a saved checkpoint or a read-model document. */
      where: 'record' | 'checkpoint' | 'head' | 'saved-checkpoint' | 'document';
      /** The first bad record, or null when the fault is not in one record. */
      seq: number | null;
      reason: string;
    };
