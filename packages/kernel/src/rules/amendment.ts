// An amendment as a whole: the constitution it would give, the checks it must pass when it is proposed (the modes of
// its domains, no lock-in) and when it is carried out (the modes again: the commons may have changed in between).
// Its rules for rules (triggers, review dates, sunsets) go through the same checks: a trigger or a sunset changes
// rules later without a vote, so what it would give is checked now, when the amendment that carries it is decided.
import { ruleFor, validateRules } from '../constitution';
import { dict, dictOf } from '../dict';
import { DomainError } from '../errors';
import { definitionOf } from '../procedures';
import type {
  Action,
  ActionKind,
  CommonsCore,
  Constitution,
  Procedure,
  Proposal,
  Reason,
  Tier,
} from '../types';
import { diffConstitution, type DiffLine } from './diff';
import { checkDomains, requireModesKept } from './domains';
import { lockInProblems } from './lock-in';
import { checkReviewDates, checkSunsets, sunsetFallback } from './reviews';
import { amendmentProcedure, checkTiers, touchedTier } from './tiers';
import { checkTriggers, nextConstitution } from './triggers';

export type Amendment = Extract<Action, { kind: 'amend_constitution' }>;

/** The fields of an amendment that change the rules for rules; each, when given, replaces the list in force. */
const RULES_FOR_RULES = ['triggers', 'reviews', 'sunsets'] as const;

/**
 * The amendment checked against the commons and normalised: rules, tiers and domains (null drops them), triggers,
 * review dates and sunsets (each replaces the list in force; an empty list removes it).
 */
export function checkAmendment(core: CommonsCore, action: Amendment): Amendment {
  if (typeof action.rules !== 'object' || action.rules === null || Array.isArray(action.rules))
    throw new DomainError(
      'invalid_action',
      'An amendment gives rules as a record from kinds of action to procedures.',
    );
  const changesRules = Object.keys(action.rules).length > 0;
  const changesRulesForRules = RULES_FOR_RULES.some((f) => action[f] !== undefined);
  if (!changesRules && action.tiers === undefined && action.domains === undefined && !changesRulesForRules)
    throw new DomainError(
      'invalid_action',
      'An amendment must change at least one rule, the tiers, the domains, the triggers, the review dates or the sunsets.',
    );
  const rules = dict<Procedure>() as Partial<Record<ActionKind, Procedure>>;
  if (changesRules) {
    validateRules(action.rules as Record<string, never>, core);
    for (const [kind, p] of Object.entries(action.rules))
      rules[kind as ActionKind] = definitionOf(p).normalise(p);
  }
  const checked: Amendment = { kind: 'amend_constitution', rules };
  if (action.tiers !== undefined)
    checked.tiers = action.tiers === null ? null : checkTiers(action.tiers, core);
  if (action.domains !== undefined)
    checked.domains = action.domains === null ? null : checkDomains(action.domains);
  if (action.triggers !== undefined) checked.triggers = checkTriggers(action.triggers, core);
  if (action.reviews !== undefined) checked.reviews = checkReviewDates(action.reviews);
  if (action.sunsets !== undefined) checked.sunsets = checkSunsets(action.sunsets, core);
  const after = amended(core.constitution, checked, null, '');
  requireModesKept(after);
  // A trigger's or a sunset's version must keep the domains' modes too: it comes without a vote.
  for (const { constitution } of ahead(after, '')) requireModesKept(constitution);
  return checked;
}

/**
 * The constitution `prev` becomes under a checked amendment: its rules over the old ones, its tiers and domains
 * where it names them (null drops them), its triggers, review dates and sunsets where it gives them (an empty list
 * removes them), the rest carried over, the next version.
 */
export function amended(
  prev: Constitution,
  action: Amendment,
  proposalId: string | null,
  now: string,
): Constitution {
  const tiers = action.tiers === undefined ? prev.tiers : (action.tiers ?? undefined);
  const domains = action.domains === undefined ? prev.domains : (action.domains ?? undefined);
  // What an amendment does not change carries over to the new version (the default rule, participation, ...).
  const next: Constitution = {
    ...prev,
    version: prev.version + 1,
    rules: dictOf({ ...prev.rules, ...action.rules }) as Constitution['rules'],
    adoptedAt: now,
    adoptedBy: proposalId,
  };
  delete next.tiers;
  delete next.domains;
  // Adopted by the amendment, not by the trigger or sunset that gave the version before.
  delete next.changedBy;
  if (tiers) next.tiers = tiers;
  if (domains) next.domains = domains;
  for (const f of RULES_FOR_RULES) {
    const list = (action[f] ?? prev[f]) as unknown[] | undefined;
    delete next[f];
    if (list && list.length > 0) (next as unknown as Record<string, unknown[]>)[f] = list;
  }
  return next;
}

/**
 * The versions `c` carries in itself: for each trigger, the constitution it would give if it fired now (its rules
 * over those of `c`), and for each sunset, the one its lapse would give. Each is one step ahead (a trigger's version
 * may carry the other triggers, which are checked here from `c` too).
 */
export function ahead(
  c: Constitution,
  now: string,
): { what: string; params: Record<string, string>; constitution: Constitution }[] {
  const out: { what: string; params: Record<string, string>; constitution: Constitution }[] = [];
  const reason = { code: 'ahead', params: {}, text: '' };
  for (const t of c.triggers ?? [])
    out.push({
      what: `When the trigger "${t.id}" fires`,
      params: { trigger: t.id },
      constitution: nextConstitution(
        c,
        {
          rules: t.rules,
          changedBy: { by: 'trigger', id: t.id, reason },
          triggers: (c.triggers ?? []).filter((x) => x !== t),
        },
        now,
      ),
    });
  for (const s of c.sunsets ?? [])
    out.push({
      what: `When the rule for "${s.kind}" lapses`,
      params: { sunset: s.kind },
      constitution: nextConstitution(
        c,
        {
          rules: { [s.kind]: sunsetFallback(c, s) },
          changedBy: { by: 'sunset', id: s.kind, reason },
          sunsets: (c.sunsets ?? []).filter((x) => x !== s),
        },
        now,
      ),
    });
  return out;
}

/**
 * The lock-in problems `after` would bring to the commons now (`lockInProblems`), then those each of its triggers and
 * sunsets would bring when it changes the rules without a vote (against `after`: a problem `after` already has is
 * told once). A trigger is checked when the amendment or founding that carries it is; when it fires it is not
 * checked again, since the commons decided it then.
 */
export function lockInProblemsAhead(
  core: CommonsCore,
  before: Constitution | null,
  after: Constitution,
  now: string,
): Reason[] {
  const problems = lockInProblems(core, before, after, now);
  for (const { what, params, constitution } of ahead(after, now))
    for (const p of lockInProblems(core, after, constitution, now))
      problems.push({ ...p, params: { ...p.params, ...params }, text: `${what}: ${p.text}` });
  return problems;
}

/** Throws `constitution_locked`, listing every problem, if `after` or what it carries would lock the commons in. */
export function requireNoLockInAhead(
  core: CommonsCore,
  before: Constitution | null,
  after: Constitution,
  now: string,
): void {
  const problems = lockInProblemsAhead(core, before, after, now);
  if (problems.length === 0) return;
  throw new DomainError('constitution_locked', problems.map((p) => p.text).join(' '), { problems });
}

/** What an amendment would do, shown before anyone decides: its difference, what decides it, and what is wrong. */
export interface AmendmentPreview {
  lines: DiffLine[];
  /** The procedure that would decide it now (null when it could not be decided: it changes an entrenched tier). */
  procedure: Procedure | null;
  /** The highest tier it touches (null without tiers). */
  tier: Tier | null;
  /** Everything that would refuse it if proposed now: its domains' modes, then lock-in (empty: none). */
  problems: Reason[];
}

/**
 * A draft amendment previewed against the commons now (the editor's difference and problems as it is edited). A
 * draft that is not well formed (an unknown kind, a bad procedure) is refused as a proposal of it would be.
 */
export function previewAmendment(core: CommonsCore, draft: Amendment, now: string): AmendmentPreview {
  const before = core.constitution;
  let checked: Amendment;
  const problems: Reason[] = [];
  try {
    checked = checkAmendment(core, draft);
  } catch (e) {
    // The modes' refusal lists its problems; anything else (a malformed draft) is refused as it is.
    if (!(e instanceof DomainError) || e.code !== 'invalid_domains' || !Array.isArray(e.details.problems))
      throw e;
    problems.push(...(e.details.problems as Reason[]));
    checked = { ...draft, kind: 'amend_constitution' };
  }
  const after = amended(before, checked, null, now);
  problems.push(...lockInProblemsAhead(core, before, after, now));
  let procedure: Procedure | null = null;
  let tier: Tier | null = null;
  try {
    ({ procedure, tier } = amendmentProcedure(before, after, (k) => ruleFor(before, k)));
  } catch (e) {
    if (!(e instanceof DomainError) || e.code !== 'entrenched') throw e;
    tier = 'entrenched';
    problems.push({ code: 'entrenched', params: { tier }, text: e.message });
  }
  return { lines: diffConstitution(before, after, core), procedure, tier, problems };
}

/**
 * An amendment proposal's difference: from the constitution it was proposed under (its rule version, the current
 * one or one in the history) to what that version becomes under it. Null for any other proposal.
 */
export function amendmentOf(
  core: CommonsCore,
  proposal: Proposal,
): { lines: DiffLine[]; tier: Tier | null } | null {
  if (proposal.action.kind !== 'amend_constitution') return null;
  const before =
    core.constitution.version === proposal.ruleVersion
      ? core.constitution
      : core.history.find((c) => c.version === proposal.ruleVersion);
  if (!before) return null;
  const after = amended(before, proposal.action, null, proposal.openedAt);
  return { lines: diffConstitution(before, after, core), tier: touchedTier(before, after) };
}
