// An amendment shown as a plain-language difference: rule by rule, then tiers and domains, what the constitution
// says now and what it would say after. Pure: the API returns it on an amendment's view before anyone takes a
// position, and for a draft; the web app renders its own translations from the codes and data of each line.
import { ACTION_LABELS } from '../actions';
import { describeProcedure, ruleFor } from '../constitution';
import { ACTION_KINDS, type CommonsCore, type Constitution, type Procedure } from '../types';
import { MODE_DEFINITIONS } from './domains';
import { domainOf, tierOf } from './tiers';

/** One line of a difference: a stable code, what it is about, the procedures before and after, English text. */
export interface DiffLine {
  code:
    | 'rule'
    | 'tiers_added'
    | 'tiers_removed'
    | 'tier_procedure'
    | 'entrenched_by'
    | 'kind_tier'
    | 'domain_added'
    | 'domain_removed'
    | 'domain_renamed'
    | 'domain_mode'
    | 'domain_tier'
    | 'kind_domain'
    | 'trigger_added'
    | 'trigger_removed'
    | 'trigger_changed'
    | 'reviews_changed'
    | 'sunsets_changed';
  params: Record<string, string>;
  /** For a rule or a tier's procedure: before and after (null: none). */
  before?: Procedure | null;
  after?: Procedure | null;
  text: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const CHANGES: Record<'policy' | 'constitutional' | 'entrenched', string> = {
  policy: 'operational',
  constitutional: 'policy',
  entrenched: 'constitutional',
};

/** The difference between two constitutions of this commons, in plain English lines (empty: no difference). */
export function diffConstitution(before: Constitution, after: Constitution, core: CommonsCore): DiffLine[] {
  const lines: DiffLine[] = [];
  const say = (p: Procedure | null) => (p ? `"${describeProcedure(p, core)}"` : 'none');
  for (const kind of ACTION_KINDS) {
    const was = ruleFor(before, kind);
    const becomes = ruleFor(after, kind);
    if (same(was, becomes)) continue;
    lines.push({
      code: 'rule',
      params: { kind },
      before: was,
      after: becomes,
      text: `${ACTION_LABELS[kind]}: was ${say(was)}, becomes ${say(becomes)}`,
    });
  }
  const bt = before.tiers;
  const at = after.tiers;
  if (!bt && at)
    lines.push({
      code: 'tiers_added',
      params: {},
      text: 'Rules are put in tiers: a change to a rule takes the procedure of the tier above it.',
    });
  if (bt && !at)
    lines.push({
      code: 'tiers_removed',
      params: {},
      text: 'The tiers are dropped: an amendment is again decided by the rule for amending the constitution.',
    });
  if (at) {
    for (const tier of ['policy', 'constitutional', 'entrenched'] as const) {
      const was = bt?.procedures[tier] ?? null;
      const becomes = at.procedures[tier];
      if (same(was, becomes)) continue;
      lines.push({
        code: 'tier_procedure',
        params: { tier, changes: CHANGES[tier] },
        before: was,
        after: becomes,
        text: `The procedure of the ${tier} tier (it changes ${CHANGES[tier]} rules): was ${say(was)}, becomes ${say(becomes)}`,
      });
    }
    const was = bt ? bt.entrenchedBy : null;
    if (!bt || !same(was, at.entrenchedBy))
      lines.push({
        code: 'entrenched_by',
        // `added`: the tiers are new, so there was no way before.
        params: bt ? {} : { added: 'yes' },
        before: was,
        after: at.entrenchedBy,
        text: `The entrenched tier changes ${at.entrenchedBy ? `by ${say(at.entrenchedBy)}` : 'never'}${bt ? ` (was ${was ? `by ${say(was)}` : 'never'})` : ''}`,
      });
    for (const kind of ACTION_KINDS) {
      const from = tierOf(before, kind);
      const to = tierOf(after, kind)!;
      // Tiers new to the constitution: only kinds placed above the operational tier are news.
      if (from === to || (from === null && to === 'operational')) continue;
      lines.push({
        code: 'kind_tier',
        params: { kind, before: from ?? '', after: to },
        text: `${ACTION_LABELS[kind]}: ${from ? `moves from the ${from} tier to the ${to} tier` : `is in the ${to} tier`}`,
      });
    }
  }
  const beforeDomains = new Map((before.domains ?? []).map((d) => [d.id, d]));
  const afterDomains = new Map((after.domains ?? []).map((d) => [d.id, d]));
  const mode = (m: keyof typeof MODE_DEFINITIONS) => MODE_DEFINITIONS[m].describe;
  for (const d of after.domains ?? []) {
    const old = beforeDomains.get(d.id);
    if (!old) {
      lines.push({
        code: 'domain_added',
        params: { domain: d.name, mode: d.mode, tier: d.tier ?? '' },
        text: `A new domain "${d.name}", run by ${mode(d.mode)}${d.tier ? `, in the ${d.tier} tier` : ''}`,
      });
      continue;
    }
    if (old.name !== d.name)
      lines.push({
        code: 'domain_renamed',
        params: { before: old.name, after: d.name },
        text: `The domain "${old.name}" is renamed "${d.name}"`,
      });
    if (old.mode !== d.mode)
      lines.push({
        code: 'domain_mode',
        params: { domain: d.name, before: old.mode, after: d.mode },
        text: `The domain "${d.name}": was run by ${mode(old.mode)}, becomes run by ${mode(d.mode)}`,
      });
    if ((old.tier ?? '') !== (d.tier ?? ''))
      lines.push({
        code: 'domain_tier',
        params: { domain: d.name, before: old.tier ?? '', after: d.tier ?? '' },
        text: `The domain "${d.name}": ${d.tier ? `moves to the ${d.tier} tier` : 'no longer has a tier of its own'}${old.tier ? ` (was ${old.tier})` : ''}`,
      });
  }
  for (const d of before.domains ?? [])
    if (!afterDomains.has(d.id))
      lines.push({
        code: 'domain_removed',
        params: { domain: d.name },
        text: `The domain "${d.name}" is dissolved`,
      });
  for (const kind of ACTION_KINDS) {
    const from = domainOf(before, kind);
    const to = domainOf(after, kind);
    if (from?.id === to?.id) continue;
    lines.push({
      code: 'kind_domain',
      params: { kind, before: from?.name ?? '', after: to?.name ?? '' },
      text: `${ACTION_LABELS[kind]}: ${to ? `moves to the domain "${to.name}"` : 'is no longer in a domain'}${from ? ` (was in "${from.name}")` : ''}`,
    });
  }
  // Rules for rules: triggers by id, then the review dates and the sunsets as lists.
  const triggersBefore = new Map((before.triggers ?? []).map((t) => [t.id, t]));
  const triggersAfter = new Map((after.triggers ?? []).map((t) => [t.id, t]));
  for (const [id, t] of triggersAfter) {
    const was = triggersBefore.get(id);
    if (!was)
      lines.push({
        code: 'trigger_added',
        params: { id },
        text: `A rule that changes itself is added: "${t.id}"`,
      });
    else if (!same(was, t))
      lines.push({
        code: 'trigger_changed',
        params: { id },
        text: `The rule that changes itself "${id}" changes`,
      });
  }
  for (const id of triggersBefore.keys())
    if (!triggersAfter.has(id))
      lines.push({
        code: 'trigger_removed',
        params: { id },
        text: `The rule that changes itself "${id}" is removed`,
      });
  if (!same(before.reviews ?? [], after.reviews ?? []))
    lines.push({ code: 'reviews_changed', params: {}, text: 'The review dates of rules change' });
  if (!same(before.sunsets ?? [], after.sunsets ?? []))
    lines.push({ code: 'sunsets_changed', params: {}, text: 'The sunsets of rules change (or are renewed)' });
  return lines;
}
