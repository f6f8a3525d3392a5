// Liquid delegation: a member gives their vote to another member for the whole commons, for one kind of action or
// for one proposal (proposal beats kind beats commons), revocable at any time; a direct vote overrides. Under a
// procedure that opts in (`delegation: true`), the vote is counted at the close through packages/methods' resolver,
// which resolves chains, cycles and delegations to people who do not vote as LiquidFeedback does. Account and
// proposal ids from outside are only compared and looked up with `own`, never used as keys of plain objects.
import { resolveLiquid, type LiquidDelegation } from '@peergov/methods/liquid';
import { own } from '../dict';
import { DomainError } from '../errors';
import { inElectorate, requireMember } from '../policy';
import {
  ACTION_KINDS,
  type CommonsState,
  type Counts,
  type Delegation,
  type DelegationScope,
  type DelegationTally,
  type Position,
  type Proposal,
} from '../types';
import type { Deciders, Evolvers } from './module';

/** Whether two scopes are the same scope (the same kind, the same proposal). */
export function sameScope(a: DelegationScope, b: DelegationScope): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'kind') return a.kind === (b as typeof a).kind;
  if (a.type === 'proposal') return a.proposalId === (b as typeof a).proposalId;
  return true;
}

/** A scope from outside checked and normalised (only its own fields), or invalid_delegation. */
function checkScope(state: CommonsState, input: unknown): DelegationScope {
  const s = input as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null || Array.isArray(s))
    throw new DomainError('invalid_delegation', 'A delegation names its scope: commons, kind or proposal.');
  if (s.type === 'commons') return { type: 'commons' };
  if (s.type === 'kind') {
    if (typeof s.kind !== 'string' || !(ACTION_KINDS as readonly string[]).includes(s.kind))
      throw new DomainError(
        'invalid_delegation',
        `There is no kind of action called "${String(s.kind).slice(0, 64)}".`,
      );
    return { type: 'kind', kind: s.kind as (typeof ACTION_KINDS)[number] };
  }
  if (s.type === 'proposal') {
    const p = typeof s.proposalId === 'string' ? own(state.proposals, s.proposalId) : undefined;
    if (!p)
      throw new DomainError(
        'proposal_not_found',
        `There is no proposal ${String(s.proposalId).slice(0, 64)} in this commons.`,
      );
    if (p.status !== 'open') throw new DomainError('proposal_closed', 'This proposal is closed.');
    return { type: 'proposal', proposalId: p.id };
  }
  throw new DomainError('invalid_delegation', 'A delegation scope is commons, kind or proposal.');
}

/** The delegations of the commons (none before the first). */
export const delegationsOf = (state: CommonsState): Delegation[] => state.core.delegations ?? [];

export const delegationCommands = {
  Delegate(state, command, ctx) {
    requireMember(state.core, ctx.actor);
    const scope = checkScope(state, command.scope);
    const trustee =
      typeof command.trustee === 'string' ? own(state.core.members, command.trustee) : undefined;
    if (!trustee || trustee.status !== 'member')
      throw new DomainError('member_not_found', 'You can delegate only to a member.', {
        accountId: String(command.trustee).slice(0, 64),
      });
    if (trustee.accountId === ctx.actor)
      throw new DomainError('invalid_delegation', 'You cannot delegate to yourself: vote directly instead.');
    const current = delegationsOf(state).find((d) => d.truster === ctx.actor && sameScope(d.scope, scope));
    if (current?.trustee === trustee.accountId)
      throw new DomainError('invalid_delegation', `You already delegate to ${trustee.displayName} there.`);
    return [{ type: 'DelegationSet', data: { accountId: ctx.actor!, trustee: trustee.accountId, scope } }];
  },
  RevokeDelegation(state, command, ctx) {
    requireMember(state.core, ctx.actor);
    const s = command.scope as DelegationScope | null;
    const found =
      typeof s === 'object' && s !== null
        ? delegationsOf(state).find((d) => d.truster === ctx.actor && sameScope(d.scope, s))
        : undefined;
    if (!found) throw new DomainError('delegation_not_found', 'You have no delegation in that scope.');
    return [{ type: 'DelegationRevoked', data: { accountId: ctx.actor!, scope: found.scope } }];
  },
} satisfies Deciders<'Delegate' | 'RevokeDelegation'>;

export const delegationEvents = {
  DelegationSet(w, e) {
    const core = w.core();
    const { accountId, trustee, scope } = e.data;
    core.delegations = [
      ...(core.delegations ?? []).filter((d) => !(d.truster === accountId && sameScope(d.scope, scope))),
      { truster: accountId, trustee, scope, since: e.at },
    ];
  },
  DelegationRevoked(w, e) {
    const core = w.core();
    const { accountId, scope } = e.data;
    core.delegations = (core.delegations ?? []).filter(
      (d) => !(d.truster === accountId && sameScope(d.scope, scope)),
    );
  },
} satisfies Evolvers<'DelegationSet' | 'DelegationRevoked'>;

const SCOPE_OF = { unit: 'commons', area: 'kind', issue: 'proposal' } as const;

/**
 * The counts of a proposal under delegation, at its close: each counted direct position weighs its own vote and
 * every vote delegated to its author (resolved by `resolveLiquid`: LiquidFeedback's rules), and the weights and
 * chains that say so. The electorate is the proposal's; a delegation to someone outside it counts for no one.
 */
export function delegatedCounts(
  state: CommonsState,
  proposal: Proposal,
  positionOf: (accountId: string) => Position | undefined,
): { counts: Counts; tally: DelegationTally } {
  const members: { id: string }[] = [];
  const electorate = new Set<string>();
  const direct: string[] = [];
  for (const accountId of Object.keys(state.core.members)) {
    if (!inElectorate(state.core, proposal, accountId)) continue;
    members.push({ id: accountId });
    electorate.add(accountId);
    if (positionOf(accountId)?.counted) direct.push(accountId);
  }
  // The unit is the commons, the area the kind of action (a hook for domains of kinds: map the kind to its domain
  // here), the issue the proposal.
  const issue = { unit: state.core.id, area: proposal.action.kind, issue: proposal.id };
  const delegations: LiquidDelegation[] = [];
  for (const d of delegationsOf(state)) {
    if (!electorate.has(d.truster)) continue;
    if (d.scope.type === 'commons')
      delegations.push({ truster: d.truster, trustee: d.trustee, scope: 'unit', unit: issue.unit });
    else if (d.scope.type === 'kind')
      delegations.push({ truster: d.truster, trustee: d.trustee, scope: 'area', area: d.scope.kind });
    else if (d.scope.proposalId === proposal.id)
      delegations.push({ truster: d.truster, trustee: d.trustee, scope: 'issue', issue: proposal.id });
  }
  const result = resolveLiquid({ members, delegations, directVoters: direct, issue });
  const counts: Counts = {
    agree: 0,
    abstain: 0,
    disagree: 0,
    block: 0,
    electorate: proposal.counts.electorate,
    participants: 0,
  };
  for (const v of result.directVoters) {
    const p = positionOf(v.member)!;
    counts[p.stance] += v.weight;
    counts.participants += v.weight;
  }
  const delegating = new Set(delegations.map((d) => d.truster));
  return {
    counts,
    tally: {
      weights: result.directVoters.map((v) => ({ member: v.member, weight: v.weight })),
      chains: result.delegators.map((d) => ({ member: d.member, scope: SCOPE_OF[d.scope], chain: d.chain })),
      notCounted: result.notCounted
        .filter((n) => delegating.has(n.member) && n.reason !== 'direct' && n.reason !== 'abstained')
        .map((n) => ({ member: n.member, reason: n.reason })),
    },
  };
}
