// Givens shared by the rules-for-rules tests: a commons founded with tiers or domains in its constitution.
import type { Action, Constitution, DomainEvent, Procedure, Tiers } from '../../src/index';
import { consensus, consent, foundingEvents, vote, type Given } from '../scenario';

/** Tiers: policy by consent, constitutional by two thirds, entrenched by consensus, and entrenched never changed. */
export const TIERS_OF: Tiers = {
  procedures: {
    policy: consent(24),
    constitutional: vote([2, 3], { hours: 48 }),
    entrenched: consensus(96, 1, 2),
  },
  entrenchedBy: null,
  kinds: { remove_member: 'policy', amend_constitution: 'constitutional', adopt_charter: 'entrenched' },
};

/** The founding events of `foundingEvents`, with these fields added to the founding constitution. */
export function foundedWith(extra: Partial<Constitution>, g: Given = {}): DomainEvent[] {
  const [created, ...rest] = foundingEvents(g);
  const c = created as Extract<DomainEvent, { type: 'CommonsCreated' }>;
  return [{ ...c, data: { ...c.data, constitution: { ...c.data.constitution, ...extra } } }, ...rest];
}

/** An amendment of these rules (and tiers or domains). */
export const amend = (
  rules: Record<string, Procedure>,
  more: { tiers?: unknown; domains?: unknown } = {},
): Action => ({ kind: 'amend_constitution', rules, ...more }) as Action;
