// Replay of history under a draft constitution (issue 12): given a commons' recorded decisions, when they are
// replayed under a draft's rules, then the outcomes that would have differed are listed beside the recorded ones,
// with the procedure, counts and reasons of each.
import { describe, expect, it } from 'vitest';
import {
  DomainError,
  replayUnderDraft,
  type CommonsState,
  type DraftRules,
  type Procedure,
} from '../../src/index';
import { at, consent, role, Scenario, vote } from '../scenario';

const majority = vote([1, 2], { strict: true, quorum: [1, 2] });

/**
 * Five members (ada, bob, cy, dan, eve), resolutions by three days' consent, cy holding a secretary's role whose
 * mandate is resolutions. r1: bob objects, the others agree (rejected). r2: all five agree (passed at once).
 * r3: only ada agrees (passed at the close, no objection). r4 is withdrawn, r5 still open.
 */
function garden(ids = { r1: 'r1', r2: 'r2', r3: 'r3' }, who = { bob: 'bob' }): Scenario {
  const bob = who.bob;
  const c = Scenario.given({
    members: [bob, 'cy', 'dan', 'eve'],
    rules: { resolution: consent(72) },
    roles: [
      {
        id: 'secretary',
        name: 'Secretary',
        description: '',
        mandate: ['resolution'],
        termDays: null,
        holders: [['cy', null]],
      },
    ],
  });
  c.resolve(ids.r1, 'ada', at(1));
  c.position(ids.r1, bob, 'block', at(2));
  for (const m of ['ada', 'cy', 'dan', 'eve']) c.position(ids.r1, m, 'agree', at(2));
  c.resolve(ids.r2, 'ada', at(3));
  for (const m of ['ada', bob, 'cy', 'dan', 'eve']) c.position(ids.r2, m, 'agree', at(4));
  c.resolve(ids.r3, 'ada', at(5));
  c.position(ids.r3, 'ada', 'agree', at(6));
  c.close(ids.r3, at(100));
  c.resolve('r4', 'ada', at(101));
  c.types({ type: 'WithdrawProposal', proposalId: 'r4' }, 'ada', at(102));
  c.resolve('r5', 'ada', at(103));
  return c;
}

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'accepted';
};

describe('replay under a draft', () => {
  it('given the recorded history, when replayed under a majority vote, then r1 and r3 would have gone the other way', () => {
    const c = garden();
    expect(c.proposal('r1').status).toBe('rejected');
    expect(c.proposal('r3').status).toBe('passed');
    const result = replayUnderDraft(c.s, { resolution: majority });
    expect(result.summary).toEqual({ decided: 3, unchanged: 0, replayed: 3, differ: 2, notReplayable: 0 });
    expect(result.differences.map((d) => d.proposalId)).toEqual(['r1', 'r3']);
    const [r1, r3] = result.differences;
    // Both explanations side by side: the procedure, counts and why of each.
    expect(r1).toMatchObject({
      kind: 'resolution',
      ruleVersion: 1,
      recorded: { passed: false, procedure: consent(72), reasons: [{ code: 'objection_stands' }] },
      draft: {
        passed: true,
        procedure: majority,
        counts: { agree: 4, block: 1, electorate: 5, participants: 5 },
        reasons: [{ code: 'threshold_met', params: { agree: 4, against: 1 } }],
      },
    });
    expect(r3).toMatchObject({
      recorded: { passed: true, reasons: [{ code: 'no_objection' }] },
      draft: { passed: false, reasons: [{ code: 'quorum_not_met' }, { code: 'threshold_met' }] },
    });
  });

  it('given the history, when the draft keeps the rules as they are, then nothing differs and nothing is replayed', () => {
    const c = garden();
    const result = replayUnderDraft(c.s, {
      resolution: consent(72),
      admit_member: c.s.core.constitution.rules.admit_member,
    });
    expect(result.summary).toEqual({ decided: 3, unchanged: 3, replayed: 0, differ: 0, notReplayable: 0 });
    expect(result.differences).toEqual([]);
  });

  it('given the history, when the same rule is counted again another way that agrees (one chamber by consent), then nothing differs', () => {
    const c = garden();
    const oneChamber: Procedure = {
      type: 'chambers',
      hours: 72,
      chambers: [{ classId: 'member', rule: { type: 'consent' } }],
    };
    const result = replayUnderDraft(c.s, { resolution: oneChamber });
    expect(result.summary).toEqual({ decided: 3, unchanged: 0, replayed: 3, differ: 0, notReplayable: 0 });
  });

  it('given a longer consent period only, when replayed, then every decision is counted again and none differs', () => {
    const result = replayUnderDraft(garden().s, { resolution: consent(168) });
    expect(result.summary).toMatchObject({ replayed: 3, differ: 0 });
  });

  it('given chambers in the draft, then each class counts its members admitted by then and every counted position', () => {
    const c = Scenario.given({ members: ['bob', 'cy', 'dan', 'eve'], rules: { resolution: consent(72) } });
    c.resolve('r1', 'ada', at(1));
    c.position('r1', 'ada', 'agree', at(2));
    c.position('r1', 'bob', 'agree', at(2));
    c.position('r1', 'cy', 'block', at(2));
    c.close('r1', at(100));
    expect(c.proposal('r1').status).toBe('rejected');
    const draft: DraftRules = {
      resolution: {
        type: 'chambers',
        hours: 72,
        chambers: [
          {
            classId: 'member',
            rule: {
              type: 'vote',
              threshold: { num: 1, den: 2 },
              strict: true,
              quorum: { num: 1, den: 2 },
              abstentions: 'quorum_only',
            },
          },
        ],
      },
    };
    const chamber = () => replayUnderDraft(c.s, draft).differences[0]?.draft.chambers?.chambers[0];
    expect(chamber()).toMatchObject({
      classId: 'member',
      passed: true,
      counts: { agree: 2, block: 1, electorate: 5, participants: 3 },
    });
    // Eve leaves without having taken a position: she is no longer known to have sat in it. Cy, who objected, leaves
    // too: her counted position keeps her in it.
    c.types({ type: 'LeaveCommons' }, 'eve', at(101));
    c.types({ type: 'LeaveCommons' }, 'cy', at(102));
    expect(chamber()).toMatchObject({ counts: { agree: 2, block: 1, electorate: 4, participants: 3 } });
  });

  it('given a role draft, when its holder took a position, then the holder decides; when the holder never acted, it cannot be replayed', () => {
    const c = garden();
    const result = replayUnderDraft(c.s, { resolution: role(0) });
    // r1 and r2: cy agreed, so cy approves (bob's objection does not count without an objection window).
    expect(result.summary).toEqual({ decided: 3, unchanged: 0, replayed: 2, differ: 1, notReplayable: 1 });
    expect(result.differences[0]).toMatchObject({
      proposalId: 'r1',
      draft: { passed: true, decidedBy: 'cy', reasons: [{ code: 'role_approved', params: { by: 'cy' } }] },
    });
    expect(result.notReplayable).toEqual([
      expect.objectContaining({ proposalId: 'r3', code: 'role_never_acted' }),
    ]);
    // With an objection window, bob's block stands against cy's approval, as it did under consent: nothing differs.
    expect(replayUnderDraft(c.s, { resolution: role(24) }).summary).toMatchObject({ replayed: 2, differ: 0 });
  });

  it('given a decision by a holder who has since left, then the holder still decides it under another role rule', () => {
    const c = Scenario.given({
      members: ['bob', 'cy'],
      rules: { resolution: role(24) },
      roles: [
        {
          id: 'sec',
          name: 'Secretary',
          description: '',
          mandate: ['resolution'],
          termDays: null,
          holders: [['cy', null]],
        },
      ],
    });
    c.resolve('r1', 'ada', at(1));
    c.position('r1', 'cy', 'agree', at(2));
    c.position('r1', 'bob', 'block', at(2));
    c.close('r1', at(30));
    expect(c.proposal('r1').outcome).toMatchObject({ passed: false, decidedBy: 'cy' });
    c.types({ type: 'LeaveCommons' }, 'cy', at(31));
    expect(c.s.core.roles.sec?.holders).toEqual([]);
    // Without the objection window, cy's approval decides it: it would have passed.
    const result = replayUnderDraft(c.s, { resolution: role(0) });
    expect(result.differences).toEqual([
      expect.objectContaining({
        proposalId: 'r1',
        draft: expect.objectContaining({ passed: true, decidedBy: 'cy' }),
      }),
    ]);
  });

  it('given a poll draft for yes-or-no resolutions, then none can be replayed: they have no options', () => {
    const result = replayUnderDraft(garden().s, {
      resolution: { type: 'poll', hours: 24, method: 'approval' },
    });
    expect(result.summary).toMatchObject({ replayed: 0, notReplayable: 3 });
    expect(new Set(result.notReplayable.map((n) => n.code))).toEqual(new Set(['no_question']));
  });

  it('given polls in the history, then another method whose ballots fit counts them, a yes or no does not, nor a method of another ballot', () => {
    const c = Scenario.given({
      members: ['bob', 'cy'],
      rules: { resolution: { type: 'poll', hours: 24, method: 'approval' } },
    });
    c.types(
      {
        type: 'SubmitProposal',
        proposalId: 'q1',
        title: 'Colour',
        body: '',
        action: { kind: 'resolution', text: 'Paint the shed' },
        question: {
          options: [
            { id: 'red', label: 'Red' },
            { id: 'blue', label: 'Blue' },
          ],
        },
      },
      'ada',
      at(1),
    );
    c.types(
      { type: 'CastBallot', proposalId: 'q1', ballot: { approve: ['red', 'blue'] }, reason: '' },
      'ada',
      at(2),
    );
    c.types(
      { type: 'CastBallot', proposalId: 'q1', ballot: { approve: ['blue'] }, reason: '' },
      'bob',
      at(2),
    );
    c.close('q1', at(30));
    expect(c.proposal('q1').outcome?.poll?.winners).toEqual(['blue']);
    expect(
      replayUnderDraft(c.s, { resolution: { type: 'poll', hours: 48, method: 'approval' } }).summary,
    ).toMatchObject({
      replayed: 1,
      differ: 0,
    });
    expect(replayUnderDraft(c.s, { resolution: consent(24) }).notReplayable).toEqual([
      expect.objectContaining({ proposalId: 'q1', code: 'ballots_not_positions' }),
    ]);
    expect(
      replayUnderDraft(c.s, { resolution: { type: 'poll', hours: 24, method: 'irv' } }).notReplayable,
    ).toEqual([expect.objectContaining({ proposalId: 'q1', code: 'ballots_do_not_fit' })]);
  });

  it('given a proposal decided under an older version, then the draft replays it too: as if its rule had always been in force', () => {
    const c = garden();
    // The commons amends resolutions to a majority vote (two thirds of the five, quorum half), then decides r6 by it.
    c.propose('a1', { kind: 'amend_constitution', rules: { resolution: majority } }, 'ada', at(110));
    for (const m of ['ada', 'bob', 'cy', 'dan']) c.position('a1', m, 'agree', at(111));
    c.close('a1', at(400));
    expect(c.s.core.constitution.version).toBe(2);
    c.resolve('r6', 'ada', at(401));
    c.position('r6', 'ada', 'agree', at(402));
    c.position('r6', 'bob', 'agree', at(402));
    c.position('r6', 'cy', 'agree', at(402));
    c.position('r6', 'dan', 'block', at(402));
    c.close('r6', at(500));
    expect(c.proposal('r6')).toMatchObject({ status: 'passed', ruleVersion: 2 });
    // Under the draft, consent as version 1 had it: r6 (dan objected) fails; r1..r3 keep their outcome.
    const result = replayUnderDraft(c.s, { resolution: consent(72) });
    expect(result.summary).toMatchObject({ decided: 5, unchanged: 4, replayed: 1, differ: 1 });
    expect(result.differences[0]).toMatchObject({
      proposalId: 'r6',
      ruleVersion: 2,
      draft: { passed: false },
    });
  });

  it('refuses a bad draft as an amendment would be refused, with what is wrong', () => {
    const s = garden().s;
    expect(codeOf(() => replayUnderDraft(s, {}))).toBe('invalid_action');
    expect(codeOf(() => replayUnderDraft(s, null))).toBe('invalid_action');
    expect(codeOf(() => replayUnderDraft(s, [consent(1)]))).toBe('invalid_action');
    expect(codeOf(() => replayUnderDraft(s, { resolution: { type: 'vote' } }))).toBe('invalid_procedure');
    expect(codeOf(() => replayUnderDraft(s, { no_such_kind: consent(1) }))).toBe('invalid_procedure');
    expect(
      codeOf(() => replayUnderDraft(s, { admit_member: { type: 'poll', hours: 1, method: 'approval' } })),
    ).toBe('invalid_procedure');
    const chambers = {
      type: 'chambers',
      hours: 1,
      chambers: [{ classId: 'workers', rule: { type: 'consent' } }],
    };
    expect(codeOf(() => replayUnderDraft(s, { resolution: chambers }))).toBe('invalid_procedure');
  });

  it('normalises the draft as an amendment does: fields a procedure does not have are dropped', () => {
    const result = replayUnderDraft(garden().s, { resolution: { type: 'consent', hours: 72, extra: 1 } });
    expect(result.rules).toEqual({ resolution: consent(72) });
    expect(result.summary.unchanged).toBe(3);
  });
});

describe('replay with hostile ids', () => {
  const HOSTILE = ['__proto__', 'constructor', 'toString'];
  const before = Object.getOwnPropertyNames(Object.prototype).sort();

  it.each(HOSTILE)(
    'given proposals and a member called %s, when replayed, then they are ordinary ids',
    (id) => {
      const c = garden({ r1: id, r2: `${id}-2`, r3: 'hasOwnProperty' }, { bob: id });
      const state: CommonsState = c.s;
      const result = replayUnderDraft(state, { resolution: majority });
      expect(result.differences.map((d) => d.proposalId).sort()).toEqual([id, 'hasOwnProperty'].sort());
      expect(result.differences.find((d) => d.proposalId === id)?.draft.counts.block).toBe(1);
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    },
  );

  it('refuses a draft keyed by an inherited name', () => {
    const s = garden().s;
    for (const key of ['__proto__', 'constructor', 'toString']) {
      const draft = JSON.parse(`{"${key}": {"type": "consent", "hours": 1}}`) as DraftRules;
      expect(codeOf(() => replayUnderDraft(s, draft))).toBe('invalid_procedure');
    }
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });
});
