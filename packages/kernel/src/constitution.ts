import { own } from './dict';
import { DomainError } from './errors';
import { ACTION_LABELS } from './actions';
import { definitionOf, procedureDefinition } from './procedures';
import {
  ACTION_KINDS,
  type ActionKind,
  type Audience,
  type CommonsCore,
  type Constitution,
  type Participation,
  type Procedure,
} from './types';

/** Checks one procedure; throws invalid_procedure naming the action kind and what is wrong. */
export function validateProcedure(kind: string, p: Procedure, core?: CommonsCore): void {
  const bad = (what: string): never => {
    throw new DomainError('invalid_procedure', `The rule for "${kind}" is invalid: ${what}.`, { kind });
  };
  if (typeof p !== 'object' || p === null) bad('it must be an object');
  const definition = procedureDefinition(p.type);
  if (!definition) bad(`unknown procedure type "${String((p as { type: unknown }).type)}"`);
  const problem = definition!.problem(p) ?? (core ? (definition!.problemIn?.(p, core) ?? null) : null);
  if (problem) bad(problem);
  const kinds = definition!.kinds;
  if (kinds && !(kinds as readonly string[]).includes(kind))
    bad(`a ${p.type} can decide only ${kinds.map((k) => `"${k}"`).join(', ')}, not "${kind}"`);
}

/** Checks an amendment: known action kinds and valid procedures (in this commons, when `core` is given). */
export function validateRules(rules: Partial<Record<string, Procedure>>, core?: CommonsCore): void {
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) {
    throw new DomainError(
      'invalid_action',
      'An amendment gives rules as a record from kinds of action to procedures.',
    );
  }
  const kinds = Object.keys(rules);
  if (kinds.length === 0)
    throw new DomainError('invalid_action', 'An amendment must change at least one rule.');
  for (const kind of kinds) {
    if (!(ACTION_KINDS as readonly string[]).includes(kind)) {
      throw new DomainError('invalid_procedure', `There is no kind of action called "${kind}".`, { kind });
    }
    validateProcedure(kind, rules[kind] as Procedure, core);
  }
}

/** How long a proposal under this procedure stays open, in hours (0: decided at once if it can be). */
export function openHours(p: Procedure): number {
  return definitionOf(p).openHours(p);
}

/** Members who may decide `kind` alone now: current holders of a role whose mandate includes it. */
export function decidersFor(core: CommonsCore, kind: ActionKind, now: string): string[] {
  const out = new Set<string>();
  for (const role of Object.values(core.roles)) {
    if (!role.mandate.includes(kind)) continue;
    for (const h of role.holders) {
      if ((h.until === null || h.until > now) && own(core.members, h.accountId)?.status === 'member')
        out.add(h.accountId);
    }
  }
  return [...out];
}

/**
 * One plain-language English sentence for a procedure (the web app renders its own translations); with `core`, the
 * commons' stakeholder classes are named by their names.
 */
export function describeProcedure(p: Procedure, core?: CommonsCore): string {
  return definitionOf(p).describe(p, core);
}

/** The whole constitution in plain language, one line per kind of action. */
export function describeConstitution(core: CommonsCore): { kind: ActionKind; label: string; text: string }[] {
  return ACTION_KINDS.map((kind) => ({
    kind,
    label: ACTION_LABELS[kind],
    text: describeProcedure(ruleFor(core.constitution, kind), core),
  }));
}

/** Where a constitution names no rule and no default: the cautious procedure of a week's consent. */
const LAST_RESORT: Procedure = { type: 'consent', hours: 168 };

/**
 * The rule that decides a kind of action: the constitution's own, else its default rule (a kind added to the
 * platform after the constitution was adopted has none), else its rule for resolutions, else a week's consent.
 */
export function ruleFor(constitution: Constitution, kind: ActionKind): Procedure {
  return (
    own(constitution.rules, kind) ??
    constitution.defaultRule ??
    own(constitution.rules, 'resolution') ??
    LAST_RESORT
  );
}

/**
 * Today's participation: members propose and comment, the proposer withdraws, anyone sees. A constitution stored
 * before participation was constitutional data has this.
 */
export const DEFAULT_PARTICIPATION: Participation = Object.freeze({
  propose: { who: 'members' },
  comment: { who: 'members' },
  withdraw: { who: 'proposer' },
  see: { who: 'anyone' },
}) as Participation;

/**
 * Who invites where a constitution names no one: its members. Kept out of DEFAULT_PARTICIPATION, which founding
 * copies into each new commons' log, so that commons founded before and after invitations existed read alike.
 */
const DEFAULT_INVITE: Required<Participation>['invite'] = Object.freeze({ who: 'members' });

/** Who may take part in what under this constitution, each part defaulting to today's behaviour. */
export function participationFor(constitution: Constitution): Required<Participation> {
  const p = constitution.participation;
  return {
    propose: p?.propose ?? DEFAULT_PARTICIPATION.propose,
    comment: p?.comment ?? DEFAULT_PARTICIPATION.comment,
    withdraw: p?.withdraw ?? DEFAULT_PARTICIPATION.withdraw,
    see: p?.see ?? DEFAULT_PARTICIPATION.see,
    invite: p?.invite ?? DEFAULT_INVITE,
  };
}

/** Whether `accountId` is in `audience` in this commons at `now` (`anyone` includes people without an account). */
export function inAudience(
  core: CommonsCore,
  audience: Audience,
  accountId: string | null,
  now: string,
): boolean {
  if (audience.who === 'anyone') return true;
  const member = accountId ? own(core.members, accountId) : undefined;
  if (!member || member.status !== 'member') return false;
  if (audience.who === 'members') return true;
  return audience.roles.some((roleId) =>
    own(core.roles, roleId)?.holders.some(
      (h) => h.accountId === accountId && (h.until === null || h.until > now),
    ),
  );
}

/** One plain-language English sentence for an audience (the web app renders its own translations). */
export function describeAudience(core: CommonsCore, audience: Audience | { who: 'proposer' }): string {
  switch (audience.who) {
    case 'anyone':
      return 'anyone';
    case 'members':
      return 'members';
    case 'proposer':
      return 'the proposer';
    case 'roles': {
      const names = audience.roles.map((r) => own(core.roles, r)?.name ?? r);
      return `members holding ${names.length === 1 ? 'the role' : 'one of the roles'} ${names.join(', ')}`;
    }
  }
}
