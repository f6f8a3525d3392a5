// The plain-language difference of an amendment (src/rules/diff.ts) and an amendment proposal's difference.
import { describe, expect, it } from 'vitest';
import { amended, amendmentOf, diffConstitution, type Action } from '../../src/index';
import { consent, foundingEvents } from '../scenario';
import { spec, submit } from '../modules/spec';
import { amend, TIERS_OF } from './given';

type Amendment = Extract<Action, { kind: 'amend_constitution' }>;

describe('the difference of an amendment', () => {
  const core = () => spec(foundingEvents()).state!.core;
  const diff = (a: Action) => {
    const c = core();
    return diffConstitution(c.constitution, amended(c.constitution, a as Amendment, null, ''), c);
  };

  it('given a rule changed, then one line says what it was and what it becomes', () => {
    expect(diff(amend({ remove_member: consent(72) }))).toEqual([
      {
        code: 'rule',
        params: { kind: 'remove_member' },
        before: core().constitution.rules.remove_member,
        after: consent(72),
        text: 'Remove a member: was "A vote over 168 hours: passes if at least 2/3 of votes agree, with at least half of members taking part; abstentions count toward the quorum only.", becomes "Passes after 72 hours unless a member objects."',
      },
    ]);
  });

  it('given nothing changed, then no line', () => {
    expect(diff(amend({ resolution: core().constitution.rules.resolution }))).toEqual([]);
  });

  it('given tiers and domains introduced, then their lines, rule by rule', () => {
    const lines = diff(
      amend(
        {},
        {
          tiers: TIERS_OF,
          domains: [{ id: 'm', name: 'Membership', mode: 'peer', tier: 'policy', kinds: ['admit_member'] }],
        },
      ),
    );
    expect(lines.map((l) => l.code)).toEqual([
      'tiers_added',
      'tier_procedure',
      'tier_procedure',
      'tier_procedure',
      'entrenched_by',
      'kind_tier',
      'kind_tier',
      'kind_tier',
      'kind_tier',
      'domain_added',
      'kind_domain',
    ]);
    expect(lines.find((l) => l.code === 'entrenched_by')?.text).toBe('The entrenched tier changes never');
    expect(lines.find((l) => l.code === 'kind_domain')?.text).toBe(
      'Admit a member: moves to the domain "Membership"',
    );
    expect(lines.filter((l) => l.code === 'kind_tier').map((l) => l.params.kind)).toEqual([
      'admit_member',
      'remove_member',
      'adopt_charter',
      'amend_constitution',
    ]);
  });

  it('given an open amendment, then its proposal carries its difference and no tier', () => {
    const { state } = spec(foundingEvents())
      .when(submit('a', amend({ resolution: consent(12) })))
      .thenTypes(['ProposalOpened']);
    const view = amendmentOf(state.core, state.proposals['a']!);
    expect(view?.tier).toBeNull();
    expect(view?.lines.map((l) => l.params.kind)).toEqual(['resolution']);
    expect(
      amendmentOf(state.core, { ...state.proposals['a']!, action: { kind: 'resolution', text: 'x' } }),
    ).toBeNull();
  });
});
