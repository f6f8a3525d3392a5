// An amendment's rules for rules (triggers, review dates, sunsets) through the tiers' checks (src/rules/amendment.ts):
// an amendment may change only them; the tier it touches is that of the kinds they change; no lock-in covers what a
// trigger or a sunset would give; `amended` carries them over or replaces them, and a trigger's version keeps the
// tiers and domains.
import { describe, expect, it } from 'vitest';
import {
  amended,
  diffConstitution,
  nextConstitution,
  type Constitution,
  type Domain,
  type Procedure,
  type Reason,
  type Trigger,
} from '../../src/index';
import { consent, foundingEvents, role } from '../scenario';
import { spec, submit } from '../modules/spec';
import { amend, foundedWith, TIERS_OF } from './given';

const openedWith = (procedure: Procedure) => [{ type: 'ProposalOpened' as const, data: { procedure } }];
const at12: Trigger['when'] = { type: 'members', atLeast: 12 };
const trigger = (rules: Trigger['rules'], id = 't1'): Trigger => ({ id, when: at12, rules });

describe('an amendment that changes only the rules for rules', () => {
  it('given no tiers, when an amendment only adds a trigger, then it is opened under the rule for amending', () => {
    spec(foundingEvents())
      .when(submit('a', amend({}, { triggers: [trigger({ resolution: consent(12) })] } as never)))
      .thenTypes(['ProposalOpened']);
  });

  it('given tiers, when a trigger changes an operational rule, then the policy tier’s procedure decides', () => {
    spec(foundedWith({ tiers: TIERS_OF }))
      .when(submit('a', amend({}, { triggers: [trigger({ resolution: consent(12) })] } as never)))
      .thenMatch(openedWith(consent(24)));
  });

  it('given tiers, when a trigger would change an entrenched rule that never changes, then entrenched', () => {
    spec(foundedWith({ tiers: TIERS_OF }))
      .when(submit('a', amend({}, { triggers: [trigger({ adopt_charter: consent(12) })] } as never)))
      .thenRefuses('entrenched');
  });

  it('given tiers and a sunset on a policy rule, when it is renewed, then the constitutional tier’s procedure decides', () => {
    const sunsets = [{ kind: 'remove_member' as const, at: '2031-01-01T00:00:00.000Z' }];
    spec(foundedWith({ tiers: TIERS_OF, sunsets }))
      .when(
        submit('a', amend({}, { sunsets: [{ ...sunsets[0]!, at: '2032-01-01T00:00:00.000Z' }] } as never)),
      )
      .thenMatch(openedWith(TIERS_OF.procedures.constitutional));
  });

  it('given tiers, when only a review date is added, then the lowest bar decides', () => {
    spec(foundedWith({ tiers: TIERS_OF }))
      .when(
        submit(
          'a',
          amend({}, { reviews: [{ kind: 'remove_member', at: '2031-01-01T00:00:00.000Z' }] } as never),
        ),
      )
      .thenMatch(openedWith(consent(24)));
  });
});

describe('no lock-in ahead', () => {
  it('given no roles, when a trigger would give amending to a role no one could hold, then it is refused when proposed', () => {
    const error = spec(foundingEvents())
      .when(
        submit(
          'a',
          amend({}, {
            triggers: [trigger({ amend_constitution: role(0), create_role: role(0), assign_role: role(0) })],
          } as never),
        ),
      )
      .thenRefuses('constitution_locked', /When the trigger "t1" fires/);
    const problems = error.details.problems as Reason[];
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.params.trigger === 't1')).toBe(true);
  });
});

describe('amended and a trigger’s version', () => {
  const base: Constitution = {
    version: 3,
    rules: { resolution: consent(12) } as Constitution['rules'],
    adoptedAt: '2030-01-01T00:00:00.000Z',
    adoptedBy: null,
    tiers: TIERS_OF,
    domains: [{ id: 'day', name: 'Day to day', mode: 'peer', kinds: ['resolution'] } satisfies Domain],
    triggers: [trigger({ resolution: consent(48) })],
    reviews: [{ kind: 'resolution', at: '2031-01-01T00:00:00.000Z' }],
    sunsets: [{ kind: 'resolution', at: '2032-01-01T00:00:00.000Z' }],
    changedBy: { by: 'trigger', id: 'old', reason: { code: 'trigger_members', params: {}, text: '' } },
  };

  it('carries the triggers, review dates and sunsets over an amendment that does not give them', () => {
    const next = amended(
      base,
      { kind: 'amend_constitution', rules: { resolution: consent(1) } },
      'p1',
      'now',
    );
    expect(next.triggers).toEqual(base.triggers);
    expect(next.reviews).toEqual(base.reviews);
    expect(next.sunsets).toEqual(base.sunsets);
    expect(next.tiers).toEqual(TIERS_OF);
    expect(next.changedBy).toBeUndefined();
    expect(next.adoptedBy).toBe('p1');
  });

  it('replaces them where the amendment gives them, an empty list removing them', () => {
    const t2 = trigger({ resolution: consent(2) }, 't2');
    const next = amended(
      base,
      { kind: 'amend_constitution', rules: {}, triggers: [t2], sunsets: [] },
      'p1',
      'now',
    );
    expect(next.triggers).toEqual([t2]);
    expect(next.sunsets).toBeUndefined();
    expect(next.reviews).toEqual(base.reviews);
  });

  it('keeps the tiers and domains in a trigger’s version', () => {
    const next = nextConstitution(
      base,
      { rules: { resolution: consent(48) }, changedBy: base.changedBy!, triggers: [] },
      'now',
    );
    expect(next.tiers).toEqual(TIERS_OF);
    expect(next.domains).toEqual(base.domains);
    expect(next.triggers).toBeUndefined();
  });
});

describe('an amendment’s difference', () => {
  it('says which triggers it adds, changes and removes, and whether review dates and sunsets change', () => {
    const { state } = spec(foundingEvents());
    const core = state!.core;
    const before = {
      ...core.constitution,
      triggers: [trigger({ resolution: consent(1) }, 'old'), trigger({})],
    };
    const after = amended(
      before,
      {
        kind: 'amend_constitution',
        rules: {},
        triggers: [trigger({ resolution: consent(2) }), trigger({}, 'new')],
        reviews: [{ kind: 'resolution', at: '2031-01-01T00:00:00.000Z' }],
      },
      null,
      'now',
    );
    expect(diffConstitution(before, after, core).map((l) => [l.code, l.params.id])).toEqual([
      ['trigger_changed', 't1'],
      ['trigger_added', 'new'],
      ['trigger_removed', 'old'],
      ['reviews_changed', undefined],
    ]);
  });
});
