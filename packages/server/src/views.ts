import {
  ACTION_KINDS,
  amendmentOf,
  can,
  domainOf,
  tierOf,
  decidersFor,
  describeConstitution,
  describeProcedure,
  describeAudience,
  own,
  participationFor,
  ruleFor,
  type CommonsState,
  type Intent,
  type Proposal,
} from '@peergov/kernel';
import type { Integrity } from './commons-service';
import { changedByView, rulesForRulesView } from './rules-views';
import { commentsPage, FIRST_PAGE, firstPositions, memberCounts } from './pages';

const INTACT: Integrity = { ok: true };

/**
 * The commons as the API shows it (to a given account, or to anyone), with whether its log still proves it
 * (`integrity`: the app warns on every page of a commons whose log failed). Members are counted here, by status and
 * class, and listed by `GET .../members` (paged): the view stays the same size whatever the membership.
 */
export function commonsView(
  state: CommonsState,
  accountId: string | null,
  integrity: Integrity = INTACT,
  now: string = new Date().toISOString(),
) {
  // What the caller may do here, as the kernel answers it (nothing in a commons whose log fails).
  const may = (intent: Intent) => integrity.ok && can(state, accountId, intent, now).allowed;
  const core = state.core;
  const rolesOf = (id: string) =>
    Object.values(core.roles)
      .filter((r) => r.holders.some((h) => h.accountId === id))
      .map((r) => r.id);
  const name = (id: string) => own(core.members, id)?.displayName ?? id;
  const me = accountId ? own(core.members, accountId) : undefined;
  return {
    id: core.id,
    name: core.name,
    purpose: core.purpose,
    charter: core.charter,
    template: core.template,
    createdAt: core.createdAt,
    classes: core.classes,
    memberCounts: memberCounts(state),
    roles: Object.values(core.roles).map((r) => ({
      ...r,
      holders: r.holders.map((h) => ({ ...h, displayName: name(h.accountId) })),
    })),
    constitution: {
      version: core.constitution.version,
      adoptedAt: core.constitution.adoptedAt,
      adoptedBy: core.constitution.adoptedBy,
      // The rule in force for every kind, the default rule filling kinds this version names none for.
      rules: Object.fromEntries(ACTION_KINDS.map((k) => [k, ruleFor(core.constitution, k)])),
      text: describeConstitution(core),
      participation: participationFor(core.constitution),
      participationText: participationText(core),
      ...rulesForRulesView(core),
      tiers: core.constitution.tiers ?? null,
      domains: core.constitution.domains ?? [],
      placement: ACTION_KINDS.map((kind) => ({
        kind,
        domain: domainOf(core.constitution, kind)?.id ?? null,
        tier: tierOf(core.constitution, kind),
      })),
    },
    history: core.history.map((c) => ({
      version: c.version,
      adoptedAt: c.adoptedAt,
      adoptedBy: c.adoptedBy,
      changedBy: changedByView(c),
    })),
    me: me
      ? {
          accountId: me.accountId,
          displayName: me.displayName,
          status: me.status,
          classes: me.classes,
          since: me.since,
          roles: rolesOf(me.accountId),
        }
      : null,
    can: {
      propose: may({ type: 'propose' }),
      leave: may({ type: 'leave' }),
      invite: may({ type: 'invite' }),
    },
    integrity,
  };
}

const PARTS = {
  propose: 'open proposals',
  comment: 'comment on proposals',
  withdraw: 'withdraw a proposal',
  see: 'see this commons and its log',
  invite: 'invite people to apply for membership',
} as const;

/** Who may take part in what, one plain English sentence each (the web app renders its own translations). */
function participationText(core: CommonsState['core']) {
  const rules = participationFor(core.constitution);
  return (Object.keys(PARTS) as (keyof typeof PARTS)[]).map((part) => {
    const who = describeAudience(core, rules[part]);
    return { part, text: `${who.charAt(0).toUpperCase()}${who.slice(1)} may ${PARTS[part]}.` };
  });
}

/** A list entry for the directory of commons. */
export function commonsSummary(state: CommonsState, accountId: string | null = null) {
  const core = state.core;
  return {
    /** The caller's membership status in this commons, or null. */
    myStatus: accountId ? (own(core.members, accountId)?.status ?? null) : null,
    id: core.id,
    name: core.name,
    purpose: core.purpose,
    template: core.template,
    memberCount: Object.values(core.members).filter((m) => m.status === 'member').length,
    openProposals: Object.values(state.proposals).filter((p) => p.status === 'open').length,
    createdAt: core.createdAt,
  };
}

/** A proposal in a list. */
export function proposalSummary(state: CommonsState, p: Proposal) {
  return {
    id: p.id,
    title: p.title,
    kind: p.action.kind,
    proposer: {
      accountId: p.proposer,
      displayName: own(state.core.members, p.proposer)?.displayName ?? p.proposer,
    },
    openedAt: p.openedAt,
    closesAt: p.closesAt,
    status: p.status,
    passed: p.outcome?.passed ?? null,
    positionCount: p.positionCount,
    commentCount: p.commentCount,
    procedure: p.procedure,
  };
}

/**
 * A proposal with its decision, counts, the caller's own position and the first page of its positions and of its
 * discussion (each with its total and the cursor of the next page: `GET .../positions`, `GET .../comments`).
 */
export function proposalView(
  state: CommonsState,
  p: Proposal,
  accountId: string | null,
  now: string,
  integrity: Integrity = INTACT,
) {
  return {
    ...proposalShared(state, p),
    ...proposalForCaller(state, p, accountId, now, integrity),
    integrity,
  };
}

// The part of a proposal's view that is the same for every caller (every key but the last two).
function proposalShared(state: CommonsState, p: Proposal) {
  const name = (id: string) => own(state.core.members, id)?.displayName ?? id;
  // The people the action and the decision name, so that the page can name them without listing the members.
  const named = new Set<string>();
  if ('accountId' in p.action) named.add(p.action.accountId);
  if (p.outcome?.decidedBy) named.add(p.outcome.decidedBy);
  for (const c of p.election?.candidates ?? []) named.add(c.accountId).add(c.nominatedBy);
  for (const id of p.outcome?.election?.elected ?? []) named.add(id);
  // The delegation's people by name, unless there are very many (the page then shows account ids).
  const d = p.outcome?.delegation;
  if (d && d.weights.length + d.chains.length + d.notCounted.length <= 1000) {
    for (const w of d.weights) named.add(w.member);
    for (const c of d.chains) for (const id of [c.member, ...c.chain]) named.add(id);
    for (const n of d.notCounted) named.add(n.member);
  }
  return {
    ...p,
    proposer: { accountId: p.proposer, displayName: name(p.proposer) },
    electorate: p.electorate.size,
    procedureText: describeProcedure(p.procedure, state.core),
    // An amendment carries its replay: its rules against the commons' history (`replay.ts`).
    replay:
      p.action.kind === 'amend_constitution'
        ? `/api/v1/commons/${encodeURIComponent(state.core.id)}/proposals/${encodeURIComponent(p.id)}/replay`
        : null,
    amendment: amendmentOf(state.core, p),
    people: [...named].map((id) => ({ accountId: id, displayName: name(id) })),
    positions: firstPositions(state, p.id, FIRST_PAGE),
    comments: commentsPage(state, p.id, undefined, FIRST_PAGE),
  };
}

// The caller's own part of a proposal's view.
function proposalForCaller(
  state: CommonsState,
  p: Proposal,
  accountId: string | null,
  now: string,
  integrity: Integrity = INTACT,
) {
  const mine = accountId ? own(own(state.positions, p.id), accountId) : undefined;
  const may = (intent: Intent) => integrity.ok && can(state, accountId, intent, now).allowed;
  return {
    myPosition: mine
      ? {
          stance: mine.stance,
          reason: mine.reason,
          at: mine.at,
          counted: mine.counted,
          ...(mine.ballot ? { ballot: mine.ballot } : {}),
        }
      : null,
    // Nothing can be written to a commons whose log does not prove itself (read-only: 409 log_integrity).
    // The kernel's own answer (the same check decide makes), never a rule recomputed here.
    canTakePosition: may({ type: 'take_position', proposalId: p.id }),
    canComment: may({ type: 'comment', proposalId: p.id }),
    canWithdraw: may({ type: 'withdraw', proposalId: p.id }),
    // Under a role procedure, whether the caller holds a role whose mandate decides it (the kernel's deciders): their
    // position is then the decision, approve or refuse, not a member's stance.
    decidesAsRole:
      p.status === 'open' &&
      p.procedure.type === 'role' &&
      accountId !== null &&
      decidersFor(state.core, p.action.kind, now).includes(accountId),
  };
}

/**
 * proposalView as JSON, byte for byte what JSON.stringify(proposalView(...)) writes. The part shared by every
 * caller is serialised once per `memo` (the writes of one append share one), and only the caller's part per call.
 */
export function proposalViewJson(
  state: CommonsState,
  p: Proposal,
  accountId: string | null,
  now: string,
  memo: Map<string, string>,
): string {
  const key = `proposal:${p.id}`;
  let shared = memo.get(key);
  if (shared === undefined) {
    shared = JSON.stringify(proposalShared(state, p));
    memo.set(key, shared);
  }
  // Written after a committed append, so the log proves it (integrity ok).
  const mine = JSON.stringify({ ...proposalForCaller(state, p, accountId, now), integrity: INTACT });
  // Both are non-empty objects: join `{...shared}` and `{...mine}` into one object.
  return `${shared.slice(0, -1)},${mine.slice(1)}`;
}
