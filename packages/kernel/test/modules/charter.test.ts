// The charter module (src/modules/charter.ts): CharterAdopted and ConstitutionAmended. It has no command of its
// own: each event is carried out from a passed proposal, so the commands here are SubmitProposal of adopt_charter
// and amend_constitution, refused with the codes their checks give (src/actions, src/constitution.ts).
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/index';
import { at, consent, foundingEvents, Scenario, vote } from '../scenario';
import { spec, stamped, submit } from './spec';

const automatic = { type: 'automatic' } as const;
const amend = (rules: Record<string, unknown>): Action => ({ kind: 'amend_constitution', rules }) as Action;

describe('adopting the charter', () => {
  it('given an automatic rule, when a charter is proposed, then CharterAdopted and the commons has it', () => {
    const { state } = spec(foundingEvents({ rules: { adopt_charter: automatic } }))
      .when(
        submit('p', { kind: 'adopt_charter', purpose: ' Feed the street ', charter: ' We share. ' }),
        'ada',
      )
      .thenMatch([
        { type: 'ProposalOpened' },
        { type: 'ProposalDecided', data: { outcome: { passed: true } } },
        {
          type: 'CharterAdopted',
          data: { proposalId: 'p', purpose: 'Feed the street', charter: 'We share.' },
        },
      ]);
    expect(state.core).toMatchObject({ purpose: 'Feed the street', charter: 'We share.' });
  });

  it.each([
    ['an empty purpose', { purpose: ' ', charter: 'We share.' }],
    ['an empty charter', { purpose: 'Food', charter: '' }],
    ['a charter longer than its limit', { purpose: 'Food', charter: 'x'.repeat(50_001) }],
  ])('given a commons, when a charter with %s is proposed, then invalid_input', (_, o) => {
    spec(foundingEvents())
      .when(submit('p', { kind: 'adopt_charter', ...o }), 'ada')
      .thenRefuses('invalid_input');
  });

  it('given CharterAdopted, then only the purpose and charter change', () => {
    const before = spec(foundingEvents()).state;
    const { state } = spec([
      ...foundingEvents(),
      { type: 'CharterAdopted', data: { proposalId: 'p', purpose: 'P', charter: 'C' } },
    ]);
    expect(state?.core).toEqual({ ...before?.core, purpose: 'P', charter: 'C' });
  });
});

describe('amending the constitution', () => {
  it('given an automatic rule, when an amendment is proposed, then version 2 in force, version 1 kept', () => {
    const history = foundingEvents({ rules: { amend_constitution: automatic } });
    const v1 = spec(history).state?.core.constitution;
    const { events, state } = spec(history)
      .when(submit('a1', amend({ resolution: consent(12) })), 'ada', at(3))
      .thenMatch([{ type: 'ProposalOpened' }, { type: 'ProposalDecided' }, { type: 'ConstitutionAmended' }]);
    expect(events[2]).toMatchObject({
      data: {
        proposalId: 'a1',
        constitution: {
          version: 2,
          adoptedAt: at(3),
          adoptedBy: 'a1',
          rules: { ...v1?.rules, resolution: consent(12) },
        },
      },
    });
    expect(state.core.constitution).toMatchObject({ version: 2, rules: { resolution: consent(12) } });
    expect(state.core.history).toEqual([v1]);
  });

  it('given ConstitutionAmended, then the old version goes to the history', () => {
    const history = foundingEvents();
    const v1 = spec(history).state?.core.constitution;
    const v2 = { ...v1!, version: 2, adoptedAt: at(1), adoptedBy: 'a1' };
    const { state } = spec([
      ...history,
      stamped({ type: 'ConstitutionAmended', data: { proposalId: 'a1', constitution: v2 } }, at(1)),
    ]);
    expect(state?.core.constitution).toEqual(v2);
    expect(state?.core.history).toEqual([v1]);
  });

  it('amending the constitution is decided under the rules in force when it opened', () => {
    const c = Scenario.founded();
    c.admit('bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    c.admit('cy', 'p2');
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'agree', reason: '' }, 'ada');
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'agree', reason: '' }, 'bob');
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'a',
        title: 'Admit by automatic',
        body: '',
        action: { kind: 'amend_constitution', rules: { admit_member: { type: 'automatic' } } },
      },
      'ada',
    );
    c.admit('dan', 'p3', at(1));
    for (const who of ['ada', 'bob'])
      c.run({ type: 'TakePosition', proposalId: 'a', stance: 'agree', reason: '' }, who, at(2));
    c.run({ type: 'TakePosition', proposalId: 'a', stance: 'disagree', reason: 'too open' }, 'cy', at(2));
    const a = c.proposal('a');
    expect(a.status).toBe('passed');
    expect(a.outcome).toMatchObject({ ruleVersion: 1, counts: { agree: 2, disagree: 1, electorate: 3 } });
    expect(c.s.core.constitution).toMatchObject({ version: 2, adoptedBy: 'a' });
    expect(c.s.core.history).toHaveLength(1);
    // the admission opened under version 1 is still decided by consent
    expect(c.proposal('p3').procedure.type).toBe('consent');
    // a new one is automatic under version 2
    c.admit('eve', 'p4', at(3));
    expect(c.proposal('p4')).toMatchObject({ status: 'passed', ruleVersion: 2 });
  });

  it('a proposal is decided under the version in force when it opened', () => {
    const c = Scenario.given({
      rules: { resolution: consent(24), amend_constitution: { type: 'automatic' } },
      members: ['bob', 'cy'],
    });
    c.resolve('r1');
    c.position('r1', 'bob', 'block');
    c.propose('a1', amend({ resolution: vote([1, 2], { hours: 24 }) }), 'ada', at(1));
    expect(c.s.core.constitution.version).toBe(2);
    // under version 2 a resolution is a vote: bob's block would be one vote against two
    c.resolve('r2', 'ada', at(2));
    c.position('r2', 'ada', 'agree', at(2));
    c.position('r2', 'cy', 'agree', at(2));
    c.position('r2', 'bob', 'block', at(2));
    expect(c.proposal('r2').outcome).toMatchObject({
      passed: true,
      ruleVersion: 2,
      procedure: { type: 'vote' },
    });
    // r1 is still decided by consent, so the block stands
    c.close('r1', at(24));
    expect(c.proposal('r1').outcome).toMatchObject({ passed: false, ruleVersion: 1, procedure: consent(24) });
  });

  it('keeps every earlier version, merges rules, and amendments open together both take effect', () => {
    const c = Scenario.given({ rules: { amend_constitution: consent(24) }, members: ['bob'] });
    const v1 = structuredClone(c.s.core.constitution);
    c.propose('a1', amend({ resolution: { type: 'automatic' } }));
    // (Not a role's decision: with no role to hold it, no role could ever be created, which no lock-in refuses.)
    c.propose('a2', amend({ create_role: consent(48) }));
    c.close('a1', at(24));
    c.close('a2', at(25));
    const { constitution, history } = c.s.core;
    expect(history).toEqual([
      v1,
      {
        ...v1,
        version: 2,
        adoptedAt: at(24),
        adoptedBy: 'a1',
        rules: { ...v1.rules, resolution: { type: 'automatic' } },
      },
    ]);
    expect(constitution).toEqual({
      version: 3,
      adoptedAt: at(25),
      adoptedBy: 'a2',
      rules: { ...v1.rules, resolution: { type: 'automatic' }, create_role: consent(48) },
    });
  });

  it('refuses an amendment with an invalid rule, naming it', () => {
    const c = Scenario.founded();
    expect(() =>
      c.run(
        {
          type: 'SubmitProposal',
          proposalId: 'a',
          title: 'x',
          body: '',
          action: {
            kind: 'amend_constitution',
            rules: {
              resolution: {
                type: 'vote',
                hours: 1,
                threshold: { num: 3, den: 2 },
                strict: false,
                quorum: { num: 0, den: 1 },
                abstentions: 'ignored',
              },
            },
          },
        },
        'ada',
      ),
    ).toThrow(/rule for "resolution" is invalid: threshold/);
  });

  it.each([
    ['no rule at all', {}, 'invalid_action'],
    ['an unknown kind of action', { spend_money: { type: 'automatic' } }, 'invalid_procedure'],
    ['an unknown procedure', { resolution: { type: 'lottery' } }, 'invalid_procedure'],
    ['a procedure that is not an object', { resolution: 'automatic' }, 'invalid_procedure'],
    ['a null procedure', { resolution: null }, 'invalid_procedure'],
    ['consent over zero hours', { resolution: { type: 'consent', hours: 0 } }, 'invalid_procedure'],
    ['consent over fractional hours', { resolution: { type: 'consent', hours: 1.5 } }, 'invalid_procedure'],
    [
      'consent over more than a year',
      { resolution: { type: 'consent', hours: 24 * 365 + 1 } },
      'invalid_procedure',
    ],
    [
      'a negative objection window',
      { resolution: { type: 'role', objectionHours: -1 } },
      'invalid_procedure',
    ],
    [
      'participation above one',
      { resolution: { type: 'consensus', hours: 1, minParticipation: { num: 3, den: 2 } } },
      'invalid_procedure',
    ],
    [
      'participation over zero',
      { resolution: { type: 'consensus', hours: 1, minParticipation: { num: 1, den: 0 } } },
      'invalid_procedure',
    ],
    ['a zero threshold', { resolution: vote([0, 2]) }, 'invalid_procedure'],
    ['a strict threshold of one', { resolution: vote([1, 1], { strict: true }) }, 'invalid_procedure'],
    [
      'a fractional quorum numerator',
      { resolution: vote([1, 2], { quorum: [0.5, 1] }) },
      'invalid_procedure',
    ],
    [
      'an unknown abstention rule',
      { resolution: { ...vote([1, 2]), abstentions: 'maybe' } },
      'invalid_procedure',
    ],
    ['strict given as text', { resolution: { ...vote([1, 2]), strict: 'true' } }, 'invalid_procedure'],
  ] as [string, Record<string, unknown>, string][])('refuses an amendment with %s', (_, rules, code) => {
    const c = Scenario.given({ rules: { amend_constitution: { type: 'automatic' } } });
    expect(
      c.error({ type: 'SubmitProposal', proposalId: 'a', title: 'x', body: '', action: amend(rules) }, 'ada'),
    ).toBe(code);
    expect(c.s.core.constitution.version).toBe(1);
  });

  it.each([null, 'automatic', ['automatic']])(
    'refuses rules that are not a record of kinds (%j)',
    (rules) => {
      const c = Scenario.given({ rules: { amend_constitution: { type: 'automatic' } } });
      expect(
        c.error(
          {
            type: 'SubmitProposal',
            proposalId: 'a',
            title: 'x',
            body: '',
            action: { kind: 'amend_constitution', rules } as unknown as Action,
          },
          'ada',
        ),
      ).toMatch(/^invalid_/);
    },
  );

  it('keeps only the fields a procedure has', () => {
    const c = Scenario.given({ rules: { amend_constitution: { type: 'automatic' } } });
    c.propose(
      'a',
      amend({
        resolution: { type: 'automatic', hours: 3, note: 'x' },
        admit_member: { ...consent(5), extra: true },
      }),
    );
    expect(c.s.core.constitution.rules.resolution).toEqual({ type: 'automatic' });
    expect(c.s.core.constitution.rules.admit_member).toEqual(consent(5));
  });
});
