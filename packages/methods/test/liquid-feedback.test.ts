// Conformance: LiquidFeedback core 4.2.2's own outputs (fixtures/liquid). For every issue of every scenario:
// direct and delegating voters with weights, scopes and chains, voter_count; the full-freeze snapshot's interest
// delegation (same algorithm, interested members as roots); battles, positive/negative and first-preference votes;
// the result of calculate_ranks (Schulze ranks, flags, winner, rank, status quo rank, state) under every policy;
// and our documented behaviour on the two inputs where the core itself aborts (known_core_failures).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  lfTally,
  LiquidFeedbackError,
  resolveLiquid,
  type LfPolicy,
  type LfTallyInput,
  type LiquidDelegation,
  type LiquidInput,
  type LiquidResult,
} from '../src/liquid';
import { fixture } from './fixtures';

type Id = number;
interface LfInput {
  members: { id: Id; active: boolean }[];
  areas: { id: Id; unit_id: Id }[];
  privileges: { unit_id: Id; member_id: Id; voting_right: boolean | null; weight: number | null }[];
  issue_privileges: { issue_id: Id; member_id: Id; voting_right: boolean | null; weight: number | null }[];
  policies: LfPolicyRow[];
  issues: { id: Id; area_id: Id; policy_id: Id }[];
  initiatives: { id: Id; issue_id: Id }[];
  delegations: {
    truster_id: Id;
    trustee_id: Id | null;
    scope: 'unit' | 'area' | 'issue';
    unit_id: Id | null;
    area_id: Id | null;
    issue_id: Id | null;
  }[];
  interest: { issue_id: Id; member_id: Id }[];
  supporters: { initiative_id: Id; member_id: Id }[];
  ballots: { issue_id: Id; member_id: Id; grades: { initiative_id: Id; grade: number }[] }[];
}

interface LfPolicyRow {
  id: Id;
  name: string;
  defeat_strength: 'simple' | 'tuple';
  tie_breaking: 'simple' | 'variant1' | 'variant2';
  direct_majority_num: number;
  direct_majority_den: number;
  direct_majority_strict: boolean;
  direct_majority_positive: number;
  direct_majority_non_negative: number;
  indirect_majority_num: number;
  indirect_majority_den: number;
  indirect_majority_strict: boolean;
  indirect_majority_positive: number;
  indirect_majority_non_negative: number;
  no_reverse_beat_path: boolean;
  no_multistage_majority: boolean;
}

/** A LiquidFeedback policy row as the ranking's policy. */
const lfPolicy = (p: LfPolicyRow): LfPolicy => ({
  defeatStrength: p.defeat_strength,
  tieBreaking: p.tie_breaking,
  directMajority: {
    num: p.direct_majority_num,
    den: p.direct_majority_den,
    strict: p.direct_majority_strict,
    positive: p.direct_majority_positive,
    nonNegative: p.direct_majority_non_negative,
  },
  indirectMajority: {
    num: p.indirect_majority_num,
    den: p.indirect_majority_den,
    strict: p.indirect_majority_strict,
    positive: p.indirect_majority_positive,
    nonNegative: p.indirect_majority_non_negative,
  },
  noReverseBeatPath: p.no_reverse_beat_path,
  noMultistageMajority: p.no_multistage_majority,
});

/** The kept direct voters' ballots with their resolved weights, the admitted initiatives in ascending id. */
function issueTallyInput(
  input: LfInput,
  issueId: Id,
  resolved: LiquidResult,
  admitted: readonly Id[],
  policy: LfPolicyRow,
): LfTallyInput {
  const weight = new Map(resolved.directVoters.map((v) => [Number(v.member), v.weight]));
  return {
    initiatives: [...admitted].sort((a, b) => a - b).map(String),
    ballots: input.ballots
      .filter((b) => b.issue_id === issueId && weight.has(b.member_id))
      .map((b) => ({
        weight: weight.get(b.member_id)!,
        grades: Object.fromEntries(b.grades.map((g) => [String(g.initiative_id), g.grade])),
      })),
    policy: lfPolicy(policy),
  };
}

const data = JSON.parse(readFileSync(fixture('liquid', 'liquidfeedback-scenarios.json'), 'utf8'));

/** The members of an issue with LiquidFeedback's eligibility and weight rules, and its applicable delegations. */
function issueInput(input: LfInput, issueId: Id, roots: Id[]): LiquidInput {
  const issue = input.issues.find((i) => i.id === issueId)!;
  const unit = input.areas.find((a) => a.id === issue.area_id)!.unit_id;
  const members = input.members.map((m) => {
    const ip = input.issue_privileges.find((p) => p.issue_id === issueId && p.member_id === m.id);
    const up = input.privileges.find((p) => p.unit_id === unit && p.member_id === m.id);
    const right = ip?.voting_right ?? up?.voting_right ?? null;
    const weight = ip?.weight ?? up?.weight ?? 0;
    return { id: String(m.id), eligible: m.active && right === true, weight };
  });
  const delegations: LiquidDelegation[] = input.delegations.map((d) => ({
    truster: String(d.truster_id),
    trustee: d.trustee_id === null ? null : String(d.trustee_id),
    scope: d.scope,
    unit: d.unit_id === null ? undefined : String(d.unit_id),
    area: d.area_id === null ? undefined : String(d.area_id),
    issue: d.issue_id === null ? undefined : String(d.issue_id),
  }));
  return {
    members,
    delegations,
    directVoters: roots.map(String),
    issue: { unit: String(unit), area: String(issue.area_id), issue: String(issueId) },
  };
}

const byMember = <T extends { member_id: number }>(xs: T[]) =>
  [...xs].sort((a, b) => a.member_id - b.member_id);

for (const scenario of data.scenarios) {
  const input: LfInput = scenario.input;
  describe(`LiquidFeedback ${scenario.id}`, () => {
    for (const expected of scenario.expected.issues) {
      const voters = input.ballots.filter((b) => b.issue_id === expected.id).map((b) => b.member_id);
      const result = resolveLiquid(issueInput(input, expected.id, voters));

      it(`issue ${expected.id}: direct voters, delegating voters with chains, voter_count`, () => {
        const direct = result.directVoters.map((v) => ({
          member_id: Number(v.member),
          ownweight: v.ownWeight,
          weight: v.weight,
        }));
        expect(byMember(direct)).toEqual(byMember(expected.direct_voters));
        const delegating = result.delegators.map((v) => ({
          member_id: Number(v.member),
          ownweight: v.ownWeight,
          weight: v.weight,
          scope: v.scope,
          delegate_member_ids: v.chain.map(Number),
        }));
        expect(byMember(delegating)).toEqual(byMember(expected.delegating_voters));
        expect(result.voterCount).toBe(expected.voter_count);
        // Ballots missing from expected.direct_voters came from ineligible members, whom the core drops.
        expect(result.droppedVotes.map(Number).sort((a, b) => a - b)).toEqual(
          voters
            .filter((v) => !expected.direct_voters.some((d: { member_id: number }) => d.member_id === v))
            .sort((a, b) => a - b),
        );
      });

      it(`issue ${expected.id}: full-freeze interest snapshot (the same delegation algorithm)`, () => {
        const initiatives = new Set(
          input.initiatives.filter((i) => i.issue_id === expected.id).map((i) => i.id),
        );
        const interested = new Set([
          ...input.interest.filter((x) => x.issue_id === expected.id).map((x) => x.member_id),
          ...input.supporters.filter((s) => initiatives.has(s.initiative_id)).map((s) => s.member_id),
        ]);
        const snap = resolveLiquid(issueInput(input, expected.id, [...interested]));
        const snapshot = expected.full_freeze_snapshot;
        expect(
          byMember(
            snap.directVoters.map((v) => ({
              member_id: Number(v.member),
              ownweight: v.ownWeight,
              weight: v.weight,
            })),
          ),
        ).toEqual(byMember(snapshot.direct_interest));
        expect(
          byMember(
            snap.delegators.map((v) => ({
              member_id: Number(v.member),
              ownweight: v.ownWeight,
              weight: v.weight,
              scope: v.scope,
              delegate_member_ids: v.chain.map(Number),
            })),
          ),
        ).toEqual(byMember(snapshot.delegating_interest));
      });

      // Admission (README item 4) is optional: the admitted initiatives are taken from expected.
      const admitted: number[] = expected.initiatives
        .filter((i: { admitted: boolean }) => i.admitted)
        .map((i: { id: number }) => i.id);
      const policyRow = input.policies.find(
        (p) => p.id === input.issues.find((i) => i.id === expected.id)!.policy_id,
      )!;
      const tally = () => lfTally(issueTallyInput(input, expected.id, result, admitted, policyRow));

      it(`issue ${expected.id}: battles, positive/negative and first-preference votes from the resolved weights`, () => {
        const t = tally();
        expect(t.voterCount).toBe(expected.voter_count);
        const index = (id: number | null) => (id === null ? 0 : admitted.indexOf(id) + 1);
        // Every ordered pair of {status quo} ∪ admitted initiatives, and nothing else.
        expect(expected.battles).toHaveLength((admitted.length + 1) * admitted.length);
        for (const b of expected.battles)
          expect(
            t.battles[index(b.winning_initiative_id)]?.[index(b.losing_initiative_id)],
            `battle ${b.winning_initiative_id}>${b.losing_initiative_id}`,
          ).toBe(b.count);
        for (const i of expected.initiatives.filter((x: { admitted: boolean }) => x.admitted)) {
          const got = t.initiatives.find((r) => r.id === String(i.id))!;
          expect(got.positiveVotes, `positive_votes ${i.id}`).toBe(i.positive_votes);
          expect(got.negativeVotes, `negative_votes ${i.id}`).toBe(i.negative_votes);
          expect(got.firstPreferenceVotes, `first_preference_votes ${i.id}`).toBe(i.first_preference_votes);
        }
      });

      it(`issue ${expected.id} (${policyRow.name}): Schulze ranks, status quo rank, flags, winner, rank and state`, () => {
        const t = tally();
        expect(t.statusQuoSchulzeRank, 'status_quo_schulze_rank').toBe(expected.status_quo_schulze_rank);
        expect(t.state, 'state').toBe(expected.state);
        const got = t.initiatives.map((r) => ({
          id: Number(r.id),
          schulze_rank: r.schulzeRank,
          better_than_status_quo: r.betterThanStatusQuo,
          worse_than_status_quo: r.worseThanStatusQuo,
          reverse_beat_path: r.reverseBeatPath,
          multistage_majority: r.multistageMajority,
          direct_majority: r.directMajority,
          indirect_majority: r.indirectMajority,
          eligible: r.eligible,
          winner: r.winner,
          rank: r.rank,
        }));
        const want = expected.initiatives
          .filter((i: { admitted: boolean }) => i.admitted)
          .map((i: Record<string, unknown>) =>
            Object.fromEntries(Object.keys(got[0] ?? {}).map((k) => [k, i[k]])),
          );
        expect(got).toEqual(want);
        expect(t.winner).toBe(
          expected.initiatives.find((i: { winner: boolean }) => i.winner)?.id.toString() ?? null,
        );
        // Initiatives that were not admitted have null result fields, and we report nothing for them.
        for (const i of expected.initiatives.filter((x: { admitted: boolean }) => !x.admitted))
          expect([i.schulze_rank, i.rank, i.winner, i.eligible]).toEqual([null, null, null, null]);
      });
    }
  });
}

describe('LiquidFeedback coverage of the ranking variants', () => {
  it('every policy of the fixtures is exercised by at least one issue', () => {
    const used = new Set<string>();
    for (const scenario of data.scenarios) {
      const input: LfInput = scenario.input;
      for (const issue of input.issues) used.add(input.policies.find((p) => p.id === issue.policy_id)!.name);
    }
    for (const name of ['tuple/variant1', 'tuple/variant2', 'simple/simple', 'tuple/simple', 'strict'])
      expect(used, name).toContain(name);
  });
});

// The core raises "Schulze ranking does not compute (should not happen)" on these two inputs (tie_breaking
// 'simple': the tied pairs broken by index form a cycle) and aborts the transaction. We throw a
// LiquidFeedbackError with code 'schulze_ranking_does_not_compute' and the unranked candidates; no result is invented.
describe('LiquidFeedback known core failures', () => {
  for (const failure of data.known_core_failures) {
    const input: LfInput = failure.input;
    const issue = input.issues[0]!;
    const voters = input.ballots.filter((b) => b.issue_id === issue.id).map((b) => b.member_id);
    const resolved = resolveLiquid(issueInput(input, issue.id, voters));
    const admitted = input.initiatives.filter((i) => i.issue_id === issue.id).map((i) => i.id);
    const policy = input.policies.find((p) => p.id === issue.policy_id)!;

    it(`${failure.id}: throws schulze_ranking_does_not_compute where the core aborts`, () => {
      expect(failure.expected_error).toBe('Schulze ranking does not compute (should not happen)');
      let error: unknown;
      try {
        lfTally(issueTallyInput(input, issue.id, resolved, admitted, policy));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LiquidFeedbackError);
      const e = error as LiquidFeedbackError;
      expect(e.code).toBe('schulze_ranking_does_not_compute');
      expect(e.message).toContain('Schulze ranking does not compute');
      expect(e.message).toContain("tie_breaking 'simple'");
      expect(e.unranked.length).toBeGreaterThanOrEqual(3);
    });

    it(`${failure.id}: the same ballots rank under tuple/variant1 (never fails this way)`, () => {
      const t = lfTally({
        ...issueTallyInput(input, issue.id, resolved, admitted, policy),
        policy: lfPolicy({ ...policy, defeat_strength: 'tuple', tie_breaking: 'variant1' }),
      });
      expect(new Set([t.statusQuoSchulzeRank, ...t.initiatives.map((r) => r.schulzeRank)])).toEqual(
        new Set([1, 2, 3, 4]),
      );
    });
  }
});
