// The one policy question: may this actor do this now, and if not, why not. The kernel's decide asks it before
// every command that needs a permission, and the views ask the same question to offer only what decide accepts, so
// that no rule is written twice. Who may propose, comment, withdraw and see is the constitution's participation
// (`participationFor`: today's behaviour where a constitution names none); who may take a position is each
// proposal's electorate or deciding role.
import { decidersFor, describeAudience, inAudience, participationFor } from './constitution';
import { own } from './dict';
import { DomainError, type DomainErrorCode } from './errors';
import type { Audience, Comment, CommonsCore, CommonsState, Member, Participation, Proposal } from './types';

/** Something an actor may want to do in a commons. */
export type Intent =
  | { type: 'see' }
  | { type: 'propose' }
  | { type: 'take_position'; proposalId: string }
  | { type: 'comment'; proposalId: string }
  /** Edit one's own comment: its author, while they may still comment. */
  | { type: 'edit_comment'; proposalId: string; commentId: string }
  /** Delete one's own comment: its author, member or not (what they wrote is theirs to withdraw). */
  | { type: 'delete_comment'; proposalId: string; commentId: string }
  | { type: 'withdraw'; proposalId: string }
  /** See who has not yet taken a position on a proposal: members only (it tells who is in the commons now). */
  | { type: 'see_waiting'; proposalId: string }
  | { type: 'leave' }
  /** Invite people (by e-mail or link) to apply for membership: the admission procedure still decides. */
  | { type: 'invite' }
  /** Answer a review of a rule or a decision (rules for rules): every member. */
  | { type: 'answer_review' };

/** The answer: allowed, or the stable code and sentence of the refusal decide would give. */
export type Permission = { allowed: true } | { allowed: false; code: DomainErrorCode; reason: string };

/** The member `actor` is, or DomainError `not_a_member`. */
export function requireMember(core: CommonsCore, actor: string | null): Member {
  const m = actor ? own(core.members, actor) : undefined;
  if (!m || m.status !== 'member') {
    throw new DomainError('not_a_member', 'Only members of this commons can do that.', { commons: core.id });
  }
  return m;
}

/**
 * Whether `accountId` is in the proposal's electorate now: a current member admitted (latest admission) up to the
 * number the proposal opened at, or one of the accounts an older proposal listed.
 */
export function inElectorate(core: CommonsCore, proposal: Proposal, accountId: string): boolean {
  const e = proposal.electorate;
  if ('accounts' in e) return e.accounts.includes(accountId);
  const m = own(core.members, accountId);
  return m !== undefined && m.status === 'member' && m.admission > 0 && m.admission <= e.admittedUpTo;
}

/** The proposal `id`, or DomainError `proposal_not_found`. */
export function requireComment(state: CommonsState, proposalId: string, commentId: string): Comment {
  const c = (own(state.comments, proposalId) ?? []).find((x) => x.id === commentId);
  if (!c) throw new DomainError('comment_not_found', 'There is no such comment on this proposal.');
  return c;
}

export function requireProposal(state: CommonsState, id: string): Proposal {
  const p = own(state.proposals, id);
  if (!p) throw new DomainError('proposal_not_found', `There is no proposal ${id} in this commons.`, { id });
  return p;
}

const DOING: Record<'propose' | 'comment' | 'invite', string> = {
  propose: 'open proposals',
  comment: 'comment',
  invite: 'invite people',
};

/** Throws not_in_audience unless the member `actor` is in the constitution's audience for `what`. */
function requireAudience(
  core: CommonsCore,
  what: keyof typeof DOING,
  audience: Audience,
  actor: string,
  now: string,
): void {
  if (inAudience(core, audience, actor, now)) return;
  throw new DomainError(
    'not_in_audience',
    `This commons' constitution lets only ${describeAudience(core, audience)} ${DOING[what]}.`,
    { commons: core.id, intent: what },
  );
}

/**
 * Throws the DomainError that refuses `intent` to `actor` now, or returns the proposal it concerns (if any). Only
 * permissions: the content of a command (a stance, a text) is decide's to check.
 */
export function authorise(
  state: CommonsState,
  actor: string | null,
  intent: Intent,
  now: string,
): Proposal | null {
  const core = state.core;
  const rules: Required<Participation> = participationFor(core.constitution);
  switch (intent.type) {
    case 'see':
      // Only `anyone` is a valid audience for seeing today; private commons arrive with read rules.
      if (!inAudience(core, rules.see, actor, now)) {
        throw new DomainError('not_a_member', 'Only members can see this commons.', { commons: core.id });
      }
      return null;
    case 'leave':
    case 'answer_review':
      requireMember(core, actor);
      return null;
    case 'propose':
      requireMember(core, actor);
      requireAudience(core, 'propose', rules.propose, actor!, now);
      return null;
    case 'invite':
      requireMember(core, actor);
      requireAudience(core, 'invite', rules.invite, actor!, now);
      return null;
    case 'comment': {
      requireMember(core, actor);
      requireAudience(core, 'comment', rules.comment, actor!, now);
      return requireProposal(state, intent.proposalId);
    }
    case 'see_waiting':
      requireMember(core, actor);
      return requireProposal(state, intent.proposalId);
    case 'edit_comment':
    case 'delete_comment': {
      const p = requireProposal(state, intent.proposalId);
      const c = requireComment(state, p.id, intent.commentId);
      if (c.accountId !== actor) {
        throw new DomainError('not_author', 'Only the person who wrote a comment can change or delete it.');
      }
      if (c.deletedAt !== undefined) throw new DomainError('comment_deleted', 'This comment was deleted.');
      if (intent.type === 'edit_comment') {
        requireMember(core, actor);
        requireAudience(core, 'comment', rules.comment, actor!, now);
      }
      return p;
    }
    case 'take_position': {
      requireMember(core, actor);
      const p = requireProposal(state, intent.proposalId);
      if (p.status !== 'open' || now >= p.closesAt) {
        throw new DomainError('proposal_closed', 'This proposal is closed; positions can no longer change.');
      }
      const deciders = p.procedure.type === 'role' ? decidersFor(core, p.action.kind, now) : [];
      if (!inElectorate(core, p, actor!) && !deciders.includes(actor!)) {
        throw new DomainError(
          'not_in_electorate',
          'You joined after this proposal opened, so you cannot take a position on it.',
        );
      }
      return p;
    }
    case 'withdraw': {
      const p = requireProposal(state, intent.proposalId);
      if (p.proposer !== actor)
        throw new DomainError('not_proposer', 'Only the proposer can withdraw a proposal.');
      // A proposer who left or was removed no longer acts for the commons; an applicant may withdraw their own
      // application.
      const proposer = own(core.members, actor);
      const ownApplication =
        p.action.kind === 'admit_member' && p.action.accountId === actor && proposer?.status === 'applicant';
      if (proposer?.status !== 'member' && !ownApplication) {
        throw new DomainError('not_a_member', 'Only members of this commons can withdraw their proposals.', {
          commons: core.id,
        });
      }
      if (p.status !== 'open') throw new DomainError('proposal_closed', 'This proposal is already closed.');
      // At the closing time positions are final and the outcome is fixed; withdrawing then would undo a decision.
      if (now >= p.closesAt) {
        throw new DomainError(
          'proposal_closed',
          'This proposal has reached its closing time; it can no longer be withdrawn.',
        );
      }
      return p;
    }
  }
}

/** May `actor` do `intent` in this commons at `now`? The same answer decide would give, without deciding. */
export function can(state: CommonsState, actor: string | null, intent: Intent, now: string): Permission {
  try {
    authorise(state, actor, intent, now);
    return { allowed: true };
  } catch (e) {
    if (e instanceof DomainError) return { allowed: false, code: e.code, reason: e.message };
    throw e;
  }
}
