import { describe, expect, it } from 'vitest';
import {
  LiquidStatus,
  NULL_TRUSTEE,
  resolveDelegationGraph,
  resolveLiquid,
  type LiquidDelegation,
} from '../src/liquid';

const members = (...ids: string[]) => ids.map((id) => ({ id }));
const d = (
  truster: string,
  trustee: string | null,
  scope: LiquidDelegation['scope'] = 'unit',
  extra: Partial<LiquidDelegation> = {},
): LiquidDelegation => ({
  truster,
  trustee,
  scope,
  ...extra,
});

describe('liquid delegation', () => {
  it('given a chain a → b → c and c votes, then c carries 3 and each delegator has its chain', () => {
    const r = resolveLiquid({
      members: members('a', 'b', 'c'),
      delegations: [d('a', 'b'), d('b', 'c')],
      directVoters: ['c'],
    });
    expect(r.directVoters).toEqual([{ member: 'c', ownWeight: 1, weight: 3 }]);
    expect(r.delegators).toEqual([
      { member: 'a', ownWeight: 1, weight: 1, scope: 'unit', chain: ['b', 'c'] },
      { member: 'b', ownWeight: 1, weight: 2, scope: 'unit', chain: ['c'] },
    ]);
    expect(r.voterCount).toBe(3);
  });

  it('a direct vote overrides the voter’s own delegation', () => {
    const r = resolveLiquid({
      members: members('a', 'b'),
      delegations: [d('a', 'b')],
      directVoters: ['a', 'b'],
    });
    expect(r.directVoters.map((v) => v.weight)).toEqual([1, 1]);
    expect(r.explanation.map((s) => s.code)).toContain('direct_overrides');
  });

  it('issue beats area beats unit; delegations for other areas or issues do not apply', () => {
    const delegations = [
      d('a', 'u', 'unit', { unit: 'U' }),
      d('a', 'r', 'area', { area: 'A1' }),
      d('a', 'i', 'issue', { issue: 'I2' }), // another issue
      d('b', 'u', 'unit', { unit: 'U' }),
      d('b', 'r', 'area', { area: 'A2' }), // another area
    ];
    const r = resolveLiquid({
      members: members('a', 'b', 'u', 'r', 'i'),
      delegations,
      directVoters: ['u', 'r', 'i'],
      issue: { unit: 'U', area: 'A1', issue: 'I1' },
    });
    expect(r.delegators.map((x) => [x.member, x.scope, x.chain])).toEqual([
      ['a', 'area', ['r']],
      ['b', 'unit', ['u']],
    ]);
  });

  it('a null trustee at area or issue scope blocks lower-scope delegations', () => {
    const r = resolveLiquid({
      members: members('a', 'b', 'c'),
      delegations: [d('a', 'c'), d('a', null, 'area'), d('b', 'a')],
      directVoters: ['c'],
    });
    expect(r.directVoters[0]?.weight).toBe(1);
    expect(r.notCounted).toEqual([
      { member: 'a', reason: 'blocked', at: null },
      { member: 'b', reason: 'chain_blocked', at: 'a' },
    ]);
  });

  it('a cycle without a direct voter counts for nobody; a cycle through a direct voter counts for it', () => {
    const off = resolveLiquid({
      members: members('a', 'b', 'c', 'x'),
      delegations: [d('a', 'b'), d('b', 'c'), d('c', 'a'), d('x', 'a')],
      directVoters: [],
    });
    expect(off.notCounted.map((n) => n.reason)).toEqual(['cycle', 'cycle', 'cycle', 'cycle']);
    const through = resolveLiquid({
      members: members('a', 'b', 'c'),
      delegations: [d('a', 'b'), d('b', 'c'), d('c', 'a')],
      directVoters: ['c'],
    });
    expect(through.directVoters).toEqual([{ member: 'c', ownWeight: 1, weight: 3 }]);
    expect(through.delegators.find((x) => x.member === 'b')!.chain).toEqual(['c']);
    expect(through.delegators.find((x) => x.member === 'a')!.chain).toEqual(['b', 'c']);
  });

  it('chains ending at a non-voter or an ineligible member count for nobody; ineligible ballots are dropped', () => {
    const r = resolveLiquid({
      members: [{ id: 'a' }, { id: 'b' }, { id: 'z', eligible: false }, { id: 'y' }, { id: 'v', weight: 3 }],
      delegations: [d('a', 'b'), d('y', 'z'), d('z', 'v')],
      directVoters: ['v', 'z'],
    });
    expect(r.droppedVotes).toEqual(['z']);
    expect(r.directVoters).toEqual([{ member: 'v', ownWeight: 3, weight: 3 }]);
    expect(r.notCounted).toEqual([
      { member: 'a', reason: 'chain_ends_at_non_voter', at: 'b' },
      { member: 'b', reason: 'abstained', at: null },
      { member: 'y', reason: 'chain_ineligible', at: 'z' },
    ]);
  });

  it('refuses two delegations of one member at the same scope, and unknown trusters', () => {
    expect(() =>
      resolveLiquid({
        members: members('a', 'b', 'c'),
        delegations: [d('a', 'b'), d('a', 'c')],
        directVoters: [],
      }),
    ).toThrow(/two unit delegations/);
    expect(() =>
      resolveLiquid({ members: members('a'), delegations: [d('q', 'a')], directVoters: [] }),
    ).toThrow(/not a member/);
  });

  it('follows a chain of 300,000 members without recursion', () => {
    const n = 300_000;
    const truster = new Int32Array(n - 1);
    const trustee = new Int32Array(n - 1);
    for (let k = 0; k < n - 1; k++) {
      truster[k] = k + 1;
      trustee[k] = k;
    }
    const direct = new Uint8Array(n);
    direct[0] = 1;
    const r = resolveDelegationGraph({
      memberCount: n,
      direct,
      truster,
      trustee,
      scope: new Uint8Array(n - 1),
    });
    expect(r.voterCount).toBe(n);
    expect(r.depth[n - 1]).toBe(n - 1);
    expect(r.status[n - 1]).toBe(LiquidStatus.delegated);
    expect(r.chain(3)).toEqual([2, 1, 0]);
  });

  it('typed-array API: a unit delegation cannot have a null trustee', () => {
    expect(() =>
      resolveDelegationGraph({
        memberCount: 1,
        direct: new Uint8Array(1),
        truster: Int32Array.of(0),
        trustee: Int32Array.of(NULL_TRUSTEE),
        scope: Uint8Array.of(0),
      }),
    ).toThrow(/null trustee/);
  });
});
