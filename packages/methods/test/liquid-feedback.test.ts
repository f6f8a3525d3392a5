// Conformance: LiquidFeedback core 4.2.2's own outputs (fixtures/liquid). For every issue of every scenario:
// direct and delegating voters with weights, scopes and chains, voter_count; the full-freeze snapshot's interest
// delegation (same algorithm, interested members as roots); battles, positive/negative and first-preference votes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveLiquid, type LiquidDelegation, type LiquidInput } from '../src/liquid';
import { fixture } from './fixtures';

type Id = number;
interface LfInput {
  members: { id: Id; active: boolean }[];
  areas: { id: Id; unit_id: Id }[];
  privileges: { unit_id: Id; member_id: Id; voting_right: boolean | null; weight: number | null }[];
  issue_privileges: { issue_id: Id; member_id: Id; voting_right: boolean | null; weight: number | null }[];
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

      it(`issue ${expected.id}: battles, positive/negative and first-preference votes from the resolved weights`, () => {
        const admitted: number[] = expected.initiatives
          .filter((i: { admitted: boolean }) => i.admitted)
          .map((i: { id: number }) => i.id);
        const weight = new Map(result.directVoters.map((v) => [Number(v.member), v.weight]));
        const ballots = input.ballots.filter((b) => b.issue_id === expected.id && weight.has(b.member_id));
        const grade = (b: (typeof ballots)[number], id: number | null) =>
          id === null ? 0 : (b.grades.find((g) => g.initiative_id === id)?.grade ?? 0);
        const candidates: (number | null)[] = [null, ...admitted];
        const battles = new Map<string, number>();
        for (const x of candidates)
          for (const y of candidates) {
            if (x === y) continue;
            let count = 0;
            for (const b of ballots) if (grade(b, x) > grade(b, y)) count += weight.get(b.member_id)!;
            battles.set(`${x}>${y}`, count);
          }
        for (const b of expected.battles)
          expect(
            battles.get(`${b.winning_initiative_id}>${b.losing_initiative_id}`),
            `battle ${b.winning_initiative_id}>${b.losing_initiative_id}`,
          ).toBe(b.count);
        for (const i of expected.initiatives.filter((x: { admitted: boolean }) => x.admitted)) {
          expect(battles.get(`${i.id}>null`), `positive_votes ${i.id}`).toBe(i.positive_votes);
          expect(battles.get(`null>${i.id}`), `negative_votes ${i.id}`).toBe(i.negative_votes);
          let first = 0;
          for (const b of ballots) {
            const best = Math.max(...b.grades.map((g) => g.grade));
            if (best > 0 && grade(b, i.id) === best) first += weight.get(b.member_id)!;
          }
          expect(first, `first_preference_votes ${i.id}`).toBe(i.first_preference_votes);
        }
      });
    }
  });
}
