import { decisionReviewId, nextRulesDue, own, type CommonsState, type EventEnvelope } from '@peergov/kernel';
import type { DeadlineChange } from '@peergov/store';

// The store's deadline index holds, for each commons, the closing time of every open proposal (id = proposal id),
// so that the closer finds what is due without loading any commons. The write path derives the changes from the
// events it appends; a log from before the index is backfilled from its verified state (openDeadlines).
// Rules for rules add, under ids no proposal can have (they start with `~`), the next time something in the
// constitution falls due (`~rules`: a trigger on time, a sunset, a rule's review) and each passed decision's review
// date (`~review-<proposal>`); the closer asks the kernel for what is due then (`ApplyDueRules`).

/** The deadline of the constitution's next due trigger, sunset or review. */
export const RULES_DEADLINE = '~rules';
/** The deadline of a decision's review. */
export const reviewDeadline = (proposalId: string) => `~review-${proposalId}`;
/** Whether a deadline is one of rules for rules (else a proposal's closing time). */
export const isRulesDeadline = (id: string) => id.startsWith('~');

// The events after which the constitution's next due time may have moved (a role given again renews a mandate).
const MOVES_RULES = new Set<EventEnvelope['type']>([
  'CommonsCreated',
  'ConstitutionAmended',
  'RuleTriggered',
  'RuleLapsed',
  'ReviewOpened',
  'RoleAssigned',
  'RoleUnassigned',
  'MemberRemoved',
  'MemberLeft',
]);

/** The deadline changes an append's events make: a proposal that opens sets its closing time, one that closes drops it. */
export function deadlineChanges(state: CommonsState, events: readonly EventEnvelope[]): DeadlineChange[] {
  const changes = new Map<string, string | null>();
  for (const e of events) {
    const id =
      e.type === 'ProposalOpened'
        ? e.data.id
        : e.type === 'ProposalDecided' || e.type === 'ProposalWithdrawn'
          ? e.data.proposalId
          : null;
    if (id === null) continue;
    // Read from the state after the events, so that a proposal opened and closed in one append ends dropped.
    const p = own(state.proposals, id);
    changes.set(id, p?.status === 'open' ? p.closesAt : null);
    if (e.type === 'ProposalDecided' && p?.status === 'passed' && p.reviewAt)
      changes.set(reviewDeadline(id), p.reviewAt);
  }
  for (const e of events) {
    if (e.type === 'ReviewOpened' && e.data.review.subject.type === 'decision')
      changes.set(reviewDeadline(e.data.review.subject.proposalId), null);
  }
  if (events.some((e) => MOVES_RULES.has(e.type))) changes.set(RULES_DEADLINE, nextRulesDue(state.core));
  return [...changes].map(([id, at]) => ({ id, at }));
}

/** Every deadline a commons' state implies: the closing time of each open proposal, and rules for rules'. */
export function openDeadlines(state: CommonsState): { id: string; at: string }[] {
  const out = Object.values(state.proposals)
    .filter((p) => p.status === 'open')
    .map((p) => ({ id: p.id, at: p.closesAt }));
  for (const p of Object.values(state.proposals))
    if (p.status === 'passed' && p.reviewAt && !own(state.core.reviews, decisionReviewId(p.id)))
      out.push({ id: reviewDeadline(p.id), at: p.reviewAt });
  const next = nextRulesDue(state.core);
  if (next) out.push({ id: RULES_DEADLINE, at: next });
  return out;
}
