import { own } from './dict';
import { DomainError } from './errors';
import { ACTION_KINDS, type ActionKind, type CommonsCore, type Procedure, type Ratio } from './types';

const MAX_HOURS = 24 * 365;

function validRatio(r: unknown): r is Ratio {
  const v = r as Ratio;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isSafeInteger(v.num) &&
    Number.isSafeInteger(v.den) &&
    v.den > 0 &&
    v.num >= 0 &&
    v.num <= v.den
  );
}

function validHours(h: unknown, min: number): boolean {
  return typeof h === 'number' && Number.isInteger(h) && h >= min && h <= MAX_HOURS;
}

/** Checks one procedure; throws invalid_procedure naming the action kind and what is wrong. */
export function validateProcedure(kind: string, p: Procedure): void {
  const bad = (what: string): never => {
    throw new DomainError('invalid_procedure', `The rule for "${kind}" is invalid: ${what}.`, { kind });
  };
  if (typeof p !== 'object' || p === null) bad('it must be an object');
  switch (p.type) {
    case 'automatic':
      return;
    case 'role':
      if (!validHours(p.objectionHours, 0))
        bad(`objectionHours must be a whole number from 0 to ${MAX_HOURS}`);
      return;
    case 'consent':
      if (!validHours(p.hours, 1)) bad(`hours must be a whole number from 1 to ${MAX_HOURS}`);
      return;
    case 'consensus':
      if (!validHours(p.hours, 1)) bad(`hours must be a whole number from 1 to ${MAX_HOURS}`);
      if (!validRatio(p.minParticipation)) bad('minParticipation must be a fraction between 0 and 1');
      return;
    case 'vote':
      if (!validHours(p.hours, 1)) bad(`hours must be a whole number from 1 to ${MAX_HOURS}`);
      if (!validRatio(p.threshold) || p.threshold.num === 0)
        bad('threshold must be a fraction above 0 and at most 1');
      if (!validRatio(p.quorum)) bad('quorum must be a fraction between 0 and 1');
      if (typeof p.strict !== 'boolean') bad('strict must be true or false');
      if (!['quorum_only', 'ignored', 'against'].includes(p.abstentions)) {
        bad('abstentions must be quorum_only, ignored or against');
      }
      if (p.strict && p.threshold.num === p.threshold.den) bad('a strict threshold of 1 can never be met');
      return;
    default:
      bad(`unknown procedure type "${(p as { type: unknown }).type}"`);
  }
}

/** Checks an amendment: known action kinds and valid procedures. */
export function validateRules(rules: Partial<Record<string, Procedure>>): void {
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
    validateProcedure(kind, rules[kind] as Procedure);
  }
}

/** How long a proposal under this procedure stays open, in hours (0: decided at once if it can be). */
export function openHours(p: Procedure): number {
  switch (p.type) {
    case 'automatic':
      return 0;
    case 'role':
      // Without an objection window a role holder still needs time to decide: a week.
      return p.objectionHours > 0 ? p.objectionHours : 168;
    default:
      return p.hours;
  }
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

const frac = (r: Ratio) => (r.num === 1 && r.den === 2 ? 'half' : `${r.num}/${r.den}`);

/** One plain-language English sentence for a procedure (the web app renders its own translations). */
export function describeProcedure(p: Procedure): string {
  switch (p.type) {
    case 'automatic':
      return 'Happens at once when a member asks for it.';
    case 'role':
      return p.objectionHours > 0
        ? `A member holding a role with this mandate decides; any member may object within ${p.objectionHours} hours.`
        : 'A member holding a role with this mandate decides alone.';
    case 'consent':
      return `Passes after ${p.hours} hours unless a member objects.`;
    case 'consensus':
      return `Passes after ${p.hours} hours if no one blocks and at least ${frac(p.minParticipation)} of members take part.`;
    case 'vote': {
      const abst =
        p.abstentions === 'quorum_only'
          ? 'abstentions count toward the quorum only'
          : p.abstentions === 'ignored'
            ? 'abstentions are not counted'
            : 'abstentions count as votes against';
      return `A vote over ${p.hours} hours: passes if ${p.strict ? 'more than' : 'at least'} ${frac(p.threshold)} of votes agree, with at least ${frac(p.quorum)} of members taking part; ${abst}.`;
    }
  }
}

/** Plain-language labels for each kind of action. */
export const ACTION_LABELS: Record<ActionKind, string> = {
  admit_member: 'Admit a member',
  remove_member: 'Remove a member',
  create_role: 'Create a role',
  change_role: 'Change a role',
  assign_role: 'Give a member a role',
  unassign_role: 'Recall a member from a role',
  adopt_charter: 'Adopt the charter',
  amend_constitution: 'Amend the constitution',
  resolution: 'Decide anything else',
};

/** The whole constitution in plain language, one line per kind of action. */
export function describeConstitution(core: CommonsCore): { kind: ActionKind; label: string; text: string }[] {
  return ACTION_KINDS.map((kind) => ({
    kind,
    label: ACTION_LABELS[kind],
    text: describeProcedure(core.constitution.rules[kind]),
  }));
}
