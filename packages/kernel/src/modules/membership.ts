// Membership: applying to join (which opens an admission proposal), leaving, and the events that admit, decline,
// remove and record a departure.
import { checkClasses } from '../actions/definition';
import { own } from '../dict';
import { DomainError } from '../errors';
import type { DomainEvent, EventEnvelope } from '../events';
import type { Writer } from '../evolve';
import { text } from '../input';
import { checkDisplayName } from '../names';
import { overlayRecord } from '../overlay';
import { authorise } from '../policy';
import type { CommonsState } from '../types';
import { roleIn, type Deciders, type Evolvers } from './module';
import { openProposal } from './proposals';

export const membershipCommands = {
  ApplyForMembership(state, command, ctx) {
    const core = state.core;
    if (!ctx.actor) throw new DomainError('not_a_member', 'Only a person can apply.');
    const existing = own(core.members, ctx.actor);
    if (existing?.status === 'member') throw new DomainError('already_member', 'You are already a member.');
    if (existing?.status === 'applicant') {
      throw new DomainError('already_applied', 'Your application is already waiting for a decision.');
    }
    const displayName = checkDisplayName(text('displayName', command.displayName));
    const classes = checkClasses(core, command.classes ?? []);
    const statement = text('statement', command.statement ?? '', false);
    const applied: DomainEvent = {
      type: 'MembershipApplied',
      data: { accountId: ctx.actor, displayName, classes, statement },
    };
    const after = withApplicant(state, applied, ctx.now);
    return [
      applied,
      ...openProposal(after, ctx, {
        proposalId: command.proposalId,
        title: `Admit ${displayName}`,
        body: statement,
        action: { kind: 'admit_member', accountId: ctx.actor, displayName, classes },
      }),
    ];
  },
  LeaveCommons(state, command, ctx) {
    const core = state.core;
    authorise(state, ctx.actor, { type: 'leave' }, ctx.now);
    if (core.memberCount <= 1) {
      throw new DomainError(
        'last_member',
        'The last member cannot leave: a commons needs at least one member.',
      );
    }
    return [{ type: 'MemberLeft', data: { accountId: ctx.actor! } }];
  },
} satisfies Deciders<'ApplyForMembership' | 'LeaveCommons'>;

// An applicant and an admitted member are written alike, with their status.
function joined(
  w: Writer,
  e: Extract<EventEnvelope, { type: 'MembershipApplied' | 'MemberAdmitted' }>,
): void {
  const d = e.data;
  // Each admission gets the next number (electorates are "admitted up to n"); an applicant keeps the number of an
  // earlier admission, if any, and is not a member until admitted again.
  const before = w.member(d.accountId);
  let admission = before?.admission ?? 0;
  if (e.type === 'MemberAdmitted') {
    const core = w.core();
    core.admissions += 1;
    admission = core.admissions;
  }
  const wasMember = before?.status === 'member';
  const isMember = e.type === 'MemberAdmitted';
  if (wasMember !== isMember) w.core().memberCount += isMember ? 1 : -1;
  w.members()[d.accountId] = {
    accountId: d.accountId,
    displayName: d.displayName,
    classes: d.classes,
    status: e.type === 'MembershipApplied' ? 'applicant' : 'member',
    since: e.at,
    admission,
  };
}

// Removed or left: no longer a member, and no longer holding any role.
function departed(w: Writer, e: Extract<EventEnvelope, { type: 'MemberRemoved' | 'MemberLeft' }>): void {
  const id = e.data.accountId;
  const m = w.member(id);
  if (m?.status === 'member') w.core().memberCount -= 1;
  if (m) m.status = e.type === 'MemberRemoved' ? 'removed' : 'left';
  for (const roleId of Object.keys(w.state.core.roles)) {
    if (!own(w.state.core.roles, roleId)?.holders.some((h) => h.accountId === id)) continue;
    const r = roleIn(w, e, roleId);
    r.holders = r.holders.filter((h) => h.accountId !== id);
  }
}

export const membershipEvents = {
  MembershipApplied: joined,
  MemberAdmitted: joined,
  ApplicationDeclined(w, e) {
    const m = w.member(e.data.accountId);
    if (m?.status === 'member') w.core().memberCount -= 1;
    if (m) m.status = 'declined';
  },
  MemberRemoved: departed,
  MemberLeft: departed,
} satisfies Evolvers<
  'MembershipApplied' | 'MemberAdmitted' | 'ApplicationDeclined' | 'MemberRemoved' | 'MemberLeft'
>;

// The state with an application applied, to open the applicant's proposal against (decide needs the applicant
// among the members): the members through an overlay, so that nothing is copied and nothing published changes.
function withApplicant(
  state: CommonsState,
  applied: Extract<DomainEvent, { type: 'MembershipApplied' }>,
  at: string,
): CommonsState {
  const d = applied.data;
  const members = overlayRecord(state.core.members);
  members[d.accountId] = {
    accountId: d.accountId,
    displayName: d.displayName,
    classes: d.classes,
    status: 'applicant',
    since: at,
    admission: own(state.core.members, d.accountId)?.admission ?? 0,
  };
  return { ...state, core: { ...state.core, members } };
}
