// Plain-language sentences for the domain, in the reader's language: procedures, actions, reasons, log events.
import { formatMinor } from './money';
import type { Translate } from './i18n';
import type { MessageKey } from './i18n/en';
import {
  ACTION_KINDS,
  MODES,
  TIERS,
  type Action,
  type ActionKind,
  type Commons,
  type DiffLine,
  type Mode,
  type ProblemLine,
  type Procedure,
  type Ratio,
  type Reason,
  type Stance,
  type Tier,
} from './api/types';

/** A fraction as words where there are common words for it ("half", "two thirds"), else "3/5". */
export function fraction(t: Translate, r: Ratio | string): string {
  const [num, den] = typeof r === 'string' ? r.split('/').map(Number) : [r.num, r.den];
  const known: Record<string, MessageKey> = {
    '0/1': 'frac.none',
    '1/1': 'frac.all',
    '1/2': 'frac.half',
    '1/3': 'frac.third',
    '2/3': 'frac.twoThirds',
    '1/4': 'frac.quarter',
    '3/4': 'frac.threeQuarters',
  };
  const key = known[`${num}/${den}`];
  if (key) return t(key);
  if (num === 0) return t('frac.none');
  return `${num}/${den}`;
}

/** The rule for a kind of action in a commons' or a template's rules: the views name one for every kind. */
export function ruleOf(rules: Readonly<Record<string, Procedure>>, kind: ActionKind): Procedure {
  const rule = Object.hasOwn(rules, kind) ? rules[kind] : undefined;
  if (rule === undefined) throw new Error(`these rules name no procedure for "${kind}"`);
  return rule;
}

/** A duration given in hours, as days where it divides evenly. */
export function duration(t: Translate, hours: number): string {
  if (hours > 0 && hours % 24 === 0) return t('time.days', { count: hours / 24 });
  return t('time.hours', { count: hours });
}

type ChamberRule = Extract<Procedure, { type: 'chambers' }>['chambers'][number]['rule'];

/** How one chamber decides, in words ("more than half of its votes agree, ..."). */
export function describeChamberRule(t: Translate, r: ChamberRule): string {
  switch (r.type) {
    case 'vote':
      return t(r.strict ? 'proc.chamber.voteStrict' : 'proc.chamber.vote', {
        threshold: fraction(t, r.threshold),
        quorum: fraction(t, r.quorum),
      });
    case 'consent':
      return t('proc.chamber.consent');
    case 'consensus':
      return t('proc.chamber.consensus', { share: fraction(t, r.minParticipation) });
  }
}

/**
 * One sentence saying how a procedure decides; `className` names a stakeholder class (chambers), by its id where
 * not given.
 */
export function describeProcedure(
  t: Translate,
  p: Procedure,
  className: (id: string) => string = (id) => id,
): string {
  switch (p.type) {
    case 'automatic':
      return p.objectionHours
        ? t('proc.automaticWindow', { time: duration(t, p.objectionHours) })
        : t('proc.automatic');
    case 'role': {
      const rule =
        p.objectionHours > 0
          ? t('proc.roleObjection', { time: duration(t, p.objectionHours) })
          : t('proc.roleAlone');
      // Separation of duties (resources, issue 15): the one who asks does not decide.
      return p.excludeProposer ? `${rule} ${t('proc.role.excludeProposer')}` : rule;
    }
    case 'consent':
      return t('proc.consent', { time: duration(t, p.hours) });
    case 'consensus':
      return t('proc.consensus', { time: duration(t, p.hours), share: fraction(t, p.minParticipation) });
    case 'vote': {
      const abst: MessageKey =
        p.abstentions === 'quorum_only'
          ? 'proc.abst.quorum_only'
          : p.abstentions === 'ignored'
            ? 'proc.abst.ignored'
            : 'proc.abst.against';
      const main = t(p.strict ? 'proc.voteStrict' : 'proc.vote', {
        time: duration(t, p.hours),
        threshold: fraction(t, p.threshold),
        quorum: fraction(t, p.quorum),
        abstentions: t(abst),
      });
      return p.delegation ? `${main} ${t('proc.voteDelegation')}` : main;
    }
    case 'election':
      return p.nominationHours > 0
        ? t('proc.election', {
            nominations: duration(t, p.nominationHours),
            time: duration(t, p.hours),
            method: t(`election.rule.${p.method}` as MessageKey),
          })
        : t('proc.electionByProposer', {
            time: duration(t, p.hours),
            method: t(`election.rule.${p.method}` as MessageKey),
          });
    case 'poll':
      return t('proc.poll', {
        time: duration(t, p.hours),
        method: t(`poll.rule.${p.method}` as MessageKey, {
          min: p.min ?? 0,
          max: p.max ?? 0,
          count: p.points ?? p.credits ?? 0,
        }),
      });
    case 'by_amount': {
      // Resources (issue 15): each band's procedure, then the one above the last.
      const amount = (upTo: number) => (p.unit ? formatMinor(String(upTo), p.unit, locale(t)) : String(upTo));
      const inner = (q: Procedure) => lowerFirst(describeProcedure(t, q, className)).replace(/\.$/, '');
      const bands = p.bands
        .map((b) => t('proc.byAmount.band', { amount: amount(b.upTo), rule: inner(b.procedure) }))
        .join('; ');
      const last = p.bands[p.bands.length - 1];
      return t('proc.byAmount', {
        bands,
        amount: last ? amount(last.upTo) : '0',
        rule: inner(p.otherwise),
      });
    }
    case 'chambers': {
      const chambers = p.chambers
        .map((c) => {
          const extra = [
            ...(p.weighted ? [t('proc.chamber.weight', { count: c.weight ?? 1 })] : []),
            ...(c.veto ? [t('proc.chamber.veto')] : []),
          ];
          const item = t('proc.chamber.item', {
            class: className(c.classId),
            rule: describeChamberRule(t, c.rule),
          });
          return extra.length > 0 ? `${item} (${extra.join('; ')})` : item;
        })
        .join('; ');
      const main = t('proc.chambers', { time: duration(t, p.hours), chambers });
      if (!p.weighted) return main;
      return `${main} ${t(p.weighted.strict ? 'proc.chambers.weightedStrict' : 'proc.chambers.weighted', {
        threshold: fraction(t, p.weighted.threshold),
      })}`;
    }
  }
}

/** The short name of a procedure type ("Consent", "Vote"). */
export function procedureName(t: Translate, type: Procedure['type']): string {
  return t(`procType.${type}` as MessageKey);
}

/** The label of a kind of action ("Admit a member"). */
export function actionLabel(t: Translate, kind: ActionKind): string {
  return t(`kind.${kind}` as MessageKey);
}

/** What a stance is called under a procedure: under consent a block is an objection. */
export function stanceLabel(t: Translate, stance: Stance, procedure?: Procedure): string {
  const objects =
    procedure?.type === 'consent' || procedure?.type === 'role' || procedure?.type === 'automatic';
  if (stance === 'block' && objects) {
    return t('stance.object');
  }
  return t(`stance.${stance}` as MessageKey);
}

/** A reason of a decision in the reader's language, from its stable code and parameters. */
export function describeReason(
  t: Translate,
  r: Reason,
  people: (id: string) => string,
  option: (id: string) => string = (id) => id,
  className: (id: string) => string = (id) => id,
  /** The rule that decided (a procedure, or a chamber's rule): whether a vote's threshold is strict. */
  procedure?: Pick<Procedure, 'type'> & { strict?: boolean },
): string {
  const p = r.params;
  // "More than" or "at least": from the reason if it says, else from the vote's rule that decided.
  const strict =
    typeof p.strict === 'boolean' ? p.strict : procedure?.type === 'vote' && procedure.strict === true;
  const n = (k: string) => Number(p[k] ?? 0);
  switch (r.code) {
    case 'automatic':
      return t('reason.automatic');
    case 'objection_stands':
      return t('reason.objection_stands', { count: n('objections') });
    case 'no_objection':
      return t('reason.no_objection', { count: n('electorate'), participants: n('participants') });
    case 'no_objection_in_window':
      return t('reason.no_objection_in_window');
    case 'blocked':
      return t('reason.blocked', { count: n('blocks') });
    case 'participation_short':
      return t('reason.participation_short', {
        count: n('electorate'),
        participants: n('participants'),
        required: fraction(t, String(p.required)),
      });
    case 'consensus_reached':
      return t('reason.consensus_reached', { count: n('electorate'), participants: n('participants') });
    case 'quorum_not_met':
      return t('reason.quorum_not_met', {
        count: n('electorate'),
        turnout: n('turnout'),
        quorum: fraction(t, String(p.quorum)),
      });
    case 'threshold_met':
      return t(strict ? 'reason.threshold_met_strict' : 'reason.threshold_met', {
        count: n('agree'),
        against: n('against'),
        threshold: fraction(t, String(p.threshold)),
      });
    case 'threshold_not_met':
      return t(strict ? 'reason.threshold_not_met_strict' : 'reason.threshold_not_met', {
        count: n('agree'),
        against: n('against'),
        threshold: fraction(t, String(p.threshold)),
      });
    case 'role_refused':
      return t('reason.role_refused', { name: p.by ? people(String(p.by)) : '?' });
    case 'role_no_decision':
      return n('deciders') === 0 ? t('reason.role_no_holder') : t('reason.role_no_decision');
    case 'role_approved_no_objection':
      return t('reason.role_approved_no_objection', {
        name: people(String(p.by)),
        time: duration(t, n('hours')),
      });
    case 'role_approved':
      return t('reason.role_approved', { name: people(String(p.by)) });
    case 'poll_won':
      return t('reason.poll_won', { option: option(String(p.option)) });
    case 'poll_status_quo':
      return t('reason.poll_status_quo', { option: option(String(p.option)) });
    case 'poll_tied':
      return t('reason.poll_tied', { options: String(p.options).split(', ').map(option).join(', ') });
    case 'poll_no_ballots':
      return t('reason.poll_no_ballots');
    case 'election_won':
      return t('reason.election_won', {
        names: String(p.elected).split(', ').map(people).join(', '),
        count: n('seats'),
      });
    case 'election_tied':
      return t('reason.election_tied', { names: String(p.candidates).split(', ').map(people).join(', ') });
    case 'election_no_candidates':
      return t('reason.election_no_candidates');
    case 'election_no_ballots':
      return t('reason.election_no_ballots');
    case 'chambers_passed':
      return t('reason.chambers_passed');
    case 'chamber_failed':
      return t('reason.chamber_failed', { class: className(String(p.chamber)) });
    case 'chamber_empty':
      return t('reason.chamber_empty', { class: className(String(p.chamber)) });
    case 'vetoed':
      return p.against === undefined
        ? t('reason.vetoed', { class: className(String(p.chamber)) })
        : t('reason.vetoedCount', {
            class: className(String(p.chamber)),
            count: n('against'),
            cast: n('cast'),
          });
    case 'weighted_met':
    case 'weighted_not_met':
      return t(`reason.${r.code}`, {
        share: String(p.share),
        threshold: fraction(t, String(p.threshold)),
      });
    default:
      // A code this version of the app does not know yet: the server's own sentence.
      return r.text;
  }
}

/** One sentence saying what a proposal would do, with names looked up in the commons. */
export function describeAction(
  t: Translate,
  action: Action & { displayName?: string },
  commons: Commons | null,
  people: readonly { accountId: string; displayName: string }[] = [],
): string {
  const person = (id: string | undefined) =>
    people.find((m) => m.accountId === id)?.displayName ?? (action.displayName || id || '?');
  const role = (id: string) => commons?.roles.find((r) => r.id === id)?.name ?? id;
  const classes = (ids: string[] | undefined) =>
    (ids ?? []).map((c) => commons?.classes.find((x) => x.id === c)?.name ?? c).join(', ');
  switch (action.kind) {
    case 'admit_member': {
      const who = action.displayName || action.email || person(action.accountId);
      return action.classes && action.classes.length > 0 && (commons?.classes.length ?? 0) > 1
        ? t('action.admitIn', { name: who, classes: classes(action.classes) })
        : t('action.admit', { name: who });
    }
    case 'remove_member':
      return t('action.remove', { name: person(action.accountId) });
    case 'create_role':
      return t('action.createRole', { role: action.name });
    case 'change_role':
      return t('action.changeRole', { role: role(action.roleId) });
    case 'assign_role':
      return t('action.assignRole', { role: role(action.roleId), name: person(action.accountId) });
    case 'unassign_role':
      return t('action.unassignRole', { role: role(action.roleId), name: person(action.accountId) });
    case 'adopt_charter':
      return t('action.adoptCharter');
    case 'amend_constitution': {
      const kinds = Object.keys(action.rules) as ActionKind[];
      const [only] = kinds;
      return kinds.length === 1 && only !== undefined
        ? t('action.amendOne', { kind: actionLabel(t, only) })
        : t('action.amend', { count: kinds.length });
    }
    case 'resolution':
      return t('action.resolution');
    case 'elect_role':
      return t('action.electRole', { role: role(action.roleId), count: action.seats });
    // Resources (issue 15): amounts in minor units, shown by the pool page in its unit.
    case 'create_pool':
      return t('action.createPool', { name: action.pool.name });
    case 'record_income':
      return t('action.recordIncome', { pool: action.poolId, source: action.source });
    case 'spend':
      return t('action.spend', {
        pool: action.poolId,
        to: 'member' in action.to ? person(action.to.member) : action.to.outside,
      });
    case 'book':
      return t('action.book', { pool: action.poolId, name: person(action.accountId) });
    case 'cancel_booking':
      return t('action.cancelBooking', { pool: action.poolId });
  }
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
/** The locale a translation function writes in (its own name for it). */
const locale = (t: Translate) => t('locale.tag');

/** The label of a log record's type ("Proposal opened"). */
export function eventLabel(t: Translate, type: string): string {
  const key = `event.${type}` as MessageKey;
  const s = t(key);
  return s === key ? type : s;
}

/** A tier's name ("policy"). */
export function tierName(t: Translate, tier: Tier | string): string {
  return (TIERS as readonly string[]).includes(tier) ? t(`tier.${tier as Tier}`) : tier;
}

/** A mode of coordination's name ("Do-ocracy"). */
export function modeName(t: Translate, mode: Mode | string): string {
  return (MODES as readonly string[]).includes(mode) ? t(`mode.${mode as Mode}`) : mode;
}

const isKind = (k: string | undefined): k is ActionKind =>
  k !== undefined && (ACTION_KINDS as readonly string[]).includes(k);

/**
 * One line of an amendment's difference in the reader's language, from its code and data (the server's English
 * `text` where the code is one this app does not know).
 */
export function describeDiffLine(t: Translate, line: DiffLine, className: (id: string) => string): string {
  const p = line.params;
  const kind = isKind(p.kind) ? actionLabel(t, p.kind) : (p.kind ?? '');
  const proc = (x: Procedure | null | undefined) =>
    x ? describeProcedure(t, x, className) : t('diff.never');
  const by = (x: Procedure | null | undefined) =>
    x ? t('diff.by', { procedure: describeProcedure(t, x, className) }) : t('diff.never');
  switch (line.code) {
    case 'rule':
      return t('diff.rule', { kind, before: proc(line.before), after: proc(line.after) });
    case 'tiers_added':
      return t('diff.tiers_added');
    case 'tiers_removed':
      return t('diff.tiers_removed');
    case 'tier_procedure':
      return line.before
        ? t('diff.tier_procedure', {
            changes: tierName(t, p.changes ?? ''),
            before: proc(line.before),
            after: proc(line.after),
          })
        : t('diff.tier_procedure_new', { changes: tierName(t, p.changes ?? ''), after: proc(line.after) });
    case 'entrenched_by':
      return p.added
        ? t('diff.entrenched_by_new', { after: by(line.after) })
        : t('diff.entrenched_by', { before: by(line.before), after: by(line.after) });
    case 'kind_tier':
      return p.before
        ? t('diff.kind_tier', { kind, before: tierName(t, p.before), after: tierName(t, p.after ?? '') })
        : t('diff.kind_tier_new', { kind, after: tierName(t, p.after ?? '') });
    case 'domain_added':
      return p.tier
        ? t('diff.domain_added_tier', {
            domain: p.domain ?? '',
            mode: modeName(t, p.mode ?? ''),
            tier: tierName(t, p.tier),
          })
        : t('diff.domain_added', { domain: p.domain ?? '', mode: modeName(t, p.mode ?? '') });
    case 'domain_removed':
      return t('diff.domain_removed', { domain: p.domain ?? '' });
    case 'domain_renamed':
      return t('diff.domain_renamed', { before: p.before ?? '', after: p.after ?? '' });
    case 'domain_mode':
      return t('diff.domain_mode', {
        domain: p.domain ?? '',
        before: modeName(t, p.before ?? ''),
        after: modeName(t, p.after ?? ''),
      });
    case 'domain_tier':
      return p.after
        ? t('diff.domain_tier', { domain: p.domain ?? '', after: tierName(t, p.after) })
        : t('diff.domain_tier_none', { domain: p.domain ?? '' });
    case 'kind_domain':
      return p.after ? t('diff.kind_domain', { kind, after: p.after }) : t('diff.kind_domain_none', { kind });
    case 'trigger_added':
    case 'trigger_removed':
    case 'trigger_changed':
      return t(`diff.${line.code}`, { id: p.id ?? '' });
    case 'reviews_changed':
    case 'sunsets_changed':
      return t(`diff.${line.code}`);
    default:
      return line.text;
  }
}

/** A reason an amendment would be refused, in the reader's language (the server's English for an unknown code). */
export function describeProblem(t: Translate, problem: ProblemLine): string {
  const p = problem.params;
  // A problem of what a trigger or a sunset would give when it changes the rules without a vote.
  if (p.trigger !== undefined || p.sunset !== undefined) {
    const { trigger, sunset, ...rest } = p;
    const inner = describeProblem(t, {
      ...problem,
      params: rest,
      text: problem.text.replace(/^[^:]*: /, ''),
    });
    if (trigger !== undefined) return t('problem.whenTrigger', { id: String(trigger), problem: inner });
    const k = String(sunset);
    return t('problem.whenSunset', { kind: isKind(k) ? actionLabel(t, k) : k, problem: inner });
  }
  const k = String(p.kind ?? '');
  const kind = isKind(k) ? actionLabel(t, k) : k;
  switch (problem.code) {
    case 'role_unfillable':
    case 'never_passes':
    case 'moved_to_locked_tier':
      return t(`problem.${problem.code}`, { kind, tier: tierName(t, String(p.tier ?? '')) });
    case 'amendment_impossible':
    case 'nobody_can_propose':
    case 'entrenched':
      return t(`problem.${problem.code}`);
    case 'tier_locked':
      return t('problem.tier_locked', { tier: tierName(t, String(p.tier ?? '')) });
    case 'mode_forbids':
      return t('problem.mode_forbids', {
        kind,
        domain: String(p.domain ?? ''),
        mode: modeName(t, String(p.mode ?? '')),
        procedure: procedureName(t, String(p.procedure ?? '') as Procedure['type']),
      });
    default:
      return problem.text;
  }
}
