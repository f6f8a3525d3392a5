import { DomainError } from '@peergov/kernel';
import type { FastifyBaseLogger } from 'fastify';
import type { CommonsService } from './commons-service';

/** Closes proposals whose closing time has passed (the platform's clock acts with actor null). */
export async function closeDueProposals(
  commons: CommonsService,
  now = new Date(),
  log?: FastifyBaseLogger,
): Promise<number> {
  let closed = 0;
  const at = now.toISOString();
  for (const id of await commons.listIds()) {
    const state = await commons.get(id);
    if (!state) continue;
    for (const p of Object.values(state.proposals)) {
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
  }
  return closed;
}
