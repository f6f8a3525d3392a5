import { DomainError } from '@peergov/kernel';
import type { Deadline } from '@peergov/store';
import type { FastifyBaseLogger } from 'fastify';
import type { CommonsService } from './commons-service';
import { isRulesDeadline } from './deadlines';
import { ApiError } from './problems';

/** Due deadlines read per query. */
const PAGE = 500;
/** Logs from before the deadline index backfilled per round (each is loaded and verified once). */
const BACKFILL_PER_ROUND = 200;

/**
 * Closes proposals whose closing time has passed (the platform's clock acts with actor null). What is due comes from
 * the store's deadline index, so only commons with a proposal due are loaded, never every commons; a round first
 * backfills the index for a share of the logs from before it (see CommonsService.indexDeadlines). Never throws: a
 * store that is away (a PostgreSQL failover) or one commons that fails costs this round for it, never the process;
 * each failure is logged and the next round tries again.
 */
export async function closeDueProposals(
  commons: CommonsService,
  now = new Date(),
  log?: FastifyBaseLogger,
): Promise<number> {
  try {
    await commons.indexDeadlines(BACKFILL_PER_ROUND);
  } catch (err) {
    log?.error({ err }, 'backfilling the deadline index failed');
  }
  let closed = 0;
  const at = now.toISOString();
  let after: Deadline | undefined;
  for (;;) {
    let due: Deadline[];
    try {
      due = await commons.dueDeadlines(at, PAGE, after);
    } catch (err) {
      log?.error({ err }, 'reading the due deadlines failed');
      return closed;
    }
    // The proposals due in one commons are queued together, so that they share one append.
    const byCommons = new Map<string, string[]>();
    for (const d of due) byCommons.set(d.commonsId, [...(byCommons.get(d.commonsId) ?? []), d.id]);
    for (const [id, proposals] of byCommons) {
      // A commons whose log failed verification is read-only: nothing is decided there until it is restored.
      if (!commons.integrityOf(id).ok) continue;
      // Rules for rules' deadlines (a trigger on time, a sunset, a review) are one command for the commons, after
      // the proposals due close (a decision passed now may carry a review date of its own).
      const closing = proposals.filter((p) => !isRulesDeadline(p));
      const results = await Promise.allSettled(
        closing.map((proposalId) => commons.execute(id, { type: 'CloseProposal', proposalId }, null)),
      );
      if (closing.length < proposals.length) {
        try {
          await commons.execute(id, { type: 'ApplyDueRules' }, null);
        } catch (err) {
          // Nothing due (another process applied it first) is fine; anything else is logged.
          if (!(err instanceof DomainError) && !isIntegrity(err))
            log?.error({ err, commons: id }, 'applying the rules due failed');
        }
      }
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') closed += 1;
        // Another process may have closed it first (a DomainError), or the log fails verification: both are fine.
        else if (!(r.reason instanceof DomainError) && !isIntegrity(r.reason))
          log?.error({ err: r.reason, commons: id, proposal: closing[i] }, 'closing a proposal failed');
      });
    }
    const last = due.at(-1);
    if (due.length < PAGE || last === undefined) return closed;
    after = last;
  }
}

const isIntegrity = (e: unknown) => e instanceof ApiError && e.code === 'log_integrity';
