// Tiers and entrenchment (src/rules/tiers.ts): an amendment is decided by the procedure of the tier above the
// highest it touches; the entrenched tier changes only by the procedure it names for itself, here never.
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, TEMPLATES, tierOf, type Procedure } from '../../src/index';
import { consent, foundingEvents, role, vote } from '../scenario';
import { spec, submit } from '../modules/spec';
import { amend, foundedWith, TIERS_OF } from './given';

const openedWith = (procedure: Procedure) => [{ type: 'ProposalOpened' as const, data: { procedure } }];

describe('an amendment without tiers', () => {
  it('given a constitution stored before tiers, when an amendment is proposed, then its own rule decides it', () => {
    spec(foundingEvents())
      .when(submit('a', amend({ resolution: consent(12) })))
      .thenMatch(openedWith(TEMPLATES['single-class'].rules.amend_constitution));
  });

  it('given a constitution without tiers, then no kind of action has a tier', () => {
    const { state } = spec(foundingEvents());
    expect(tierOf(state!.core.constitution, 'remove_member')).toBeNull();
  });
});

describe('an amendment under tiers', () => {
  const given = () => spec(foundedWith({ tiers: TIERS_OF }));

  it('given tiers, when an operational rule is changed, then the policy tier’s procedure decides', () => {
    given()
      .when(submit('a', amend({ resolution: consent(12) })))
      .thenMatch(openedWith(consent(24)));
  });

  it('given tiers, when a policy rule is changed, then the constitutional tier’s procedure decides', () => {
    given()
      .when(submit('a', amend({ remove_member: consent(12) })))
      .thenMatch(openedWith(vote([2, 3], { hours: 48 })));
  });

  it('given tiers, when an operational and a policy rule change together, then the highest tier decides', () => {
    given()
      .when(submit('a', amend({ resolution: consent(12), remove_member: consent(12) })))
      .thenMatch(openedWith(vote([2, 3], { hours: 48 })));
  });

  it('given tiers, when the rule for amending (constitutional) changes, then the entrenched tier’s decides', () => {
    given()
      .when(submit('a', amend({ amend_constitution: vote([3, 4]) })))
      .thenMatch(openedWith(TIERS_OF.procedures.entrenched));
  });

  it('given an entrenched tier that never changes, when an entrenched rule is changed, then entrenched', () => {
    given()
      .when(submit('a', amend({ adopt_charter: consent(12) })))
      .thenRefuses('entrenched', /can never be changed/);
  });

  it('given an entrenched tier that names its own procedure, when an entrenched rule changes, then that decides', () => {
    const unanimity = vote([1, 1], { hours: 168, quorum: [1, 1] });
    spec(foundedWith({ tiers: { ...TIERS_OF, entrenchedBy: unanimity } }))
      .when(submit('a', amend({ adopt_charter: consent(12) })))
      .thenMatch(openedWith(unanimity));
  });

  it('given tiers, when an operational kind is moved up to the policy tier, then the move is a policy change', () => {
    given()
      .when(
        submit(
          'a',
          amend({}, { tiers: { ...TIERS_OF, kinds: { ...TIERS_OF.kinds, resolution: 'policy' } } }),
        ),
      )
      .thenMatch(openedWith(vote([2, 3], { hours: 48 })));
  });

  it('given tiers, when the policy tier’s procedure changes, then it is a change of the policy tier', () => {
    const tiers = { ...TIERS_OF, procedures: { ...TIERS_OF.procedures, policy: consent(48) } };
    given()
      .when(submit('a', amend({}, { tiers })))
      .thenMatch(openedWith(vote([2, 3], { hours: 48 })));
  });

  it('given tiers, when they are dropped, then it touches the entrenched tier (here: refused)', () => {
    given()
      .when(submit('a', amend({}, { tiers: null })))
      .thenRefuses('entrenched');
  });

  it('given a domain in the constitutional tier, when a rule of one of its kinds changes, then entrenched decides', () => {
    const domains = [
      { id: 'members', name: 'Membership', mode: 'peer', tier: 'constitutional', kinds: ['admit_member'] },
    ];
    spec(foundedWith({ tiers: TIERS_OF, domains: domains as never }))
      .when(submit('a', amend({ admit_member: vote([1, 2]) })))
      .thenMatch(openedWith(TIERS_OF.procedures.entrenched));
  });

  it('given tiers, when the amendment passes, then the new constitution keeps its tiers', () => {
    const { state } = spec(
      foundedWith({
        tiers: { ...TIERS_OF, procedures: { ...TIERS_OF.procedures, policy: { type: 'automatic' } } },
      }),
    )
      .when(submit('a', amend({ resolution: consent(12) })))
      .thenTypes(['ProposalOpened', 'ProposalDecided', 'ConstitutionAmended']);
    expect(state.core.constitution.tiers?.kinds?.adopt_charter).toBe('entrenched');
    expect(state.core.constitution.rules.resolution).toEqual(consent(12));
  });

  it.each([
    ['a tier that is not one', { ...TIERS_OF, kinds: { resolution: 'sacred' } }],
    ['a kind that is not one', { ...TIERS_OF, kinds: { pay_wages: 'policy' } }],
    [
      'a poll as a tier’s procedure',
      {
        ...TIERS_OF,
        procedures: { ...TIERS_OF.procedures, policy: { type: 'poll', hours: 24, method: 'approval' } },
      },
    ],
    ['a missing tier procedure', { entrenchedBy: null, procedures: { policy: consent(1) } }],
    [
      'an inherited name as a kind',
      JSON.parse(
        '{"procedures":{"policy":{"type":"consent","hours":1},"constitutional":{"type":"consent","hours":1},"entrenched":{"type":"consent","hours":1}},"entrenchedBy":null,"kinds":{"__proto__":"policy"}}',
      ),
    ],
  ])('given a commons, when tiers with %s are proposed, then refused', (_, tiers) => {
    const error = spec(foundingEvents())
      .when(submit('a', amend({}, { tiers })))
      .thenRefuses(tiers.procedures?.policy?.type === 'poll' ? 'invalid_procedure' : 'invalid_tiers');
    expect(error.message).not.toBe('');
  });

  it('given tiers with a role as a tier’s procedure, then the holder of the mandate to amend decides', () => {
    spec(
      foundedWith(
        { tiers: { ...TIERS_OF, procedures: { ...TIERS_OF.procedures, policy: role(0) } } },
        {
          roles: [
            {
              id: 'clerk',
              name: 'Clerk',
              description: '',
              mandate: ['amend_constitution'],
              termDays: null,
              holders: [['ada', null]],
            },
          ],
        },
      ),
    )
      .when(submit('a', amend({ resolution: consent(12) })))
      .thenTypes(['ProposalOpened', 'PositionTaken', 'ProposalDecided', 'ConstitutionAmended']);
  });
});

describe('a snapshot of a constitution with tiers', () => {
  it('given tiers and domains, when the state is encoded and decoded, then it is the same, kinds without prototype', () => {
    const { state } = spec(
      foundedWith({ tiers: TIERS_OF, domains: [{ id: '__proto__', name: 'P', mode: 'peer', kinds: [] }] }),
    );
    const back = decodeState(encodeState(state!));
    expect(back).toEqual(state);
    expect(Object.getPrototypeOf(back.core.constitution.tiers!.kinds)).toBeNull();
    expect(tierOf(back.core.constitution, 'remove_member')).toBe('policy');
  });
});
