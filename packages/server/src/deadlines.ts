import { own, type CommonsState, type EventEnvelope } from '@peergov/kernel';
import type { DeadlineChange } from '@peergov/store';

// The store's deadline index holds, for each commons, the closing time of every open proposal (id = proposal id),
// so that the closer finds what is due without loading any commons. The write path derives the changes from the
// events it appends; a log from before the index is backfilled from its verified state (openDeadlines).

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
  }
  return [...changes].map(([id, at]) => ({ id, at }));
}

/** Every deadline a commons' state implies: the closing time of each open proposal. */
export function openDeadlines(state: CommonsState): { id: string; at: string }[] {
  return Object.values(state.proposals)
    .filter((p) => p.status === 'open')
    .map((p) => ({ id: p.id, at: p.closesAt }));
}
