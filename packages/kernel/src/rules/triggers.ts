// Rules that change themselves: a trigger carried by the constitution replaces some rules when its condition holds
// (a number of members, a date, a stakeholder class reaching a size, a role's mandate lapsing unless renewed). A
// condition on the membership fires in the commit of the event that made it true (decided here, so replaying the
// log gives the same constitution); a date fires from the platform's clock (`ApplyDueRules`, see `reviews.ts`).
import { validateRules } from '../constitution';
import { dict, own } from '../dict';
import { DomainError } from '../errors';
import type { DomainEvent } from '../events';
import { definitionOf } from '../procedures';
import type {
  ActionKind,
  CommonsCore,
  CommonsState,
  Constitution,
  Procedure,
  Reason,
  Trigger,
} from '../types';
import type { Evolvers } from '../modules/module';

/** The most triggers a constitution carries. */
export const MAX_TRIGGERS = 20;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const DAY = 86_400_000;

/** What a trigger's check needs to know of the commons: its classes and roles (a template's, before founding). */
export type TriggerContext = Pick<CommonsCore, 'classes' | 'roles'>;

const bad = (what: string): never => {
  throw new DomainError('invalid_trigger', `A trigger is invalid: ${what}.`);
};

/** A whole number in [min, max]. */
const whole = (n: unknown, min: number, max: number): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;

/** An ISO date and time, canonical, or a DomainError naming the field. */
export function isoDate(value: unknown, what: string, code: 'invalid_trigger' | 'invalid_review'): string {
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t) || t < 0 || t > Date.parse('9999-12-31T23:59:59Z'))
    throw new DomainError(code, `${what} must be a date and time.`);
  return new Date(t).toISOString();
}

/** Rules given by a trigger or an adopted template: known kinds, valid procedures, normalised, prototype-free. */
export function checkRuleSet(rules: unknown, core: TriggerContext): Partial<Record<ActionKind, Procedure>> {
  validateRules(rules as Record<string, Procedure>, core as CommonsCore);
  const out = dict<Procedure>() as Partial<Record<ActionKind, Procedure>>;
  for (const [kind, p] of Object.entries(rules as Record<string, Procedure>))
    out[kind as ActionKind] = definitionOf(p).normalise(p);
  return out;
}

/** Checks and normalises a constitution's triggers against the commons (its classes and roles). */
export function checkTriggers(input: unknown, core: TriggerContext): Trigger[] {
  if (!Array.isArray(input)) bad('triggers are a list');
  const list = input as unknown[];
  if (list.length > MAX_TRIGGERS) bad(`a constitution carries at most ${MAX_TRIGGERS} triggers`);
  const seen = new Set<string>();
  return list.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null) bad(`trigger ${i + 1} must be an object`);
    const t = raw as Trigger;
    if (typeof t.id !== 'string' || !ID.test(t.id))
      bad(`trigger ${i + 1} needs an id of letters, digits, - or _`);
    if (seen.has(t.id)) bad(`two triggers are called "${t.id}"`);
    seen.add(t.id);
    if (typeof t.when !== 'object' || t.when === null) bad(`"${t.id}" needs a condition (when)`);
    const w = t.when;
    let when: Trigger['when'];
    switch (w.type) {
      case 'members':
        if (!whole(w.atLeast, 2, 10_000_000)) bad(`"${t.id}": a number of members is a whole number from 2`);
        when = { type: 'members', atLeast: w.atLeast };
        break;
      case 'date':
        when = { type: 'date', at: isoDate(w.at, `"${t.id}": its date`, 'invalid_trigger') };
        break;
      case 'class_size':
        if (typeof w.classId !== 'string' || !core.classes.some((c) => c.id === w.classId))
          bad(`"${t.id}": there is no stakeholder class "${String(w.classId)}" in this commons`);
        if (!whole(w.atLeast, 1, 10_000_000)) bad(`"${t.id}": a class size is a whole number from 1`);
        when = { type: 'class_size', classId: w.classId, atLeast: w.atLeast };
        break;
      case 'mandate_lapse':
        if (typeof w.roleId !== 'string' || !own(core.roles, w.roleId))
          bad(`"${t.id}": there is no role "${String(w.roleId)}" in this commons`);
        if (!whole(w.days, 1, 3650)) bad(`"${t.id}": a mandate lapses after 1 to 3650 days`);
        when = { type: 'mandate_lapse', roleId: w.roleId, days: w.days };
        break;
      default:
        return bad(`"${t.id}": a condition is members, date, class_size or mandate_lapse`);
    }
    let rules: Trigger['rules'];
    try {
      rules = checkRuleSet(t.rules, core);
    } catch (e) {
      if (e instanceof DomainError) bad(`"${t.id}": ${e.message}`);
      throw e;
    }
    return { id: t.id, when, rules: rules! };
  });
}

/** When a date or mandate trigger falls due in this commons (null for one on the membership). */
export function triggerDueAt(t: Trigger, core: CommonsCore): string | null {
  if (t.when.type === 'date') return t.when.at;
  if (t.when.type !== 'mandate_lapse') return null;
  // Renewed by giving the role again: the clock runs from its latest holder's term, else from this version.
  const holders = own(core.roles, t.when.roleId)?.holders ?? [];
  const from = holders.reduce((a, h) => (h.since > a ? h.since : a), '');
  return new Date(Date.parse(from || core.constitution.adoptedAt) + t.when.days * DAY).toISOString();
}

/** The facts a condition reads: the number of members and of each class's members after the events. */
interface Facts {
  members: number;
  classSize(classId: string): number;
  now: string;
  core: CommonsCore;
}

/** Why a trigger fires now, or null if its condition does not hold. `clock`: also the conditions on time. */
function firing(t: Trigger, f: Facts, clock: boolean): Reason | null {
  const w = t.when;
  switch (w.type) {
    case 'members':
      return f.members >= w.atLeast
        ? {
            code: 'trigger_members',
            params: { members: f.members, atLeast: w.atLeast },
            text: `The commons reached ${f.members} members; the rule changed at ${w.atLeast}.`,
          }
        : null;
    case 'class_size': {
      const n = f.classSize(w.classId);
      const name = f.core.classes.find((c) => c.id === w.classId)?.name ?? w.classId;
      return n >= w.atLeast
        ? {
            code: 'trigger_class_size',
            params: { classId: w.classId, members: n, atLeast: w.atLeast },
            text: `${name} reached ${n} members; the rule changed at ${w.atLeast}.`,
          }
        : null;
    }
    case 'date':
      return clock && f.now >= w.at
        ? { code: 'trigger_date', params: { at: w.at }, text: `The date ${w.at} came.` }
        : null;
    case 'mandate_lapse': {
      const due = triggerDueAt(t, f.core)!;
      const name = own(f.core.roles, w.roleId)?.name ?? w.roleId;
      return clock && f.now >= due
        ? {
            code: 'trigger_mandate_lapse',
            params: { roleId: w.roleId, days: w.days, at: due },
            text: `The mandate of ${name} lapsed: it was not renewed within ${w.days} days.`,
          }
        : null;
    }
  }
}

/**
 * The constitution that follows `prev` when `rules` replace some of its rules: the next version, adopted now by no
 * proposal, carrying over everything else (triggers, reviews, sunsets and any field a later issue adds).
 */
export function nextConstitution(
  prev: Constitution,
  changes: {
    rules: Partial<Record<ActionKind, Procedure>>;
    changedBy: NonNullable<Constitution['changedBy']>;
    triggers?: Trigger[];
    sunsets?: Constitution['sunsets'];
  },
  now: string,
): Constitution {
  const { changedBy: _changedBy, triggers, sunsets, ...rest } = prev;
  const rules = dict<Procedure>() as Constitution['rules'];
  for (const [k, p] of Object.entries(prev.rules)) rules[k as ActionKind] = p;
  for (const [k, p] of Object.entries(changes.rules)) rules[k as ActionKind] = p!;
  const nextTriggers = changes.triggers ?? triggers;
  const nextSunsets = changes.sunsets ?? sunsets;
  return {
    ...rest,
    version: prev.version + 1,
    rules,
    adoptedAt: now,
    adoptedBy: null,
    ...(nextTriggers && nextTriggers.length > 0 ? { triggers: nextTriggers } : {}),
    ...(nextSunsets && nextSunsets.length > 0 ? { sunsets: nextSunsets } : {}),
    changedBy: changes.changedBy,
  };
}

/**
 * Fires every trigger of `constitution` whose condition holds, one after the other (each gives a version, and the
 * next is checked against it): the RuleTriggered events, in order.
 */
function fireAll(constitution: Constitution, f: Facts, clock: boolean): DomainEvent[] {
  const out: DomainEvent[] = [];
  for (;;) {
    const triggers = constitution.triggers ?? [];
    let fired: { t: Trigger; reason: Reason } | null = null;
    for (const t of triggers) {
      const reason = firing(t, { ...f, core: { ...f.core, constitution } }, clock);
      if (reason) {
        fired = { t, reason };
        break;
      }
    }
    if (!fired) return out;
    const { t, reason } = fired;
    constitution = nextConstitution(
      constitution,
      {
        rules: t.rules,
        changedBy: { by: 'trigger', id: t.id, reason },
        triggers: triggers.filter((x) => x !== t),
      },
      f.now,
    );
    out.push({ type: 'RuleTriggered', data: { trigger: t, reason, constitution } });
  }
}

const MEMBERSHIP = new Set<DomainEvent['type']>([
  'MemberAdmitted',
  'MemberRemoved',
  'MemberLeft',
  'ApplicationDeclined',
  'ConstitutionAmended',
]);

/** The constitution after these events (the last one they adopt), else the one in force. */
export function constitutionAfter(core: CommonsCore, events: readonly DomainEvent[]): Constitution {
  let c = core.constitution;
  for (const e of events)
    if (e.type === 'ConstitutionAmended' || e.type === 'RuleTriggered' || e.type === 'RuleLapsed')
      c = e.data.constitution;
  return c;
}

/**
 * The triggers on the membership that the events of one command make true: fired in the same commit (an admission
 * that makes the twelfth member carries the change of rules). Reads the membership only when a trigger waits on it.
 */
export function triggersFiredBy(
  state: CommonsState,
  events: readonly DomainEvent[],
  now: string,
): DomainEvent[] {
  const core = state.core;
  const constitution = constitutionAfter(core, events);
  const waiting = constitution.triggers?.some(
    (t) => t.when.type === 'members' || t.when.type === 'class_size',
  );
  if (!waiting || !events.some((e) => MEMBERSHIP.has(e.type))) return [];
  // Each account the events touch, with its classes if a member after them (null if not).
  const after = new Map<string, string[] | null>();
  for (const e of events) {
    if (e.type === 'MemberAdmitted') after.set(e.data.accountId, e.data.classes);
    else if (e.type === 'MemberRemoved' || e.type === 'MemberLeft' || e.type === 'ApplicationDeclined')
      after.set(e.data.accountId, null);
  }
  let members = core.memberCount;
  for (const [id, classes] of after) {
    const was = own(core.members, id)?.status === 'member';
    members += (classes !== null ? 1 : 0) - (was ? 1 : 0);
  }
  let sizes: Map<string, number> | undefined;
  const classSize = (classId: string): number => {
    if (!sizes) {
      sizes = new Map();
      const add = (classes: readonly string[], by: number) => {
        for (const c of new Set(classes)) sizes!.set(c, (sizes!.get(c) ?? 0) + by);
      };
      for (const id of Object.keys(core.members)) {
        const m = core.members[id]!;
        if (m.status === 'member' && !after.has(id)) add(m.classes, 1);
      }
      for (const classes of after.values()) if (classes) add(classes, 1);
    }
    return sizes.get(classId) ?? 0;
  };
  return fireAll(constitution, { members, classSize, now, core }, false);
}

/** The triggers on time (dates, mandates) due at `now`: RuleTriggered events, in order. */
export function dueTriggers(core: CommonsCore, constitution: Constitution, now: string): DomainEvent[] {
  return fireAll(
    constitution,
    {
      members: core.memberCount,
      // Conditions on the membership fire in the commit that made them true; here only time counts.
      classSize: () => -1,
      now,
      core,
    },
    true,
  );
}

/** One plain-language English sentence for a trigger (the web app renders its own translations). */
export function describeTrigger(t: Trigger, core: CommonsCore): string {
  const w = t.when;
  const when =
    w.type === 'members'
      ? `once the commons has ${w.atLeast} members`
      : w.type === 'date'
        ? `on ${w.at}`
        : w.type === 'class_size'
          ? `once ${core.classes.find((c) => c.id === w.classId)?.name ?? w.classId} has ${w.atLeast} members`
          : `if the mandate of ${own(core.roles, w.roleId)?.name ?? w.roleId} is not renewed within ${w.days} days of its last assignment`;
  const kinds = Object.keys(t.rules).join(', ');
  return `The rules for ${kinds} change ${when}.`;
}

export const triggerEvents = {
  RuleTriggered(w, e) {
    const core = w.core();
    core.history = [...core.history, core.constitution];
    core.constitution = e.data.constitution;
  },
} satisfies Evolvers<'RuleTriggered'>;
