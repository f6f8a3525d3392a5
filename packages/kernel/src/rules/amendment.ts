// An amendment as a whole: the constitution it would give, the checks it must pass when it is proposed (the modes of
// its domains, no lock-in) and when it is carried out (the modes again: the commons may have changed in between).
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
import { amendmentProcedure, checkTiers, touchedTier } from './tiers';

export type Amendment = Extract<Action, { kind: 'amend_constitution' }>;

/** The amendment checked against the commons and normalised: rules, tiers and domains (null drops them). */
export function checkAmendment(core: CommonsCore, action: Amendment): Amendment {
  if (typeof action.rules !== 'object' || action.rules === null || Array.isArray(action.rules))
    throw new DomainError(
      'invalid_action',
      'An amendment gives rules as a record from kinds of action to procedures.',
    );
  const changesRules = Object.keys(action.rules).length > 0;
  if (!changesRules && action.tiers === undefined && action.domains === undefined)
    throw new DomainError(
      'invalid_action',
      'An amendment must change at least one rule, the tiers or the domains.',
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
  requireModesKept(amended(core.constitution, checked, null, ''));
  return checked;
}

/**
 * The constitution `prev` becomes under a checked amendment: its rules over the old ones, its tiers and domains
 * where it names them (null drops them), the rest carried over, the next version.
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
  if (tiers) next.tiers = tiers;
  if (domains) next.domains = domains;
  return next;
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
    checked = { kind: 'amend_constitution', rules: draft.rules, tiers: draft.tiers, domains: draft.domains };
  }
  const after = amended(before, checked, null, now);
  problems.push(...lockInProblems(core, before, after, now));
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
