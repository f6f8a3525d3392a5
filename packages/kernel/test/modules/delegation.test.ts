// Liquid delegation (issue 11): members delegate their vote for the commons, a kind of action or one proposal
// (proposal beats kind beats commons), revocable at any time; a direct vote overrides; under a vote with
// `delegation: true` the close counts each direct vote with what is delegated to it, chains, cycles and delegations
// to people who do not vote resolved as packages/methods/src/liquid resolves them (LiquidFeedback).
import { describe, expect, it } from 'vitest';
import {
  decodeState,
  describeProcedure,
  encodeState,
  replay,
  validateRules,
  type Command,
  type DelegationScope,
  type Procedure,
} from '../../src/index';
import { at, foundingEvents, Scenario } from '../scenario';
import { spec } from './spec';

const liquidVote: Procedure = {
  type: 'vote',
  hours: 24,
  threshold: { num: 1, den: 2 },
  strict: true,
  quorum: { num: 0, den: 1 },
  abstentions: 'ignored',
  delegation: true,
};
const PEOPLE = ['bob', 'cy', 'dee', 'eve', '__proto__'];
const given = () => foundingEvents({ rules: { resolution: liquidVote }, members: PEOPLE });
const commons: DelegationScope = { type: 'commons' };
const kind: DelegationScope = { type: 'kind', kind: 'resolution' };
const delegate = (trustee: string, scope: DelegationScope = commons): Command => ({
  type: 'Delegate',
  scope,
  trustee,
});
const revoke = (scope: DelegationScope = commons): Command => ({ type: 'RevokeDelegation', scope });

describe('Delegate and RevokeDelegation', () => {
  it('given a member, when they delegate for the commons, then DelegationSet and the delegation is in the state', () => {
    const { state } = spec(given())
      .when(delegate('cy'), 'bob', at(1))
      .then([{ type: 'DelegationSet', data: { accountId: 'bob', trustee: 'cy', scope: commons } }]);
    expect(state.core.delegations).toEqual([{ truster: 'bob', trustee: 'cy', scope: commons, since: at(1) }]);
  });

  it('a second delegation in the same scope replaces the first; another scope adds one; revoking takes one back', () => {
    const c = new Scenario(given());
    c.run(delegate('cy'), 'bob');
    c.run(delegate('dee'), 'bob');
    c.run(delegate('__proto__', kind), 'bob');
    expect(c.s.core.delegations?.map((d) => [d.trustee, d.scope.type])).toEqual([
      ['dee', 'commons'],
      ['__proto__', 'kind'],
    ]);
    expect(c.types(revoke(), 'bob')).toEqual(['DelegationRevoked']);
    expect(c.s.core.delegations?.map((d) => d.trustee)).toEqual(['__proto__']);
    expect(c.error(revoke(), 'bob')).toBe('delegation_not_found');
  });

  it('refuses a stranger, oneself, a non-member or hostile trustee, an unknown kind or proposal, the same again', () => {
    const s = spec(given());
    s.when(delegate('cy'), 'stranger').thenRefuses('not_a_member');
    s.when(delegate('bob'), 'bob').thenRefuses('invalid_delegation', /yourself/);
    s.when(delegate('nobody'), 'bob').thenRefuses('member_not_found');
    s.when(delegate('constructor'), 'bob').thenRefuses('member_not_found');
    s.when(
      delegate('cy', { type: 'kind', kind: '__proto__' } as unknown as DelegationScope),
      'bob',
    ).thenRefuses('invalid_delegation');
    s.when(delegate('cy', { type: 'proposal', proposalId: '__proto__' }), 'bob').thenRefuses(
      'proposal_not_found',
    );
    s.when(delegate('cy', { type: 'everything' } as unknown as DelegationScope), 'bob').thenRefuses(
      'invalid_delegation',
    );
    s.when(revoke({ type: 'proposal', proposalId: 'toString' }), 'bob').thenRefuses('delegation_not_found');
    const c = new Scenario(given());
    c.run(delegate('cy'), 'bob');
    expect(c.error(delegate('cy'), 'bob')).toBe('invalid_delegation');
  });

  it('the vote rule says it allows delegation, and a non-boolean flag is refused', () => {
    expect(describeProcedure(liquidVote)).toMatch(/Members may delegate their vote/);
    expect(() =>
      validateRules({ resolution: { ...liquidVote, delegation: 'yes' } as unknown as Procedure }),
    ).toThrow(/delegation must be true or false/);
  });
});

describe('a vote with delegation, counted at the close', () => {
  const open = (c: Scenario) => c.resolve('p1');
  const vote = (c: Scenario, who: string, stance: 'agree' | 'disagree' | 'abstain') =>
    c.position('p1', who, stance, at(1));

  it('weights each direct vote with the chain of delegations to it; the weights and chains are on the outcome', () => {
    const c = new Scenario(given());
    c.run(delegate('cy'), 'bob'); // bob -> cy (commons)
    c.run(delegate('bob', kind), 'dee'); // dee -> bob -> cy (resolutions)
    open(c);
    vote(c, 'cy', 'disagree');
    vote(c, 'ada', 'agree');
    vote(c, 'eve', 'agree');
    // Everyone who votes has voted, yet a vote with delegation settles only at its close.
    expect(c.proposal('p1').status).toBe('open');
    c.close('p1', at(24));
    const outcome = c.proposal('p1').outcome!;
    expect(outcome.counts).toMatchObject({ agree: 2, disagree: 3, participants: 5, electorate: 6 });
    expect(outcome.passed).toBe(false);
    expect(outcome.delegation?.weights).toEqual(
      expect.arrayContaining([
        { member: 'cy', weight: 3 },
        { member: 'ada', weight: 1 },
      ]),
    );
    expect(outcome.delegation?.chains).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ member: 'dee', scope: 'kind' }),
        expect.objectContaining({ member: 'bob', scope: 'commons' }),
      ]),
    );
  });

  it('a direct vote overrides the voter’s own delegation; proposal beats kind beats commons', () => {
    const c = new Scenario(given());
    c.run(delegate('cy'), 'bob');
    c.run(delegate('dee', kind), 'bob');
    open(c);
    c.run(delegate('eve', { type: 'proposal', proposalId: 'p1' }), 'bob', at(1));
    vote(c, 'eve', 'agree');
    vote(c, 'dee', 'disagree');
    vote(c, 'cy', 'disagree');
    c.close('p1', at(24));
    expect(c.proposal('p1').outcome?.counts).toMatchObject({ agree: 2, disagree: 2 });
    const c2 = new Scenario(given());
    c2.run(delegate('cy'), 'bob');
    c2.resolve('p1');
    c2.position('p1', 'bob', 'agree', at(1));
    c2.position('p1', 'cy', 'disagree', at(1));
    c2.close('p1', at(24));
    expect(c2.proposal('p1').outcome?.counts).toMatchObject({ agree: 1, disagree: 1 });
  });

  it('a cycle and a chain ending at someone who did not vote count for no one, and say why', () => {
    const c = new Scenario(given());
    c.run(delegate('cy'), 'bob');
    c.run(delegate('bob'), 'cy');
    c.run(delegate('eve'), 'dee');
    open(c);
    vote(c, 'ada', 'agree');
    c.close('p1', at(24));
    const outcome = c.proposal('p1').outcome!;
    expect(outcome.counts).toMatchObject({ agree: 1, participants: 1 });
    expect(outcome.delegation?.notCounted).toEqual(
      expect.arrayContaining([
        { member: 'bob', reason: 'cycle' },
        { member: 'cy', reason: 'cycle' },
        { member: 'dee', reason: 'chain_ends_at_non_voter' },
      ]),
    );
  });

  it('a revoked delegation no longer counts; a member who left delegates nothing; a vote without the flag ignores delegations', () => {
    const c = new Scenario(given());
    c.run(delegate('cy'), 'bob');
    c.run(delegate('cy'), 'dee');
    c.run(revoke(), 'bob');
    c.run({ type: 'LeaveCommons' }, 'dee');
    open(c);
    vote(c, 'cy', 'agree');
    c.close('p1', at(24));
    expect(c.proposal('p1').outcome?.counts).toMatchObject({ agree: 1 });
    expect(decodeState(encodeState(c.s))).toEqual(c.s);
    expect(replay(c.log)).toEqual(c.s);
    const plain = new Scenario(foundingEvents({ members: PEOPLE }));
    plain.run(delegate('cy'), 'bob');
    plain.resolve('p1');
    expect(plain.proposal('p1').procedure).not.toHaveProperty('delegation');
  });
});
