// Rules that change themselves (src/rules/triggers.ts): a founder decides alone until the twelfth member, when the
// admission's own commit carries the change; a date, a class's size and a role's lapsed mandate; triggers refused
// with the reason; the same constitution whether decided or folded from the log.
import { describe, expect, it } from 'vitest';
import {
  ACTION_KINDS,
  checkTriggers,
  decide,
  describeTrigger,
  dictOf,
  validateRules,
  evolve,
  replay,
  ruleFor,
  TEMPLATES,
  type Command,
  type CommonsState,
  type DomainEvent,
  type EventEnvelope,
  type Role,
  type Trigger,
} from '../../src/index';
import { at, consent, T0 } from '../scenario';
import { spec, stamped, submit, type GivenEvent } from '../modules/spec';

/** A small driver: each command decided and folded, its envelopes kept as the log would keep them. */
function commons(template: keyof typeof TEMPLATES, classes: string[] = []) {
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
      template,
      displayName: 'Ada',
      classes,
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
    /** `who` applies and Ada (holding the mandate) agrees: the events of her position. */
    admit(who: string, h: number, classes: string[] = []): DomainEvent[] {
      run(
        { type: 'ApplyForMembership', proposalId: `a-${who}`, displayName: who, classes, statement: '' },
        who,
        at(h),
      );
      return run({ type: 'TakePosition', proposalId: `a-${who}`, stance: 'agree', reason: '' }, 'ada', at(h));
    },
  };
}

const trigger = (when: Trigger['when'], id = 't1'): Trigger => ({
  id,
  when,
  rules: { resolution: consent(48) },
});

describe('a founder with planned devolution', () => {
  it('given eleven members, when the twelfth is admitted, then the rules change in the same commit', () => {
    const c = commons('founder-devolution');
    expect(ruleFor(c.state.core.constitution, 'resolution')).toEqual({ type: 'role', objectionHours: 0 });
    for (let i = 2; i <= 11; i++) {
      const events = c.admit(`m${i}`, i);
      expect(events.map((e) => e.type)).toEqual(['PositionTaken', 'ProposalDecided', 'MemberAdmitted']);
    }
    expect(c.state.core.memberCount).toBe(11);
    // Given the log so far, when Ada agrees to the twelfth: the admission and the trigger, one commit.
    c.run(
      { type: 'ApplyForMembership', proposalId: 'a-m12', displayName: 'm12', classes: [], statement: '' },
      'm12',
      at(12),
    );
    const given = spec(c.log as GivenEvent[]);
    const { events, state } = given
      .when({ type: 'TakePosition', proposalId: 'a-m12', stance: 'agree', reason: '' }, 'ada', at(12))
      .thenMatch([
        { type: 'PositionTaken' },
        { type: 'ProposalDecided' },
        { type: 'MemberAdmitted', data: { accountId: 'm12' } },
        {
          type: 'RuleTriggered',
          data: {
            trigger: { id: 'devolve-at-12', when: { type: 'members', atLeast: 12 } },
            reason: { code: 'trigger_members', params: { members: 12, atLeast: 12 } },
            constitution: {
              version: 2,
              adoptedBy: null,
              changedBy: { by: 'trigger', id: 'devolve-at-12', reason: { code: 'trigger_members' } },
            },
          },
        },
      ]);
    const after = state.core.constitution;
    expect(ruleFor(after, 'resolution')).toEqual(consent(72));
    expect(ruleFor(after, 'amend_constitution')).toMatchObject({
      type: 'vote',
      threshold: { num: 2, den: 3 },
    });
    // The trigger is spent: the new version carries no trigger, the old one is in the history.
    expect(after.triggers).toBeUndefined();
    expect(state.core.history.map((h) => h.version)).toEqual([1]);
    const fired = events.at(-1) as Extract<DomainEvent, { type: 'RuleTriggered' }>;
    expect(fired.data.reason.text).toBe('The commons reached 12 members; the rule changed at 12.');
    // Replaying the log gives the same constitution: the firing is an event, not a recomputation.
    const log = [...c.log, ...events.map((e) => stamped(e, at(12), 'ada'))];
    expect(replay(log)!.core.constitution).toEqual(after);
  });

  it('given eleven members, when one leaves, then nothing fires', () => {
    const c = commons('founder-devolution');
    for (let i = 2; i <= 11; i++) c.admit(`m${i}`, i);
    spec(c.log as GivenEvent[])
      .when({ type: 'LeaveCommons' }, 'm5', at(20))
      .thenTypes(['MemberLeft']);
  });

  it('describes its pending trigger in plain words', () => {
    const c = commons('founder-devolution');
    const [t] = c.state.core.constitution.triggers!;
    expect(describeTrigger(t!, c.state.core)).toMatch(
      // Every kind but the election's (resources' kinds come after resolutions in the list).
      /^The rules for .*resolution.* change once the commons has 12 members\.$/,
    );
  });
});

describe('triggers on time and on a class', () => {
  const amendWith = (triggers: unknown, c: ReturnType<typeof commons>, h: number) =>
    c.run(submit(`amend-${h}`, { kind: 'amend_constitution', rules: {}, triggers } as never), 'ada', at(h));

  it('given a date trigger, when the clock reaches it, then ApplyDueRules fires it; before, nothing is due', () => {
    const c = commons('founder-devolution');
    amendWith([trigger({ type: 'date', at: at(100) })], c, 1);
    expect(c.state.core.constitution.triggers).toHaveLength(1);
    const given = spec(c.log as GivenEvent[]);
    given.when({ type: 'ApplyDueRules' }, null, at(99)).thenRefuses('nothing_due');
    const { state } = given
      .when({ type: 'ApplyDueRules' }, null, at(100))
      .thenMatch([
        { type: 'RuleTriggered', data: { reason: { code: 'trigger_date' }, constitution: { version: 3 } } },
      ]);
    expect(ruleFor(state.core.constitution, 'resolution')).toEqual(consent(48));
  });

  it('given a class-size trigger, when the class reaches its size, then it fires with the admission', () => {
    const c = commons('multi-stakeholder-coop', ['workers']);
    // Admissions by the secretary (Ada) alone, and a trigger on the guardians; under two thirds, Ada's vote passes it.
    c.run(
      submit('amend', {
        kind: 'amend_constitution',
        rules: { admit_member: { type: 'role', objectionHours: 0 } },
        triggers: [trigger({ type: 'class_size', classId: 'guardians', atLeast: 1 })],
      } as never),
      'ada',
      at(1),
    );
    c.run({ type: 'TakePosition', proposalId: 'amend', stance: 'agree', reason: '' }, 'ada', at(1));
    expect(c.state.core.constitution.triggers?.[0]?.id).toBe('t1');
    expect(c.admit('bob', 2, ['users']).map((e) => e.type)).not.toContain('RuleTriggered');
    const events = c.admit('gaia', 3, ['guardians']);
    expect(events.at(-1)).toMatchObject({
      type: 'RuleTriggered',
      data: { reason: { code: 'trigger_class_size', params: { classId: 'guardians', members: 1 } } },
    });
  });

  it('given an elected board, when its mandate is not renewed within a year, then the members take back the everyday; a new term renews it', () => {
    const c = commons('elected-board');
    const given = spec(c.log as GivenEvent[]);
    expect(describeTrigger(c.state.core.constitution.triggers![0]!, c.state.core)).toMatch(
      /mandate of Board is not renewed within 365 days/,
    );
    given.when({ type: 'ApplyDueRules' }, null, at(24 * 364)).thenRefuses('nothing_due');
    const { state } = given.when({ type: 'ApplyDueRules' }, null, at(24 * 365)).thenMatch([
      {
        type: 'RuleTriggered',
        data: { reason: { code: 'trigger_mandate_lapse', params: { roleId: 'board' } } },
      },
    ]);
    expect(ruleFor(state.core.constitution, 'resolution')).toEqual(consent(72));
    // Renewed: the role given again (a new term) moves the lapse a year on from then.
    const renewed = spec([
      ...(c.log as GivenEvent[]),
      stamped(
        { type: 'RoleAssigned', data: { proposalId: 'x', roleId: 'board', accountId: 'ada', until: null } },
        at(24 * 300),
      ),
    ]);
    renewed.when({ type: 'ApplyDueRules' }, null, at(24 * 365)).thenRefuses('nothing_due');
  });

  it.each([
    [[{ id: 'x', when: { type: 'members', atLeast: 1 }, rules: { resolution: consent(1) } }], /from 2/],
    [
      [{ id: 'x', when: { type: 'class_size', classId: '__proto__', atLeast: 2 }, rules: {} }],
      /no stakeholder class "__proto__"/,
    ],
    [
      [{ id: 'x', when: { type: 'mandate_lapse', roleId: 'constructor', days: 3 }, rules: {} }],
      /no role "constructor"/,
    ],
    [[{ id: 'x', when: { type: 'date', at: 'soon' }, rules: { resolution: consent(1) } }], /date/],
    [
      [
        {
          id: 'x',
          when: { type: 'members', atLeast: 5 },
          rules: JSON.parse('{"__proto__":{"type":"consent","hours":1}}') as object,
        },
      ],
      /no kind of action/,
    ],
    [
      [{ id: 'x', when: { type: 'members', atLeast: 5 }, rules: { resolution: { type: 'nope' } } }],
      /unknown procedure/,
    ],
    [
      [
        { id: 'x', when: { type: 'members', atLeast: 5 }, rules: { resolution: consent(1) } },
        { id: 'x', when: { type: 'members', atLeast: 6 }, rules: { resolution: consent(1) } },
      ],
      /two triggers/,
    ],
    ['all', /a list/],
  ])('refuses a bad trigger %#, saying what is wrong', (triggers, message) => {
    const c = commons('founder-devolution');
    spec(c.log as GivenEvent[])
      .when(submit('bad', { kind: 'amend_constitution', rules: {}, triggers } as never), 'ada', at(1))
      .thenRefuses('invalid_trigger', message);
  });

  it('refuses an amendment that changes nothing', () => {
    const c = commons('founder-devolution');
    spec(c.log as GivenEvent[])
      .when(submit('bad', { kind: 'amend_constitution', rules: {} }), 'ada', at(1))
      .thenRefuses('invalid_action');
  });
});

describe('the templates', () => {
  it('are at least eight, each saying when it suits and what it gives up, with valid rules and triggers', () => {
    const all = Object.values(TEMPLATES);
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const t of all) {
      expect(t.suits.length, t.id).toBeGreaterThan(20);
      expect(t.givesUp.length, t.id).toBeGreaterThan(20);
      expect(Object.keys(t.rules).sort(), t.id).toEqual([...ACTION_KINDS].sort());
      const core = {
        classes: t.classes,
        roles: dictOf<Role>(t.roles.map((r): [string, Role] => [r.id, { ...r, holders: [] }])),
      };
      expect(() => validateRules(t.rules, core as never), t.id).not.toThrow();
      // What founding copies into the log must be what an amendment could have given.
      if (t.triggers) expect(checkTriggers(t.triggers, core), t.id).toEqual(t.triggers);
    }
  });
});
