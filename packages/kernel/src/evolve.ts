import { proposalFromOpened } from './decide';
import type { EventEnvelope } from './events';
import type { CommonsState } from './types';

/** The state before the commons exists. */
export const initialState: CommonsState | null = null;

/**
 * Applies one event to the state in place and returns it (null only before CommonsCreated).
 * In place because a commons can hold many thousands of positions; callers that need the old state keep a
 * copy (see `evolve`). Deterministic and free of I/O.
 */
export function applyEvent(state: CommonsState | null, e: EventEnvelope): CommonsState {
  if (e.type === 'CommonsCreated') {
    const d = e.data;
    return {
      core: {
        id: d.id,
        name: d.name,
        purpose: d.purpose,
        charter: d.charter,
        template: d.template,
        createdAt: e.at,
        createdBy: d.founder.accountId,
        classes: d.classes,
        members: { [d.founder.accountId]: d.founder },
        roles: Object.fromEntries(d.roles.map((r) => [r.id, r])),
        constitution: d.constitution,
        history: [],
      },
      proposals: {},
      positions: {},
      comments: {},
    };
  }
  if (!state) throw new Error(`event ${e.type} before CommonsCreated`);
  const core = state.core;
  switch (e.type) {
    case 'MembershipApplied': {
      const d = e.data;
      core.members[d.accountId] = {
        accountId: d.accountId,
        displayName: d.displayName,
        classes: d.classes,
        status: 'applicant',
        since: e.at,
      };
      break;
    }
    case 'ProposalOpened':
      state.proposals[e.data.id] = proposalFromOpened(e.data, e.at);
      state.positions[e.data.id] = {};
      state.comments[e.data.id] = [];
      break;
    case 'PositionTaken': {
      const d = e.data;
      const positions = (state.positions[d.proposalId] ??= {});
      if (!positions[d.accountId]) state.proposals[d.proposalId].positionCount += 1;
      positions[d.accountId] = { accountId: d.accountId, stance: d.stance, reason: d.reason, at: e.at };
      break;
    }
    case 'CommentPosted':
      (state.comments[e.data.proposalId] ??= []).push({ ...e.data, at: e.at });
      state.proposals[e.data.proposalId].commentCount += 1;
      break;
    case 'ProposalWithdrawn':
      state.proposals[e.data.proposalId].status = 'withdrawn';
      break;
    case 'ProposalDecided': {
      const p = state.proposals[e.data.proposalId];
      p.status = e.data.outcome.passed ? 'passed' : 'rejected';
      p.outcome = e.data.outcome;
      if (e.data.outcome.passed) p.execution = { done: true, error: null };
      break;
    }
    case 'ActionFailed':
      state.proposals[e.data.proposalId].execution = { done: false, error: e.data.error };
      break;
    case 'MemberAdmitted': {
      const d = e.data;
      core.members[d.accountId] = {
        accountId: d.accountId,
        displayName: d.displayName,
        classes: d.classes,
        status: 'member',
        since: e.at,
      };
      break;
    }
    case 'ApplicationDeclined':
      if (core.members[e.data.accountId]) core.members[e.data.accountId].status = 'declined';
      break;
    case 'MemberRemoved':
    case 'MemberLeft': {
      const m = core.members[e.data.accountId];
      if (m) m.status = e.type === 'MemberRemoved' ? 'removed' : 'left';
      for (const role of Object.values(core.roles)) {
        role.holders = role.holders.filter((h) => h.accountId !== e.data.accountId);
      }
      break;
    }
    case 'RoleCreated':
      core.roles[e.data.role.id] = e.data.role;
      break;
    case 'RoleChanged': {
      const { proposalId: _p, roleId, ...changes } = e.data;
      Object.assign(core.roles[roleId], changes);
      break;
    }
    case 'RoleAssigned': {
      // A new term replaces one that has ended (a holder is listed once).
      const role = core.roles[e.data.roleId];
      role.holders = role.holders.filter((h) => h.accountId !== e.data.accountId);
      role.holders.push({ accountId: e.data.accountId, since: e.at, until: e.data.until });
      break;
    }
    case 'RoleUnassigned': {
      const role = core.roles[e.data.roleId];
      role.holders = role.holders.filter((h) => h.accountId !== e.data.accountId);
      break;
    }
    case 'CharterAdopted':
      core.purpose = e.data.purpose;
      core.charter = e.data.charter;
      break;
    case 'ConstitutionAmended':
      core.history.push(core.constitution);
      core.constitution = e.data.constitution;
      break;
    case 'ResolutionAdopted':
      break;
    default:
      throw new Error(`unknown event type ${(e as { type: string }).type}`);
  }
  return state;
}

/** The pure form: the state after an event, leaving the given state untouched. */
export function evolve(state: CommonsState | null, e: EventEnvelope): CommonsState {
  return applyEvent(state === null ? null : structuredClone(state), e);
}

/** Folds a whole history into state (used by verification and replay, never on a read). */
export function replay(events: Iterable<EventEnvelope>): CommonsState | null {
  let state: CommonsState | null = null;
  for (const e of events) state = applyEvent(state, e);
  return state;
}
