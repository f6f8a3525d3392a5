// Rules for rules as the API shows them: a constitution's triggers (with when each falls due and in plain words),
// review dates and sunsets, what changed a version when no proposal did, and the reviews with what happened since.
import {
  can,
  decisionsUnder,
  describeTrigger,
  own,
  sunsetFallback,
  triggerDueAt,
  type CommonsCore,
  type CommonsState,
  type Constitution,
  type Review,
  type Trigger,
} from '@peergov/kernel';

/** The decisions a review lists (newest first); the count says how many there are in all. */
const REVIEW_DECISIONS = 50;

/** A trigger as the API shows it. */
export function triggerView(t: Trigger, core: CommonsCore) {
  return {
    id: t.id,
    when: t.when,
    rules: t.rules,
    dueAt: triggerDueAt(t, core),
    text: describeTrigger(t, core),
  };
}

/** What changed this version when no proposal did (a trigger, a sunset), with the reason the log gives. */
export function changedByView(c: Constitution) {
  return c.changedBy ?? null;
}

/** The constitution's rules for rules, for the commons view. */
export function rulesForRulesView(core: CommonsCore) {
  const c = core.constitution;
  return {
    triggers: (c.triggers ?? []).map((t) => triggerView(t, core)),
    reviews: c.reviews ?? [],
    sunsets: (c.sunsets ?? []).map((s) => ({ kind: s.kind, at: s.at, fallback: sunsetFallback(c, s) })),
    changedBy: changedByView(c),
  };
}

/** One review as the API shows it to `accountId`. */
export function reviewView(state: CommonsState, r: Review, accountId: string | null, now: string) {
  const core = state.core;
  const ids = decisionsUnder(state, r);
  const decisions = ids
    .map((id) => own(state.proposals, id)!)
    .sort((a, b) => ((b.outcome?.decidedAt ?? '') < (a.outcome?.decidedAt ?? '') ? -1 : 1))
    .slice(0, REVIEW_DECISIONS)
    .map((p) => ({
      id: p.id,
      title: p.title,
      status: p.status,
      decidedAt: p.outcome?.decidedAt ?? null,
      passed: p.outcome?.passed ?? false,
    }));
  const counts = { yes: 0, partly: 0, no: 0 };
  const answers = Object.keys(r.answers).map((id) => {
    const a = r.answers[id]!;
    counts[a.answer] += 1;
    return { accountId: id, displayName: own(core.members, id)?.displayName ?? id, ...a };
  });
  const subject = r.subject;
  const decided = subject.type === 'decision' ? own(state.proposals, subject.proposalId) : undefined;
  return {
    id: r.id,
    subject: {
      type: subject.type,
      kind: subject.type === 'rule' ? subject.kind : (decided?.action.kind ?? 'resolution'),
      proposalId: subject.type === 'decision' ? subject.proposalId : null,
    },
    title:
      subject.type === 'rule'
        ? `The rule for ${subject.kind}, in force since ${r.since}`
        : `The decision "${decided?.title ?? subject.proposalId}", taken ${r.since}`,
    openedAt: r.openedAt,
    ruleVersion: r.ruleVersion,
    procedure: r.procedure ?? null,
    since: r.since,
    decisions,
    decisionCount: ids.length,
    counts,
    answers,
    mine: accountId ? (own(r.answers, accountId)?.answer ?? null) : null,
    canAnswer: can(state, accountId, { type: 'answer_review' }, now).allowed,
  };
}

/** Every review of the commons, the latest opened first. */
export function reviewsView(state: CommonsState, accountId: string | null, now: string) {
  const all = Object.values(state.core.reviews ?? {}).sort((a, b) =>
    a.openedAt !== b.openedAt ? (a.openedAt < b.openedAt ? 1 : -1) : a.id < b.id ? -1 : 1,
  );
  return { items: all.map((r) => reviewView(state, r, accountId, now)) };
}
