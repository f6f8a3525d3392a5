// Review dates and sunsets (social learning): a rule or a decision can carry a review date, when it comes a review
// opens for the commons and members answer whether it did what it meant to; a sunset rule lapses on its date unless
// an amendment renews it, returning to the rule it names or the constitution's default. The platform's clock asks
// for what is due (`ApplyDueRules`), together with the triggers on time (`triggers.ts`).
import { ruleFor, validateProcedure } from '../constitution';
import { dict, own } from '../dict';
import { DomainError } from '../errors';
import type { DomainEvent } from '../events';
import { text } from '../input';
import { definitionOf } from '../procedures';
import { authorise } from '../policy';
import {
  ACTION_KINDS,
  REVIEW_ANSWERS,
  type ActionKind,
  type CommonsCore,
  type CommonsState,
  type Constitution,
  type Procedure,
  type Review,
  type RuleReviewDate,
  type Sunset,
} from '../types';
import type { Deciders, Evolvers } from '../modules/module';
import { constitutionAfter, dueTriggers, isoDate, nextConstitution, triggerDueAt } from './triggers';

/** The most review dates and sunsets a constitution carries (each). */
export const MAX_DATES = 50;

const kindOf = (kind: unknown, what: string): ActionKind => {
  if (typeof kind !== 'string' || !(ACTION_KINDS as readonly string[]).includes(kind))
    throw new DomainError('invalid_review', `${what}: there is no kind of action called "${String(kind)}".`);
  return kind as ActionKind;
};

const list = (input: unknown, what: string): unknown[] => {
  if (!Array.isArray(input)) throw new DomainError('invalid_review', `${what} are a list.`);
  if (input.length > MAX_DATES)
    throw new DomainError('invalid_review', `A constitution carries at most ${MAX_DATES} ${what}.`);
  return input as unknown[];
};

/** Checks and normalises a constitution's review dates: known kinds, dates. */
export function checkReviewDates(input: unknown): RuleReviewDate[] {
  return list(input, 'review dates').map((raw) => {
    const r = (typeof raw === 'object' && raw !== null ? raw : {}) as RuleReviewDate;
    return { kind: kindOf(r.kind, 'A review date'), at: isoDate(r.at, 'A review date', 'invalid_review') };
  });
}

/** Checks and normalises a constitution's sunsets: known kinds, once each, dates, a valid fallback rule. */
export function checkSunsets(input: unknown, core: CommonsCore): Sunset[] {
  const seen = new Set<string>();
  return list(input, 'sunsets').map((raw) => {
    const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Sunset;
    const kind = kindOf(s.kind, 'A sunset');
    if (seen.has(kind)) throw new DomainError('invalid_review', `The rule for "${kind}" has two sunsets.`);
    seen.add(kind);
    const at = isoDate(s.at, `The sunset of "${kind}"`, 'invalid_review');
    if (s.fallback === undefined) return { kind, at };
    validateProcedure(kind, s.fallback, core);
    return { kind, at, fallback: definitionOf(s.fallback).normalise(s.fallback) };
  });
}

/** The rule a sunset returns to: the one it names, else the default rule, else what `ruleFor` gives without it. */
export function sunsetFallback(c: Constitution, s: Sunset): Procedure {
  if (s.fallback) return s.fallback;
  if (c.defaultRule) return c.defaultRule;
  const rules = dict<Procedure>() as Constitution['rules'];
  for (const [k, p] of Object.entries(c.rules)) if (k !== s.kind) rules[k as ActionKind] = p;
  return ruleFor({ ...c, rules }, s.kind);
}

/** The id of the review a rule's review date opens (one per kind and date, whatever the version). */
export const ruleReviewId = (r: RuleReviewDate) => `rule-${r.kind}-${Date.parse(r.at)}`;
/** The id of the review of a decision. */
export const decisionReviewId = (proposalId: string) => `decision-${proposalId}`;

// Since when the rule for `kind` has been in force: the adoption of the earliest version in an unbroken run of it.
function ruleSince(core: CommonsCore, c: Constitution, kind: ActionKind): string {
  const same = JSON.stringify(ruleFor(c, kind));
  let since = c.adoptedAt;
  for (let i = core.history.length - 1; i >= 0; i--) {
    const h = core.history[i]!;
    if (JSON.stringify(ruleFor(h, kind)) !== same) break;
    since = h.adoptedAt;
  }
  return since;
}

/**
 * The earliest time at which something in the constitution falls due (a trigger on time, a sunset, a rule's review
 * date not yet opened), or null: what the platform's clock waits for, without reading the proposals.
 */
export function nextRulesDue(core: CommonsCore): string | null {
  const c = core.constitution;
  const times: string[] = [];
  for (const t of c.triggers ?? []) {
    const at = triggerDueAt(t, core);
    if (at) times.push(at);
  }
  for (const s of c.sunsets ?? []) times.push(s.at);
  for (const r of c.reviews ?? []) if (!own(core.reviews, ruleReviewId(r))) times.push(r.at);
  return times.length === 0 ? null : times.reduce((a, b) => (b < a ? b : a));
}

/** Everything due at `now`: triggers on time, then sunsets, then reviews of rules and of decisions. */
export function dueRuleEvents(state: CommonsState, now: string): DomainEvent[] {
  const core = state.core;
  const events: DomainEvent[] = dueTriggers(core, core.constitution, now);
  let c = constitutionAfter(core, events);
  for (const s of c.sunsets ?? []) {
    if (s.at > now) continue;
    const fallback = sunsetFallback(c, s);
    const reason = {
      code: 'sunset',
      params: { kind: s.kind, at: s.at },
      text: `The rule for ${s.kind} lapsed on ${s.at}: no amendment renewed it.`,
    };
    c = nextConstitution(
      c,
      {
        rules: { [s.kind]: fallback },
        changedBy: { by: 'sunset', id: s.kind, reason },
        sunsets: (c.sunsets ?? []).filter((x) => x.kind !== s.kind),
      },
      now,
    );
    events.push({ type: 'RuleLapsed', data: { sunset: s, reason, constitution: c } });
  }
  for (const r of c.reviews ?? []) {
    const id = ruleReviewId(r);
    if (r.at > now || own(core.reviews, id)) continue;
    events.push({
      type: 'ReviewOpened',
      data: {
        review: {
          id,
          subject: { type: 'rule', kind: r.kind },
          ruleVersion: c.version,
          procedure: ruleFor(c, r.kind),
          since: ruleSince(core, c, r.kind),
        },
      },
    });
  }
  for (const p of Object.values(state.proposals)) {
    if (p.status !== 'passed' || !p.reviewAt || p.reviewAt > now) continue;
    const id = decisionReviewId(p.id);
    if (own(core.reviews, id)) continue;
    events.push({
      type: 'ReviewOpened',
      data: {
        review: {
          id,
          subject: { type: 'decision', proposalId: p.id },
          ruleVersion: p.ruleVersion,
          procedure: p.procedure,
          since: p.outcome?.decidedAt ?? p.openedAt,
        },
      },
    });
  }
  return events;
}

/** The proposals decided under the rule a review looks at, since it came into force (what happened since). */
export function decisionsUnder(state: CommonsState, review: Review): string[] {
  if (review.subject.type === 'decision') return [review.subject.proposalId];
  const kind = review.subject.kind;
  return Object.values(state.proposals)
    .filter((p) => p.action.kind === kind && p.outcome !== null && p.outcome.decidedAt >= review.since)
    .map((p) => p.id);
}

export const reviewCommands = {
  ApplyDueRules(state, _command, ctx) {
    // The platform's clock (or anyone: what is due is due, and nothing else happens).
    const events = dueRuleEvents(state, ctx.now);
    if (events.length === 0) throw new DomainError('nothing_due', 'No trigger, sunset or review is due.');
    return events;
  },
  AnswerReview(state, command, ctx) {
    authorise(state, ctx.actor, { type: 'answer_review' }, ctx.now);
    const review =
      typeof command.reviewId === 'string' ? own(state.core.reviews, command.reviewId) : undefined;
    if (!review) throw new DomainError('review_not_found', 'There is no such review in this commons.');
    if (!(REVIEW_ANSWERS as readonly unknown[]).includes(command.answer))
      throw new DomainError('invalid_input', 'An answer to a review is yes, partly or no.', {
        field: 'answer',
      });
    return [
      {
        type: 'ReviewAnswered',
        data: {
          reviewId: review.id,
          accountId: ctx.actor!,
          answer: command.answer as Review['answers'][string]['answer'],
          comment: text('comment', command.comment ?? '', false),
        },
      },
    ];
  },
} satisfies Deciders<'ApplyDueRules' | 'AnswerReview'>;

export const reviewEvents = {
  RuleLapsed(w, e) {
    const core = w.core();
    core.history = [...core.history, core.constitution];
    core.constitution = e.data.constitution;
  },
  ReviewOpened(w, e) {
    const core = w.core();
    const reviews = dict<Review>();
    for (const [id, r] of Object.entries(core.reviews ?? {})) reviews[id] = r;
    reviews[e.data.review.id] = { ...e.data.review, openedAt: e.at, answers: dict() };
    core.reviews = reviews;
  },
  ReviewAnswered(w, e) {
    const core = w.core();
    const before = own(core.reviews, e.data.reviewId);
    if (!before)
      throw new Error(`event ReviewAnswered refers to review ${e.data.reviewId}, which does not exist`);
    const answers = dict<Review['answers'][string]>();
    for (const [id, a] of Object.entries(before.answers)) answers[id] = a;
    answers[e.data.accountId] = { answer: e.data.answer, comment: e.data.comment, at: e.at };
    const reviews = dict<Review>();
    for (const [id, r] of Object.entries(core.reviews!)) reviews[id] = r;
    reviews[before.id] = { ...before, answers };
    core.reviews = reviews;
  },
} satisfies Evolvers<'RuleLapsed' | 'ReviewOpened' | 'ReviewAnswered'>;
