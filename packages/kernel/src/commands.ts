import type { TemplateId } from './templates';
import type { Action, DelegationScope, Stance } from './types';

/** A poll's question as a command gives it (options checked and normalised by the kernel: `checkQuestion`). */
export interface QuestionInput {
  options: { id: string; label: string; statusQuo?: boolean }[];
}

/** What a person (or the platform's clock) asks for. Ids and time come in as data: the kernel makes none. */
export type Command =
  | {
      type: 'CreateCommons';
      commonsId: string;
      name: string;
      purpose: string;
      charter: string;
      template: TemplateId;
      displayName: string;
      classes: string[];
    }
  | {
      type: 'ApplyForMembership';
      proposalId: string;
      displayName: string;
      classes: string[];
      statement: string;
    }
  | {
      type: 'SubmitProposal';
      proposalId: string;
      title: string;
      body: string;
      action: Action;
      closesAt?: string;
      /** Required when the rule for the action's kind is a poll, refused otherwise. */
      question?: QuestionInput;
      /** When the decision, if it passes, comes up for review (rules for rules). */
      reviewAt?: string;
    }
  | { type: 'TakePosition'; proposalId: string; stance: Stance; reason: string }
  /** A ballot on a poll; a second one replaces the first until the poll closes. Checked by `checkBallot`. */
  | { type: 'CastBallot'; proposalId: string; ballot: unknown; reason: string }
  | { type: 'PostComment'; proposalId: string; commentId: string; text: string; replyTo: string | null }
  /** Its author replaces a comment's text; the earlier text stays in its history. */
  | { type: 'EditComment'; proposalId: string; commentId: string; text: string }
  /** Its author deletes a comment: a "deleted" mark stays where it was, replies to it stay. */
  | { type: 'DeleteComment'; proposalId: string; commentId: string }
  | { type: 'WithdrawProposal'; proposalId: string }
  | { type: 'CloseProposal'; proposalId: string }
  | { type: 'LeaveCommons' }
  // Elections: any member nominates a member (themselves too: accepted at once); the nominee accepts or declines;
  // with no nomination period the proposer opens the ballot.
  | { type: 'NominateCandidate'; proposalId: string; accountId: string }
  | { type: 'AcceptNomination'; proposalId: string }
  | { type: 'DeclineNomination'; proposalId: string }
  | { type: 'OpenElectionBallot'; proposalId: string }
  // Liquid delegation: give one's vote to another member for the commons, a kind of action or a proposal (replacing
  // one's delegation in that scope), or take it back.
  | { type: 'Delegate'; scope: DelegationScope; trustee: string }
  | { type: 'RevokeDelegation'; scope: DelegationScope }
  // --- rules for rules (packages/kernel/src/rules) ---
  /** The platform's clock: fire the date triggers, sunsets and review dates due at `now` (refused if none is). */
  | { type: 'ApplyDueRules' }
  /** A member's answer to an open review: did it do what it meant to? */
  | { type: 'AnswerReview'; reviewId: string; answer: string; comment: string };

/** Who asks and when. `actor` is an account id, or null for the platform itself (closing due proposals). */
export interface CommandContext {
  actor: string | null;
  now: string;
}
