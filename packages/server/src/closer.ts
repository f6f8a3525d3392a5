import { DomainError } from '@peergov/kernel';
import type { FastifyBaseLogger } from 'fastify';
import type { CommonsService } from './commons-service';

/**
 * Closes proposals whose closing time has passed (the platform's clock acts with actor null). Never throws: a store
 * that is away (a PostgreSQL failover) or one commons that fails costs this round for it, never the process; each
 * failure is logged and the next round tries again.
 */
export async function closeDueProposals(
  commons: CommonsService,
  now = new Date(),
  log?: FastifyBaseLogger,
): Promise<number> {
  let closed = 0;
  const at = now.toISOString();
  let ids: string[];
  try {
    ids = await commons.listIds();
  } catch (err) {
    log?.error({ err }, 'listing commons to close due proposals failed');
    return 0;
  }
  for (const id of ids) {
    try {
      const current = await commons.current(id);
      // A commons whose log failed verification is read-only: nothing is decided there until it is restored.
      if (!current || !current.integrity.ok) continue;
      for (const p of Object.values(current.state.proposals)) {
        if (p.status !== 'open' || p.closesAt > at) continue;
        try {
          await commons.execute(id, { type: 'CloseProposal', proposalId: p.id }, null);
          closed += 1;
        } catch (e) {
          // Another process may have closed it first; that is fine.
          if (!(e instanceof DomainError))
            log?.error({ err: e, commons: id, proposal: p.id }, 'closing a proposal failed');
        }
      }
    } catch (err) {
      log?.error({ err, commons: id }, 'closing due proposals of a commons failed');
    }
  }
  return closed;
}
