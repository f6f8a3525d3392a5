import type {
  Action,
  ActionKind,
  Comment,
  Constitution,
  DelegationScope,
  Electorate,
  Member,
  Outcome,
  PollBallot,
  Procedure,
  Question,
  Reason,
  Review,
  ReviewAnswer,
  Role,
  Sunset,
  Trigger,
  StakeholderClass,
  Stance,
} from './types';
import type { Booking, Entry, PoolSpec, TransactionKind } from './resources/types';

/** Everything that can happen in a commons, in the past tense. `data` is what evolve needs. */
export type DomainEvent =
  | {
      type: 'CommonsCreated';
      data: {
        id: string;
        name: string;
        purpose: string;
        charter: string;
        template: string;
        classes: StakeholderClass[];
        constitution: Constitution;
        /** The founder (the admission number is the first: 1; records before version 2 carry none). */
        founder: Omit<Member, 'admission'> & { admission?: number };
        roles: Role[];
      };
    }
  | {
      type: 'MembershipApplied';
      data: { accountId: string; displayName: string; classes: string[]; statement: string };
    }
  | {
      type: 'ProposalOpened';
      data: {
        id: string;
        title: string;
        body: string;
        action: Action;
        /** A poll's question (record version 3 on; absent for a yes/no proposal). */
        question?: Question;
        /** When the decision comes up for review, if it passes (record version 4 on). */
        reviewAt?: string;
        proposer: string;
        closesAt: string;
        ruleVersion: number;
        procedure: Procedure;
        electorate: Electorate;
      };
    }
  | { type: 'PositionTaken'; data: { proposalId: string; accountId: string; stance: Stance; reason: string } }
  /** A ballot on a poll, cast or replaced (record version 3 on). */
  | {
      type: 'BallotCast';
      data: { proposalId: string; accountId: string; ballot: PollBallot; reason: string };
    }
  | { type: 'CommentPosted'; data: Omit<Comment, 'at' | 'edits' | 'deletedAt'> }
  /** A comment's new text from its author (record version 4 on). */
  | { type: 'CommentEdited'; data: { proposalId: string; commentId: string; text: string } }
  /** A comment deleted by its author (record version 4 on). */
  | { type: 'CommentDeleted'; data: { proposalId: string; commentId: string } }
  | { type: 'ProposalWithdrawn'; data: { proposalId: string } }
  | { type: 'ProposalDecided'; data: { proposalId: string; outcome: Outcome } }
  | { type: 'ActionFailed'; data: { proposalId: string; error: string } }
  | {
      type: 'MemberAdmitted';
      data: { proposalId: string; accountId: string; displayName: string; classes: string[] };
    }
  | { type: 'ApplicationDeclined'; data: { proposalId: string; accountId: string } }
  | { type: 'MemberRemoved'; data: { proposalId: string; accountId: string } }
  | { type: 'MemberLeft'; data: { accountId: string } }
  | { type: 'RoleCreated'; data: { proposalId: string; role: Role } }
  | {
      type: 'RoleChanged';
      data: {
        proposalId: string;
        roleId: string;
        name?: string;
        description?: string;
        mandate?: ActionKind[];
        termDays?: number | null;
      };
    }
  | {
      type: 'RoleAssigned';
      data: { proposalId: string; roleId: string; accountId: string; until: string | null };
    }
  | { type: 'RoleUnassigned'; data: { proposalId: string; roleId: string; accountId: string } }
  | { type: 'CharterAdopted'; data: { proposalId: string; purpose: string; charter: string } }
  | { type: 'ConstitutionAmended'; data: { proposalId: string; constitution: Constitution } }
  | { type: 'ResolutionAdopted'; data: { proposalId: string; text: string } }
  // Elections (record version 4): nominations, acceptances, the ballot opened early, the elected seated.
  | { type: 'CandidateNominated'; data: { proposalId: string; accountId: string; by: string } }
  | { type: 'NominationAccepted'; data: { proposalId: string; accountId: string } }
  | { type: 'NominationDeclined'; data: { proposalId: string; accountId: string } }
  | { type: 'ElectionBallotOpened'; data: { proposalId: string } }
  // Liquid delegation (record version 4): a member gives their vote within a scope, or takes it back.
  | { type: 'DelegationSet'; data: { accountId: string; trustee: string; scope: DelegationScope } }
  | { type: 'DelegationRevoked'; data: { accountId: string; scope: DelegationScope } }
  | {
      type: 'RoleHoldersElected';
      data: { proposalId: string; roleId: string; elected: string[]; until: string | null };
    }
  // Resources (issue 15), record version 4 on: resources/types.ts
  | { type: 'PoolCreated'; data: { proposalId: string; pool: PoolSpec } }
  | {
      /** A double-entry transaction in a pool's ledger: its entries sum to zero (checked again when applied). */
      type: 'TransactionRecorded';
      data: {
        proposalId: string;
        poolId: string;
        kind: TransactionKind;
        entries: Entry[];
        purpose: string;
        /** Where the money came from or went to: the source of income, the payee, the member. */
        counterparty: string;
        evidence: string;
      };
    }
  | {
      type: 'BookingMade';
      data: { proposalId: string; poolId: string; booking: Omit<Booking, 'proposalId' | 'status'> };
    }
  | { type: 'BookingCancelled'; data: { proposalId: string; poolId: string; bookingId: string } }
  // --- rules for rules (record version 4; packages/kernel/src/rules) ---
  /** A trigger's condition held: its rules replaced those in force, giving a new constitution version. */
  | { type: 'RuleTriggered'; data: { trigger: Trigger; reason: Reason; constitution: Constitution } }
  /** A sunset's date came without renewal: the rule returned to its fallback, giving a new constitution version. */
  | { type: 'RuleLapsed'; data: { sunset: Sunset; reason: Reason; constitution: Constitution } }
  /** A review date came: the commons is asked whether the rule or decision did what it meant to. */
  | { type: 'ReviewOpened'; data: { review: Omit<Review, 'answers' | 'openedAt'> } }
  /** A member's answer to a review (a second replaces the first). */
  | {
      type: 'ReviewAnswered';
      data: { reviewId: string; accountId: string; answer: ReviewAnswer; comment: string };
    };
// --- end of rules for rules ---

export type EventType = DomainEvent['type'];

/** An event with who caused it and when: what the log stores and evolve reads. */
export type EventEnvelope = DomainEvent & { at: string; actor: string | null };
