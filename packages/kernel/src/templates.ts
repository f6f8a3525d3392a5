import type { ActionKind, Procedure, Role, StakeholderClass } from './types';

/** A starting point for a new commons: its stakeholder classes, founding rules and roles. */
export interface Template {
  id: TemplateId;
  name: string;
  description: string;
  classes: StakeholderClass[];
  rules: Record<ActionKind, Procedure>;
  /** Roles created at founding; the founder holds each. */
  roles: Omit<Role, 'holders'>[];
}

export type TemplateId = 'single-class' | 'multi-stakeholder-coop' | 'do-ocracy';

const consent = (hours: number): Procedure => ({ type: 'consent', hours });
const vote = (
  hours: number,
  num: number,
  den: number,
  strict: boolean,
  quorum: [number, number],
): Procedure => ({
  type: 'vote',
  hours,
  threshold: { num, den },
  strict,
  quorum: { num: quorum[0], den: quorum[1] },
  abstentions: 'quorum_only',
});

const members: StakeholderClass = {
  id: 'member',
  name: 'Members',
  description: 'Everyone who belongs to the commons.',
  speaksFor: null,
};

/** The templates a commons can start from (single class; multi-stakeholder co-operative; do-ocracy). */
export const TEMPLATES: Record<TemplateId, Template> = {
  'single-class': {
    id: 'single-class',
    name: 'Single class of members',
    description:
      'Every member has the same voice. Everyday decisions by consent; removing a member and changing the rules need two thirds.',
    classes: [members],
    rules: {
      admit_member: consent(72),
      remove_member: vote(168, 2, 3, false, [1, 2]),
      create_role: consent(72),
      change_role: consent(72),
      assign_role: consent(72),
      unassign_role: consent(72),
      adopt_charter: { type: 'consensus', hours: 168, minParticipation: { num: 1, den: 2 } },
      amend_constitution: vote(168, 2, 3, false, [1, 2]),
      resolution: consent(72),
      elect_role: { type: 'election', nominationHours: 72, hours: 72, method: 'stv' },
      // Resources (issue 15): pools and spending by consent (a commons names stewards and limits by amending
      // this: a `by_amount` rule); booking under the pool's own usage rules.
      create_pool: consent(72),
      record_income: consent(72),
      spend: consent(72),
      book: { type: 'automatic' },
      cancel_booking: consent(48),
    },
    roles: [],
  },
  'multi-stakeholder-coop': {
    id: 'multi-stakeholder-coop',
    name: 'Multi-stakeholder co-operative',
    description:
      'Workers, users, the local community and guardians of the natural environment. A membership secretary admits members unless someone objects; rules change by two thirds.',
    classes: [
      {
        id: 'workers',
        name: 'Workers',
        description: 'People who work in the co-operative.',
        speaksFor: null,
      },
      {
        id: 'users',
        name: 'Users',
        description: 'People who use what the co-operative provides.',
        speaksFor: null,
      },
      {
        id: 'community',
        name: 'Local community',
        description: 'Neighbours and local organisations affected by the co-operative.',
        speaksFor: null,
      },
      {
        id: 'guardians',
        name: 'Guardians of the natural environment',
        description:
          'Members who speak for the land, water and living things that cannot speak for themselves.',
        speaksFor: 'the natural environment',
      },
    ],
    rules: {
      admit_member: { type: 'role', objectionHours: 72 },
      remove_member: vote(168, 2, 3, false, [1, 2]),
      create_role: vote(120, 1, 2, true, [1, 3]),
      change_role: vote(120, 1, 2, true, [1, 3]),
      assign_role: vote(120, 1, 2, true, [1, 3]),
      unassign_role: vote(120, 1, 2, true, [1, 3]),
      adopt_charter: vote(168, 2, 3, false, [1, 2]),
      amend_constitution: vote(168, 2, 3, false, [1, 2]),
      resolution: vote(120, 1, 2, true, [1, 3]),
      elect_role: { type: 'election', nominationHours: 72, hours: 120, method: 'stv' },
      create_pool: vote(120, 1, 2, true, [1, 3]),
      record_income: consent(72),
      spend: vote(120, 1, 2, true, [1, 3]),
      book: { type: 'automatic' },
      cancel_booking: consent(48),
    },
    roles: [
      {
        id: 'membership-secretary',
        name: 'Membership secretary',
        description: 'Admits new members; any member may object within three days.',
        mandate: ['admit_member'],
        termDays: 365,
      },
    ],
  },
  'do-ocracy': {
    id: 'do-ocracy',
    name: 'Do-ocracy',
    description:
      'Open membership and action by whoever does the work; only the charter and the rules themselves need consensus.',
    classes: [members],
    rules: {
      admit_member: { type: 'automatic' },
      remove_member: vote(168, 2, 3, false, [1, 2]),
      create_role: consent(48),
      change_role: consent(48),
      assign_role: consent(48),
      unassign_role: consent(48),
      adopt_charter: { type: 'consensus', hours: 168, minParticipation: { num: 1, den: 2 } },
      amend_constitution: { type: 'consensus', hours: 168, minParticipation: { num: 1, den: 2 } },
      resolution: consent(48),
      elect_role: { type: 'election', nominationHours: 48, hours: 48, method: 'stv' },
      create_pool: consent(48),
      record_income: consent(48),
      spend: consent(48),
      book: { type: 'automatic' },
      cancel_booking: { type: 'automatic' },
    },
    roles: [],
  },
};
