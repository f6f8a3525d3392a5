// The first page of a proposal's positions in every write's answer (pages.ts firstPositions), kept per record and
// brought up to date from the keys each commit changed: after any sequence of commits through the write path's
// overlay draft it is the page a fresh scan of the same positions gives.
import {
  dictOf,
  OverlayDraft,
  replay,
  type CommonsState,
  type EventEnvelope,
  type Stance,
} from '@peergov/kernel';
import { describe, expect, test } from 'vitest';
import { firstPositions, positionsPage } from '../src/pages';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const PEOPLE = Array.from({ length: 40 }, (_, i) => `m${i}`);
const STANCES: Stance[] = ['agree', 'abstain', 'disagree'];

/** A commons of 40 members with one open resolution, as the do-ocracy template founds it. */
function founded(): CommonsState {
  const events: EventEnvelope[] = [
    {
      type: 'CommonsCreated',
      data: {
        id: 'c1',
        name: 'Garden',
        purpose: '',
        charter: '',
        template: 'do-ocracy',
        founder: { accountId: 'ada', displayName: 'Ada', classes: [], status: 'member', since: at(0) },
        classes: [],
        roles: [],
        constitution: {
          version: 1,
          rules: dictOf([]) as never,
          adoptedAt: at(0),
          adoptedBy: null,
          defaultRule: { type: 'consent', hours: 72 },
        },
      },
      actor: 'ada',
      at: at(0),
    } as EventEnvelope,
    ...PEOPLE.map(
      (id, i) =>
        ({
          type: 'MemberAdmitted',
          data: { proposalId: `a-${id}`, accountId: id, displayName: id, classes: [] },
          actor: null,
          at: at(1 + i),
        }) as EventEnvelope,
    ),
  ];
  return replay(events)!;
}

/** mulberry32, seeded. */
function rng(seed: number) {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
}

describe('the first page of positions across commits', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    test(`seed ${seed}: after each commit it is what a fresh scan gives`, () => {
      const int = rng(seed);
      // One limit per run (the cache is kept for the limit last asked).
      const limit = seed % 2 === 0 ? 5 : 20;
      const proposal: EventEnvelope = {
        type: 'ProposalOpened',
        data: {
          id: 'p1',
          title: 'T',
          body: '',
          action: { kind: 'resolution', text: 'x' },
          proposer: 'ada',
          closesAt: at(86_400_000),
          ruleVersion: 1,
          procedure: { type: 'consent', hours: 72 },
          electorate: { admittedUpTo: 41, size: 41 },
        },
        actor: 'ada',
        at: at(100),
      } as EventEnvelope;
      let state = founded();
      let t = 200;
      for (let batch = 0; batch < 60; batch++) {
        const draft = new OverlayDraft(state);
        if (batch === 0) draft.apply(proposal);
        // A few positions per batch, taken or changed, sometimes by the same person twice, sometimes at one time.
        for (let k = 1 + int(4); k > 0; k--) {
          t += int(3);
          const who = PEOPLE[int(PEOPLE.length)]!;
          draft.apply({
            type: 'PositionTaken',
            data: { proposalId: 'p1', accountId: who, stance: STANCES[int(3)]!, reason: '' },
            actor: who,
            at: at(t),
          } as EventEnvelope);
        }
        state = draft.commit()!;
        const got = firstPositions(state, 'p1', limit);
        // The same positions in a record of their own: no cache of this one, so a scan.
        const fresh = { ...state, positions: dictOf([['p1', dictOf(Object.entries(state.positions.p1!))]]) };
        expect(got, `batch ${batch}`).toEqual(firstPositions(fresh, 'p1', limit));
        expect(got).toEqual(positionsPage(fresh, 'p1', undefined, undefined, limit));
      }
    });
  }
});
