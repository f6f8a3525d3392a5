// Domains and their modes (src/rules/domains.ts): a domain's mode says which types of procedure its kinds may
// have; do-ocracy's automatic procedure with an objection window is decided unless a member objects within it.
import { describe, expect, it } from 'vitest';
import type { Domain, Reason } from '../../src/index';
import { at, consent, foundingEvents, role, vote } from '../scenario';
import { opened, positionTaken, spec, submit } from '../modules/spec';
import { amend, foundedWith } from './given';

const doOcracy = (objectionHours: number) => ({ type: 'automatic', objectionHours }) as const;
const DOMAINS: Domain[] = [
  { id: 'members', name: 'Membership', mode: 'peer', kinds: ['admit_member', 'remove_member'] },
  { id: 'ops', name: 'Operations', mode: 'do_ocracy', kinds: ['resolution'] },
  { id: 'roles', name: 'Roles', mode: 'hierarchy', tier: 'policy', kinds: ['assign_role'] },
];

describe('splitting a commons into domains', () => {
  it('given a commons, when domains with fitting rules are proposed and pass, then the constitution has them', () => {
    const steward = {
      id: 'steward',
      name: 'Steward',
      description: '',
      mandate: ['assign_role' as const],
      termDays: null,
    };
    const given = foundingEvents({
      rules: { amend_constitution: { type: 'automatic' } },
      roles: [{ ...steward, holders: [['ada', null]] }],
    });
    const { state } = spec(given)
      .when(
        submit(
          'a',
          amend(
            { resolution: doOcracy(48), assign_role: role(0) },
            { domains: [...DOMAINS.slice(0, 2), { ...DOMAINS[2], name: '  Roles  ' }] },
          ),
        ),
      )
      .thenTypes(['ProposalOpened', 'ProposalDecided', 'ConstitutionAmended']);
    expect(state.core.constitution.domains).toEqual(DOMAINS);
    expect(state.core.constitution.rules.resolution).toEqual(doOcracy(48));
  });

  it('given a commons, when a hierarchy domain holds kinds decided by a vote, then each is refused in words', () => {
    const error = spec(foundingEvents())
      .when(
        submit(
          'a',
          amend(
            {},
            {
              domains: [
                { id: 'm', name: 'Membership', mode: 'hierarchy', kinds: ['admit_member', 'remove_member'] },
              ],
            },
          ),
        ),
      )
      .thenRefuses('invalid_domains');
    const problems = error.details.problems as Reason[];
    expect(problems.map((p) => p.params.kind)).toEqual(['admit_member', 'remove_member']);
    expect(problems[1]!.text).toBe(
      '"Remove a member" is in the domain "Membership", whose mode is hierarchy: a member holding a role decides within its mandate: its rule must be of type role, not vote.',
    );
  });

  it('given domains, when a rule is changed to a type its domain’s mode forbids, then invalid_domains', () => {
    spec(foundedWith({ domains: DOMAINS }, { rules: { resolution: doOcracy(24), assign_role: role(0) } }))
      .when(submit('a', amend({ resolution: vote([1, 2]) })))
      .thenRefuses('invalid_domains', /"Operations".*do-ocracy/);
  });

  it.each([
    [
      'a kind in two domains',
      [
        { id: 'a', name: 'A', mode: 'peer', kinds: ['resolution'] },
        { id: 'b', name: 'B', mode: 'peer', kinds: ['resolution'] },
      ],
    ],
    [
      'two domains with one id',
      [
        { id: 'a', name: 'A', mode: 'peer', kinds: [] },
        { id: 'a', name: 'B', mode: 'peer', kinds: [] },
      ],
    ],
    ['a mode that is not one', [{ id: 'a', name: 'A', mode: 'market', kinds: [] }]],
    ['an empty name', [{ id: 'a', name: ' ', mode: 'peer', kinds: [] }]],
    ['an unknown kind', [{ id: 'a', name: 'A', mode: 'peer', kinds: ['pay_wages'] }]],
  ])('given a commons, when domains with %s are proposed, then invalid_domains', (_, domains) => {
    spec(foundingEvents())
      .when(submit('a', amend({}, { domains })))
      .thenRefuses('invalid_domains');
  });

  it('given a commons, when a domain is called __proto__, then it is an ordinary domain', () => {
    const { state } = spec(foundingEvents({ rules: { amend_constitution: { type: 'automatic' } } }))
      .when(
        submit(
          'a',
          amend(
            {},
            { domains: [{ id: '__proto__', name: 'constructor', mode: 'peer', kinds: ['resolution'] }] },
          ),
        ),
      )
      .thenTypes(['ProposalOpened', 'ProposalDecided', 'ConstitutionAmended']);
    expect(state.core.constitution.domains?.[0]?.id).toBe('__proto__');
    expect(Object.getPrototypeOf(state.core.constitution.domains?.[0])).toBe(Object.prototype);
  });
});

describe('do-ocracy with an objection window', () => {
  const given = (extra: Parameters<typeof spec>[0] = []) =>
    spec([
      ...foundingEvents({ members: ['bob'], rules: { resolution: doOcracy(48) } }),
      opened(
        'r',
        { kind: 'resolution', text: 'Paint the shed' },
        { procedure: doOcracy(48), electorate: ['ada', 'bob'], closesAt: at(48) },
      ),
      ...extra,
    ]);

  it('given do-ocracy with a window, when a member asks, then it stays open for the window', () => {
    spec(foundingEvents({ rules: { resolution: doOcracy(48) } }))
      .when(submit('r', { kind: 'resolution', text: 'Paint the shed' }))
      .thenMatch([{ type: 'ProposalOpened', data: { closesAt: at(48), procedure: doOcracy(48) } }]);
  });

  it('given no objection, when the window ends, then it is done', () => {
    given()
      .when({ type: 'CloseProposal', proposalId: 'r' }, 'ada', at(48))
      .thenMatch([
        {
          type: 'ProposalDecided',
          data: { outcome: { passed: true, reasons: [{ code: 'no_objection_in_window' }] } },
        },
        { type: 'ResolutionAdopted' },
      ]);
  });

  it('given a member objected, when the window ends, then it is not done', () => {
    given([positionTaken('r', 'bob', 'block')])
      .when({ type: 'CloseProposal', proposalId: 'r' }, 'ada', at(48))
      .thenMatch([
        {
          type: 'ProposalDecided',
          data: { outcome: { passed: false, reasons: [{ code: 'objection_stands' }] } },
        },
      ]);
  });

  it('given automatic without a window (every constitution before windows), when asked, then done at once', () => {
    spec(foundingEvents({ rules: { resolution: { type: 'automatic' } } }))
      .when(submit('r', { kind: 'resolution', text: 'Paint' }))
      .thenTypes(['ProposalOpened', 'ProposalDecided', 'ResolutionAdopted']);
  });

  it('given a window of 0, when proposed in an amendment, then it is stored as no window', () => {
    const { state } = spec(foundingEvents({ rules: { amend_constitution: { type: 'automatic' } } }))
      .when(submit('a', amend({ resolution: doOcracy(0) })))
      .thenTypes(['ProposalOpened', 'ProposalDecided', 'ConstitutionAmended']);
    expect(state.core.constitution.rules.resolution).toEqual({ type: 'automatic' });
    expect(consent(1)).toBeDefined();
  });
});
