// No lock-in: checked when an amendment is proposed (not when it would run) and when a commons is founded. Every
// kind of action must keep a procedure the current members can complete, or a way to make it completable (a role
// with no holder can be assigned, if assigning can be decided); the constitution must stay amendable; and no rule
// may move to a tier it could not be changed from. Each problem is a sentence of its own, and all are listed.
// A chamber whose class has no members is no lock: it has no say (`tallyChambers`), in the weighted share neither.
import { ACTION_LABELS } from '../actions';
import { decidersFor, participationFor, ruleFor } from '../constitution';
import { own } from '../dict';
import { DomainError } from '../errors';
import {
  ACTION_KINDS,
  TIERS,
  type ActionKind,
  type CommonsCore,
  type Constitution,
  type Procedure,
  type Ratio,
  type Reason,
  type Tier,
} from '../types';
import { procedureToChange, tierOf } from './tiers';

const label = (kind: ActionKind) => ACTION_LABELS[kind];
const all = (r: Ratio) => r.num === r.den;

/** Why a procedure can never pass whoever takes part, or null: "more than all" of the votes, a quorum above all. */
function neverPasses(p: Procedure): string | null {
  switch (p.type) {
    case 'vote':
      if (p.strict && all(p.threshold))
        return 'a strict threshold of 1 ("more than all" of the votes) can never be met';
      if (p.quorum.num > p.quorum.den) return 'its quorum is larger than the whole electorate';
      return null;
    case 'chambers':
      for (const c of p.chambers) {
        if (c.rule.type === 'vote' && c.rule.strict && all(c.rule.threshold))
          return `the chamber of "${c.classId}" needs more than all of its votes, which can never happen`;
        if (c.rule.type === 'vote' && c.rule.quorum.num > c.rule.quorum.den)
          return `the chamber of "${c.classId}" has a quorum larger than its members`;
      }
      if (p.weighted?.strict && all(p.weighted.threshold))
        return 'its weighted threshold needs more than all of the weight, which can never happen';
      return null;
    case 'consensus':
      return p.minParticipation.num > p.minParticipation.den
        ? 'it needs more members to take part than there are'
        : null;
    default:
      return null;
  }
}

/** What the lock-in analysis finds in one constitution over the commons as it is now. */
export interface LockInAnalysis {
  problems: Reason[];
  /** Tiers whose rules could never be changed under this constitution (the entrenched one by design, maybe). */
  lockedTiers: Set<Tier>;
}

/** Analyses `constitution` over the members and roles of `core` at `now`. */
export function analyseLockIn(core: CommonsCore, constitution: Constitution, now: string): LockInAnalysis {
  const problems: Reason[] = [];
  const participation = participationFor(constitution);
  if (participation.propose.who === 'roles') {
    const roles = participation.propose.roles;
    const holder = roles.some((id) =>
      own(core.roles, id)?.holders.some(
        (h) => (h.until === null || h.until > now) && own(core.members, h.accountId)?.status === 'member',
      ),
    );
    if (!holder)
      problems.push({
        code: 'nobody_can_propose',
        params: {},
        text: 'No one could open a proposal: only holders of roles that no current member holds may propose.',
      });
  }
  // Which kinds can be decided now or once a role is filled, found by a fixpoint: a role with no holder can be
  // filled if assigning a role can be decided and a role with the mandate exists or can be made.
  const decidable = new Set<ActionKind>();
  const held = (kind: ActionKind) => decidersFor(core, kind, now).length > 0;
  const anyRole = Object.keys(core.roles).length > 0;
  const withMandate = (kind: ActionKind) => Object.values(core.roles).some((r) => r.mandate.includes(kind));
  const fillable = (kind: ActionKind) =>
    decidable.has('assign_role') &&
    (withMandate(kind) || decidable.has('create_role') || (decidable.has('change_role') && anyRole));
  const roleReachable = (kind: ActionKind) => held(kind) || fillable(kind);
  const completable = (p: Procedure, kind: ActionKind) =>
    neverPasses(p) === null && (p.type !== 'role' || roleReachable(kind));
  for (let grew = true; grew;) {
    grew = false;
    for (const kind of ACTION_KINDS) {
      if (decidable.has(kind) || !completable(ruleFor(constitution, kind), kind)) continue;
      decidable.add(kind);
      grew = true;
    }
  }
  for (const kind of ACTION_KINDS) {
    if (decidable.has(kind)) continue;
    const rule = ruleFor(constitution, kind);
    const never = neverPasses(rule);
    problems.push(
      never
        ? {
            code: 'never_passes',
            params: { kind },
            text: `"${label(kind)}" could never be decided: ${never}.`,
          }
        : {
            code: 'role_unfillable',
            params: { kind },
            text: `"${label(kind)}" is decided by a role, but no current member holds a role with it in its mandate, and no one could be given one.`,
          },
    );
  }
  const lockedTiers = new Set<Tier>();
  const tiers = constitution.tiers;
  if (!tiers) {
    if (!decidable.has('amend_constitution'))
      problems.push({
        code: 'amendment_impossible',
        params: {},
        text: 'The constitution could never be amended again.',
      });
    return { problems, lockedTiers };
  }
  for (const tier of TIERS) {
    const p = procedureToChange(tiers, tier);
    if (p && completable(p, 'amend_constitution')) continue;
    lockedTiers.add(tier);
    // The entrenched tier may say it never changes; any other tier must stay changeable.
    if (tier === 'entrenched' && p === null) continue;
    problems.push({
      code: 'tier_locked',
      params: { tier },
      text: `The rules of the ${tier} tier could never be changed: the procedure that changes them ${p ? (neverPasses(p) ?? 'needs a role that no current member holds and no one could be given') : 'is missing'}.`,
    });
  }
  if (lockedTiers.has('operational'))
    problems.push({
      code: 'amendment_impossible',
      params: {},
      text: 'The constitution could never be amended again.',
    });
  return { problems, lockedTiers };
}

/**
 * The lock-in problems `after` would bring to the commons now: those it has that `before` (the constitution in
 * force; null at the founding) has not, and each kind of action it moves to a tier whose rules could not be
 * changed. A problem the commons already has is not the amendment's doing, and does not refuse it.
 */
export function lockInProblems(
  core: CommonsCore,
  before: Constitution | null,
  after: Constitution,
  now: string,
): Reason[] {
  const next = analyseLockIn(core, after, now);
  const known = new Set(before ? analyseLockIn(core, before, now).problems.map((p) => p.text) : []);
  const problems = next.problems.filter((p) => !known.has(p.text));
  // At the founding nothing moves: a template may entrench what it means never to change.
  for (const kind of before ? ACTION_KINDS : []) {
    const tier = tierOf(after, kind);
    if (tier === null || !next.lockedTiers.has(tier) || tierOf(before!, kind) === tier) continue;
    // A tier locked for everyone is told once (tier_locked); the entrenched tier that never changes is not.
    if (next.problems.some((p) => p.code === 'tier_locked' && p.params.tier === tier)) continue;
    problems.push({
      code: 'moved_to_locked_tier',
      params: { kind, tier },
      text: `"${label(kind)}" would move to the ${tier} tier, whose rules could never be changed.`,
    });
  }
  return problems;
}

/** Throws `constitution_locked`, listing every problem, if `after` would lock the commons in (see lockInProblems). */
export function requireNoLockIn(
  core: CommonsCore,
  before: Constitution | null,
  after: Constitution,
  now: string,
): void {
  const problems = lockInProblems(core, before, after, now);
  if (problems.length === 0) return;
  throw new DomainError('constitution_locked', problems.map((p) => p.text).join(' '), { problems });
}
