// Tiers and entrenchment: rules sit in tiers (operational, policy, constitutional, entrenched); a change to a rule
// of a tier takes the procedure of the tier above it, and the entrenched tier changes only by the procedure it names
// for itself, or not at all. An amendment is decided by what the highest tier it touches needs.
import { validateProcedure } from '../constitution';
import { dict, own } from '../dict';
import { DomainError } from '../errors';
import { definitionOf } from '../procedures';
import {
  ACTION_KINDS,
  TIERS,
  type ActionKind,
  type CommonsCore,
  type Constitution,
  type Domain,
  type Procedure,
  type Tier,
  type Tiers,
} from '../types';

/** The rank of a tier, 0 for operational to 3 for entrenched. */
export const tierRank = (t: Tier): number => TIERS.indexOf(t);

/** The higher of two tiers (null is below every tier). */
export function higherTier(a: Tier | null, b: Tier | null): Tier | null {
  if (a === null) return b;
  if (b === null) return a;
  return tierRank(a) >= tierRank(b) ? a : b;
}

const isTier = (t: unknown): t is Tier => typeof t === 'string' && (TIERS as readonly string[]).includes(t);

/** The domain a kind of action is in, or undefined. */
export function domainOf(constitution: Constitution, kind: ActionKind): Domain | undefined {
  return constitution.domains?.find((d) => d.kinds.includes(kind));
}

/** The tier a kind of action sits in: its own, else its domain's, else operational; null without tiers. */
export function tierOf(constitution: Constitution, kind: ActionKind): Tier | null {
  if (!constitution.tiers) return null;
  return own(constitution.tiers.kinds, kind) ?? domainOf(constitution, kind)?.tier ?? 'operational';
}

/**
 * The procedure that changes a rule of `tier`: the procedure of the tier above, or for the entrenched tier the one
 * it names for itself (null: it cannot be changed).
 */
export function procedureToChange(tiers: Tiers, tier: Tier): Procedure | null {
  switch (tier) {
    case 'operational':
      return tiers.procedures.policy;
    case 'policy':
      return tiers.procedures.constitutional;
    case 'constitutional':
      return tiers.procedures.entrenched;
    case 'entrenched':
      return tiers.entrenchedBy;
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The highest tier (of `before`, the constitution in force) an amendment touches: each kind whose rule, tier or
 * domain it changes, in the higher of its tier before and after; a tier whose procedure it changes (the procedure of
 * a tier decides changes below it, so changing it is a change of that tier); a domain renamed or given another mode,
 * in its tier; a trigger or sunset added, changed or removed, in the tiers of the kinds it changes; dropping the
 * tiers touches the entrenched tier. Null where `before` has no tiers.
 */
export function touchedTier(before: Constitution, after: Constitution): Tier | null {
  const tiers = before.tiers;
  if (!tiers) return null;
  if (!after.tiers) return 'entrenched';
  let top: Tier | null = null;
  const touch = (t: Tier | null) => (top = higherTier(top, t));
  for (const kind of ACTION_KINDS) {
    const changed =
      !same(own(before.rules, kind), own(after.rules, kind)) ||
      tierOf(before, kind) !== tierOf(after, kind) ||
      domainOf(before, kind)?.id !== domainOf(after, kind)?.id;
    if (changed) touch(higherTier(tierOf(before, kind), tierOf(after, kind)));
  }
  for (const t of ['policy', 'constitutional', 'entrenched'] as const)
    if (!same(tiers.procedures[t], after.tiers.procedures[t])) touch(t);
  if (!same(tiers.entrenchedBy, after.tiers.entrenchedBy)) touch('entrenched');
  const afterDomains = new Map((after.domains ?? []).map((d) => [d.id, d]));
  for (const d of before.domains ?? []) {
    const next = afterDomains.get(d.id);
    if (!next || next.name !== d.name || next.mode !== d.mode || next.tier !== d.tier)
      touch(higherTier(d.tier ?? 'operational', next?.tier ?? null));
  }
  const beforeIds = new Set((before.domains ?? []).map((d) => d.id));
  for (const d of after.domains ?? []) if (!beforeIds.has(d.id)) touch(d.tier ?? 'operational');
  // Rules for rules: a trigger or a sunset changes the rules of its kinds later, without a vote, so adding, changing
  // or removing one touches those kinds' tiers (before and after); a review date changes no rule.
  const kindTier = (kind: ActionKind) => touch(higherTier(tierOf(before, kind), tierOf(after, kind)));
  const triggersBefore = new Map((before.triggers ?? []).map((t) => [t.id, t]));
  const triggersAfter = new Map((after.triggers ?? []).map((t) => [t.id, t]));
  for (const id of new Set([...triggersBefore.keys(), ...triggersAfter.keys()])) {
    const [b, a] = [triggersBefore.get(id), triggersAfter.get(id)];
    if (same(b, a)) continue;
    for (const kind of Object.keys({ ...b?.rules, ...a?.rules }) as ActionKind[]) kindTier(kind);
  }
  for (const kind of ACTION_KINDS) {
    const find = (c: Constitution) => c.sunsets?.find((x) => x.kind === kind);
    if (!same(find(before), find(after))) kindTier(kind);
  }
  // An amendment that changes nothing but wording still needs the lowest bar.
  return top ?? 'operational';
}

/**
 * The procedure that decides an amendment from `before` to `after`: without tiers, the rule of
 * `amend_constitution`; with tiers, what the highest tier it touches needs. DomainError `entrenched` when that tier
 * cannot be changed.
 */
export function amendmentProcedure(
  before: Constitution,
  after: Constitution,
  rule: (kind: ActionKind) => Procedure,
): { procedure: Procedure; tier: Tier | null } {
  const tier = touchedTier(before, after);
  if (tier === null || !before.tiers) return { procedure: rule('amend_constitution'), tier: null };
  const procedure = procedureToChange(before.tiers, tier);
  if (!procedure) {
    throw new DomainError(
      'entrenched',
      'This amendment changes the entrenched tier, which this constitution says can never be changed.',
      { tier },
    );
  }
  return { procedure, tier };
}

/** Checks and normalises tiers from an amendment (procedures valid for amendments in this commons, known kinds). */
export function checkTiers(tiers: unknown, core: CommonsCore): Tiers {
  const bad = (what: string): never => {
    throw new DomainError('invalid_tiers', `The tiers are invalid: ${what}.`);
  };
  if (typeof tiers !== 'object' || tiers === null || Array.isArray(tiers)) bad('they must be an object');
  const t = tiers as Tiers;
  if (typeof t.procedures !== 'object' || t.procedures === null)
    bad('they need the procedure of the policy, constitutional and entrenched tiers');
  const procedures = dict<Procedure>();
  for (const tier of ['policy', 'constitutional', 'entrenched'] as const) {
    const p = own(t.procedures as unknown as Record<string, Procedure>, tier);
    if (!p) bad(`the ${tier} tier needs a procedure`);
    validateProcedure('amend_constitution', p!, core);
    procedures[tier] = definitionOf(p!).normalise(p!);
  }
  let entrenchedBy: Procedure | null = null;
  if (t.entrenchedBy !== null && t.entrenchedBy !== undefined) {
    validateProcedure('amend_constitution', t.entrenchedBy, core);
    entrenchedBy = definitionOf(t.entrenchedBy).normalise(t.entrenchedBy);
  }
  const kinds = dict<Tier>() as Partial<Record<ActionKind, Tier>>;
  if (t.kinds !== undefined) {
    if (typeof t.kinds !== 'object' || t.kinds === null || Array.isArray(t.kinds))
      bad('kinds must be a record from kinds of action to tiers');
    for (const [kind, tier] of Object.entries(t.kinds)) {
      if (!(ACTION_KINDS as readonly string[]).includes(kind))
        bad(`there is no kind of action called "${kind}"`);
      if (!isTier(tier)) bad(`"${String(tier)}" is not a tier (${TIERS.join(', ')})`);
      kinds[kind as ActionKind] = tier;
    }
  }
  return {
    procedures: procedures as Tiers['procedures'],
    entrenchedBy,
    ...(Object.keys(kinds).length > 0 ? { kinds } : {}),
  };
}

/** Whether `t` is a tier. */
export { isTier };
