// Review dates and sunsets (src/rules/reviews.ts): a rule's review opens on its date with the rule and since when it
// held, members answer (a second answer replaces the first), a decision's review opens after it passed; a sunset
// lapses to its fallback unless an amendment renews it first.
import { describe, expect, it } from 'vitest';
import {
  decide,
  decisionsUnder,
  evolve,
  nextRulesDue,
  ruleFor,
  type Command,
  type CommonsState,
  type DomainEvent,
  type EventEnvelope,
} from '../../src/index';
import { at, consent, T0 } from '../scenario';
import { spec, stamped, submit, type GivenEvent } from '../modules/spec';

/** Ada's commons, founded as a founder with planned devolution (she decides alone), driven command by command. */
function garden() {
  const log: EventEnvelope[] = [];
  let state: CommonsState | null = null;
  const run = (command: Command, actor: string | null, now: string): DomainEvent[] => {
    const events = decide(state, command, { actor, now });
    for (const e of events) {
      const env = stamped(e, now, actor);
      log.push(env);
      state = evolve(state, env);
    }
    return events;
  };
  run(
    {
      type: 'CreateCommons',
      commonsId: 'c1',
      name: 'Garden',
      purpose: '',
      charter: '',
      template: 'founder-devolution',
      displayName: 'Ada',
      classes: [],
    },
    'ada',
    T0,
  );
  return {
    log,
    run,
    get state(): CommonsState {
      return state!;
    },
  };
}

const amend = (id: string, extra: Record<string, unknown>, rules: Record<string, unknown> = {}) =>
  submit(id, { kind: 'amend_constitution', rules, ...extra } as never);

describe('review dates', () => {
  it('given a review date on a rule, when it comes, then a review opens with the rule and since when it held', () => {
    const c = garden();
    c.run(amend('r', { reviews: [{ kind: 'resolution', at: at(200) }] }), 'ada', at(1));
    c.run(submit('p1', { kind: 'resolution', text: 'Plant beans' }), 'ada', at(2));
    expect(nextRulesDue(c.state.core)).toBe(at(200));
    const given = spec(c.log as GivenEvent[]);
    given.when({ type: 'ApplyDueRules' }, null, at(199)).thenRefuses('nothing_due');
    const { state } = given.when({ type: 'ApplyDueRules' }, null, at(200)).thenMatch([
      {
        type: 'ReviewOpened',
        data: {
          review: {
            id: `rule-resolution-${Date.parse(at(200))}`,
            subject: { type: 'rule', kind: 'resolution' },
            ruleVersion: 2,
            procedure: { type: 'role', objectionHours: 0 },
            // The rule for resolutions was the same in version 1: in force since the founding.
            since: T0,
          },
        },
      },
    ]);
    const review = Object.values(state.core.reviews!)[0]!;
    expect(decisionsUnder(state, review)).toEqual(['p1']);
    // Opened once: nothing more is due.
    expect(nextRulesDue(state.core)).toBeNull();
  });

  it('given an open review, members answer it; a second answer replaces the first; strangers and bad answers are refused', () => {
    const c = garden();
    c.run(amend('r', { reviews: [{ kind: 'resolution', at: at(10) }] }), 'ada', at(1));
    c.run({ type: 'ApplyDueRules' }, null, at(10));
    const id = Object.keys(c.state.core.reviews!)[0]!;
    const given = spec(c.log as GivenEvent[]);
    given
      .when({ type: 'AnswerReview', reviewId: id, answer: 'yes', comment: 'x' }, 'stranger', at(11))
      .thenRefuses('not_a_member');
    given
      .when({ type: 'AnswerReview', reviewId: '__proto__', answer: 'yes', comment: '' }, 'ada', at(11))
      .thenRefuses('review_not_found');
    given
      .when({ type: 'AnswerReview', reviewId: id, answer: 'maybe', comment: '' }, 'ada', at(11))
      .thenRefuses('invalid_input', /yes, partly or no/);
    c.run({ type: 'AnswerReview', reviewId: id, answer: 'partly', comment: ' Slow ' }, 'ada', at(11));
    const { state } = spec(c.log as GivenEvent[])
      .when({ type: 'AnswerReview', reviewId: id, answer: 'no', comment: 'Too slow' }, 'ada', at(12))
      .then([
        {
          type: 'ReviewAnswered',
          data: { reviewId: id, accountId: 'ada', answer: 'no', comment: 'Too slow' },
        },
      ]);
    expect(state.core.reviews![id]!.answers).toEqual({
      ada: { answer: 'no', comment: 'Too slow', at: at(12) },
    });
  });

  it('given a decision with a review date, when it passed and the date comes, then its review opens', () => {
    const c = garden();
    c.run(
      { ...submit('p1', { kind: 'resolution', text: 'Plant beans' }), reviewAt: at(500) } as Command,
      'ada',
      at(1),
    );
    expect(c.state.proposals.p1?.status).toBe('passed');
    spec(c.log as GivenEvent[])
      .when({ type: 'ApplyDueRules' }, null, at(500))
      .thenMatch([
        {
          type: 'ReviewOpened',
          data: { review: { id: 'decision-p1', subject: { type: 'decision', proposalId: 'p1' } } },
        },
      ]);
  });

  it('refuses a review date before the decision or a date that is not one', () => {
    const c = garden();
    const given = spec(c.log as GivenEvent[]);
    given
      .when({ ...submit('p1', { kind: 'resolution', text: 'x' }), reviewAt: T0 } as Command, 'ada', at(1))
      .thenRefuses('invalid_review', /after it is taken/);
    given
      .when(amend('r', { reviews: [{ kind: 'resolution', at: 'tomorrow' }] }), 'ada', at(1))
      .thenRefuses('invalid_review', /date/);
    given
      .when(amend('r', { reviews: [{ kind: 'toString', at: at(3) }] }), 'ada', at(1))
      .thenRefuses('invalid_review', /no kind of action called "toString"/);
  });
});

describe('sunsets', () => {
  it('given a sunset, when its date comes without renewal, then the rule lapses to its fallback', () => {
    const c = garden();
    c.run(
      amend('s', { sunsets: [{ kind: 'resolution', at: at(100), fallback: consent(24) }] }),
      'ada',
      at(1),
    );
    const { state } = spec(c.log as GivenEvent[])
      .when({ type: 'ApplyDueRules' }, null, at(100))
      .thenMatch([
        {
          type: 'RuleLapsed',
          data: {
            sunset: { kind: 'resolution', at: at(100) },
            reason: { code: 'sunset' },
            constitution: { version: 3, changedBy: { by: 'sunset', id: 'resolution' } },
          },
        },
      ]);
    expect(ruleFor(state.core.constitution, 'resolution')).toEqual(consent(24));
    expect(state.core.constitution.sunsets).toBeUndefined();
  });

  it('given a sunset renewed by an amendment before its date, then nothing lapses on the old date', () => {
    const c = garden();
    c.run(amend('s', { sunsets: [{ kind: 'resolution', at: at(100) }] }), 'ada', at(1));
    c.run(amend('renew', { sunsets: [{ kind: 'resolution', at: at(1000) }] }), 'ada', at(50));
    const given = spec(c.log as GivenEvent[]);
    given.when({ type: 'ApplyDueRules' }, null, at(100)).thenRefuses('nothing_due');
    // Without a fallback or a default rule, the rule returns to the last resort: a week's consent.
    const { state } = given.when({ type: 'ApplyDueRules' }, null, at(1000)).thenTypes(['RuleLapsed']);
    expect(ruleFor(state.core.constitution, 'resolution')).toEqual({ type: 'consent', hours: 168 });
  });

  it('refuses two sunsets of one rule and an invalid fallback', () => {
    const c = garden();
    const given = spec(c.log as GivenEvent[]);
    given
      .when(
        amend('s', {
          sunsets: [
            { kind: 'resolution', at: at(5) },
            { kind: 'resolution', at: at(6) },
          ],
        }),
        'ada',
        at(1),
      )
      .thenRefuses('invalid_review', /two sunsets/);
    given
      .when(
        amend('s', {
          sunsets: [{ kind: 'resolution', at: at(5), fallback: { type: 'consent', hours: -1 } }],
        }),
        'ada',
        at(1),
      )
      .thenRefuses('invalid_procedure');
  });
});
