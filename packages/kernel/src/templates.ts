import {
  ACTION_KINDS,
  type ActionKind,
  type Procedure,
  type Role,
  type StakeholderClass,
  type Trigger,
} from './types';

/** A starting point for a new commons: its stakeholder classes, founding rules and roles. */
export interface Template {
  id: TemplateId;
  name: string;
  description: string;
  /** When it suits a group (English; the web app renders its own translations). */
  suits: string;
  /** What a group gives up by choosing it. */
  givesUp: string;
  classes: StakeholderClass[];
  rules: Record<ActionKind, Procedure>;
  /** Roles created at founding; the founder holds each. */
  roles: Omit<Role, 'holders'>[];
  /** Rules that change themselves (rules for rules: `rules/triggers.ts`), carried by the founding constitution. */
  triggers?: Trigger[];
}

export const TEMPLATE_IDS = [
  'single-class',
  'do-ocracy',
  'founder-devolution',
  'consensus-circle',
  'sociocratic-circles',
  'elected-board',
  'multi-stakeholder-coop',
  'liquid-democracy',
  'sortition-jury',
] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

const consent = (hours: number): Procedure => ({ type: 'consent', hours });
const vote = (
  hours: number,
  num: number,
  den: number,
  strict: boolean,
  quorum: [number, number],
): Extract<Procedure, { type: 'vote' }> => ({
  type: 'vote',
  hours,
  threshold: { num, den },
  strict,
  quorum: { num: quorum[0], den: quorum[1] },
  abstentions: 'quorum_only',
});

/** A vote in which members may delegate (liquid delegation, `modules/delegation.ts`). */
const liquid = (...args: Parameters<typeof vote>): Procedure => ({ ...vote(...args), delegation: true });

const members: StakeholderClass = {
  id: 'member',
  name: 'Members',
  description: 'Everyone who belongs to the commons.',
  speaksFor: null,
};

const consensus = (hours: number, num: number, den: number): Procedure => ({
  type: 'consensus',
  hours,
  minParticipation: { num, den },
});
const byRole = (objectionHours: number): Procedure => ({ type: 'role', objectionHours });
/** An election of a role's holders by single transferable vote: only an election fills a role's seats (`elect_role`). */
const election = (nominationHours: number, hours: number): Procedure => ({
  type: 'election',
  nominationHours,
  hours,
  method: 'stv',
});
/** The same procedure for every kind of action, then `over` for some. */
const every = (p: Procedure, over: Partial<Record<ActionKind, Procedure>> = {}) =>
  Object.fromEntries(ACTION_KINDS.map((k) => [k, over[k] ?? p])) as Record<ActionKind, Procedure>;
/** Rules without some kinds (a trigger that leaves their rules as they are). */
const without = (rules: Record<ActionKind, Procedure>, ...kinds: ActionKind[]) =>
  Object.fromEntries(Object.entries(rules).filter(([k]) => !kinds.includes(k as ActionKind))) as Partial<
    Record<ActionKind, Procedure>
  >;

const COOP_CLASSES: StakeholderClass[] = [
  { id: 'workers', name: 'Workers', description: 'People who work in the co-operative.', speaksFor: null },
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
    description: 'Members who speak for the land, water and living things that cannot speak for themselves.',
    speaksFor: 'the natural environment',
  },
];
const chamberVote = {
  type: 'vote',
  threshold: { num: 1, den: 2 },
  strict: true,
  quorum: { num: 1, den: 2 },
  abstentions: 'quorum_only',
} as const;

/** The templates a commons can start from, each with when it suits and what it gives up. */
type Drafted = Omit<Template, 'rules'> & { rules: Partial<Record<ActionKind, Procedure>> };

/**
 * The resources' kinds of action (issue 15) where a template names none: pools, income and spending as its
 * resolutions are decided (a commons names stewards and limits by amending them: a `by_amount` rule), bookings
 * under each pool's own usage rules, a cancellation by consent over two days.
 */
function withResources(t: Drafted): Template {
  const everyday = t.rules.resolution ?? consent(72);
  const resources: Partial<Record<ActionKind, Procedure>> = {
    create_pool: everyday,
    record_income: everyday,
    spend: everyday,
    book: { type: 'automatic' },
    cancel_booking: consent(48),
  };
  return { ...t, rules: { ...resources, ...t.rules } as Record<ActionKind, Procedure> };
}

const DRAFTED: Record<TemplateId, Drafted> = {
  'single-class': {
    id: 'single-class',
    name: 'Single class of members',
    description:
      'Every member has the same voice. Everyday decisions by consent; removing a member and changing the rules need two thirds.',
    suits: 'A group of peers who know each other and want one simple set of rules to start from.',
    givesUp:
      'It draws no distinction between kinds of members, and consent lets one objection hold a decision up.',
    classes: [members],
    rules: {
      admit_member: consent(72),
      remove_member: vote(168, 2, 3, false, [1, 2]),
      create_role: consent(72),
      change_role: consent(72),
      assign_role: consent(72),
      unassign_role: consent(72),
      adopt_charter: consensus(168, 1, 2),
      amend_constitution: vote(168, 2, 3, false, [1, 2]),
      resolution: consent(72),
      elect_role: election(72, 72),
    },
    roles: [],
  },
  'do-ocracy': {
    id: 'do-ocracy',
    name: 'Do-ocracy',
    description:
      'Open membership and action by whoever does the work; only the charter and the rules themselves need consensus.',
    suits: 'A project where doing the work is the best argument: open-source, maker spaces, mutual aid.',
    givesUp:
      'Anyone may join at once and everyday decisions pass unless someone objects in two days: those who are not watching have little say.',
    classes: [members],
    rules: {
      admit_member: { type: 'automatic' },
      remove_member: vote(168, 2, 3, false, [1, 2]),
      create_role: consent(48),
      change_role: consent(48),
      assign_role: consent(48),
      unassign_role: consent(48),
      adopt_charter: consensus(168, 1, 2),
      amend_constitution: consensus(168, 1, 2),
      resolution: consent(48),
      elect_role: election(48, 48),
    },
    roles: [],
  },
  'founder-devolution': {
    id: 'founder-devolution',
    name: 'Founder with planned devolution',
    description:
      'The founder decides alone while the commons is small; when it has 12 members the rules change by themselves to consent, and the rules to two thirds.',
    suits:
      'A group started by one person who wants to move fast at first and has promised, in the rules, to hand over.',
    givesUp:
      'Until the twelfth member the founder decides everything, even the rules, and could change the promise before it comes due.',
    classes: [members],
    rules: every(byRole(0), { elect_role: election(72, 72) }),
    roles: [
      {
        id: 'founder',
        name: 'Founder',
        description: 'Decides alone until the commons has 12 members.',
        mandate: [...ACTION_KINDS],
        termDays: null,
      },
    ],
    triggers: [
      {
        id: 'devolve-at-12',
        when: { type: 'members', atLeast: 12 },
        rules: without(
          every(consent(72), {
            remove_member: vote(168, 2, 3, false, [1, 2]),
            adopt_charter: consensus(168, 1, 2),
            amend_constitution: vote(168, 2, 3, false, [1, 2]),
            // Bookings stay under each pool's usage rules; a cancellation waits two days for an objection.
            book: { type: 'automatic' },
            cancel_booking: consent(48),
          }),
          // The election stays as it was: only an election fills a role's seats.
          'elect_role',
        ),
      },
    ],
  },
  'consensus-circle': {
    id: 'consensus-circle',
    name: 'Consensus circle',
    description: 'Every decision by consensus: it passes when nobody blocks and enough members take part.',
    suits: 'A small group of equals (up to a few dozen) where every voice must be heard and trust is high.',
    givesUp:
      'Decisions are slow, and one member can block any of them: it does not scale to a large or divided group.',
    classes: [members],
    rules: every(consensus(120, 1, 2), {
      adopt_charter: consensus(168, 2, 3),
      amend_constitution: consensus(168, 2, 3),
      elect_role: election(72, 120),
    }),
    roles: [],
  },
  'sociocratic-circles': {
    id: 'sociocratic-circles',
    name: 'Sociocratic circles (consent)',
    description:
      'Decisions by consent: a proposal passes unless a member raises an objection. A circle lead and a delegate hold terms of a year.',
    suits:
      'An organisation that wants to move on "good enough for now, safe enough to try" rather than full agreement.',
    givesUp:
      'Consent rounds happen here one circle at a time: linking circles by double-linked delegates comes once networks of commons exist.',
    classes: [members],
    rules: every(consent(72), {
      remove_member: vote(168, 2, 3, false, [1, 2]),
      amend_constitution: consent(168),
      elect_role: election(72, 72),
    }),
    roles: [
      {
        id: 'circle-lead',
        name: 'Circle lead',
        description: 'Keeps the circle working; chosen by consent for a year.',
        mandate: [],
        termDays: 365,
      },
      {
        id: 'delegate',
        name: 'Delegate',
        description: "Carries the circle's view to other circles; chosen by consent for a year.",
        mandate: [],
        termDays: 365,
      },
    ],
  },
  'elected-board': {
    id: 'elected-board',
    name: 'Elected board with recall',
    description:
      'Members elect a board that decides the everyday alone (anyone may object within two days); a majority can recall it, and its mandate lapses after a year unless it is elected again.',
    suits:
      'An association whose members want to delegate the everyday to a few people they elect and can remove.',
    givesUp:
      'Between elections the board decides without the members, who must watch and object or recall it; if the board is not renewed within a year, everyday decisions return to the members.',
    classes: [members],
    rules: {
      admit_member: byRole(48),
      remove_member: vote(168, 2, 3, false, [1, 2]),
      create_role: byRole(48),
      change_role: byRole(48),
      assign_role: vote(168, 1, 2, true, [1, 3]),
      unassign_role: vote(120, 1, 2, true, [1, 4]),
      adopt_charter: vote(168, 2, 3, false, [1, 2]),
      amend_constitution: vote(168, 2, 3, false, [1, 2]),
      resolution: byRole(48),
      elect_role: election(72, 168),
    },
    roles: [
      {
        id: 'board',
        name: 'Board',
        description: 'Elected by the members for a year; decides the everyday; recallable by a majority.',
        mandate: ['admit_member', 'create_role', 'change_role', 'resolution'],
        termDays: 365,
      },
    ],
    triggers: [
      {
        id: 'board-mandate-lapses',
        when: { type: 'mandate_lapse', roleId: 'board', days: 365 },
        rules: {
          admit_member: consent(72),
          create_role: consent(72),
          change_role: consent(72),
          resolution: consent(72),
        },
      },
    ],
  },
  'multi-stakeholder-coop': {
    id: 'multi-stakeholder-coop',
    name: 'Multi-stakeholder co-operative',
    description:
      'Workers, users, the local community and guardians of the natural environment. A membership secretary admits members unless someone objects; the charter changes only in every chamber, the guardians with a veto; rules change by two thirds.',
    suits:
      'A co-operative whose work touches several groups with different stakes, and land or living things that need a voice.',
    givesUp:
      'Charter changes need a majority in every chamber and can be vetoed by the guardians, so they are slow; land-use decisions get the same chambers once domains group them.',
    classes: COOP_CLASSES,
    rules: {
      admit_member: byRole(72),
      remove_member: vote(168, 2, 3, false, [1, 2]),
      create_role: vote(120, 1, 2, true, [1, 3]),
      change_role: vote(120, 1, 2, true, [1, 3]),
      assign_role: vote(120, 1, 2, true, [1, 3]),
      unassign_role: vote(120, 1, 2, true, [1, 3]),
      adopt_charter: {
        type: 'chambers',
        hours: 168,
        chambers: COOP_CLASSES.map((c) => ({
          classId: c.id,
          rule: chamberVote,
          ...(c.id === 'guardians' ? { veto: true } : {}),
        })),
      },
      amend_constitution: vote(168, 2, 3, false, [1, 2]),
      resolution: vote(120, 1, 2, true, [1, 3]),
      elect_role: election(72, 120),
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
  'liquid-democracy': {
    id: 'liquid-democracy',
    name: 'Liquid democracy',
    description:
      'Every member votes on every decision, by majority with a quorum, or delegates their vote to another member for the commons, a kind of action or one proposal; a direct vote overrides.',
    suits: 'A large group where members want a direct vote but cannot follow everything.',
    givesUp:
      'A trusted member can gather many delegated votes and weigh more than the others, and a member who neither votes nor delegates is not represented.',
    classes: [members],
    rules: every(liquid(120, 1, 2, true, [1, 3]), {
      remove_member: liquid(168, 2, 3, false, [1, 2]),
      adopt_charter: liquid(168, 2, 3, false, [1, 2]),
      amend_constitution: liquid(168, 2, 3, false, [1, 2]),
      elect_role: election(72, 120),
    }),
    roles: [],
  },
  'sortition-jury': {
    id: 'sortition-jury',
    name: 'Jury by sortition',
    description:
      'A jury decides resolutions and removals, any juror alone with a three-day window in which any member may object; the members appoint jurors by consent.',
    suits:
      'A group that wants hard or contested questions settled by a few members rather than by the loudest.',
    givesUp:
      'Today jurors are appointed by consent, not drawn by lot: drawing them verifiably at random comes with the sortition procedure. A single juror decides, not the jury together.',
    classes: [members],
    rules: every(consent(72), {
      remove_member: byRole(72),
      resolution: byRole(72),
      amend_constitution: vote(168, 2, 3, false, [1, 2]),
      elect_role: election(72, 72),
    }),
    roles: [
      {
        id: 'jury',
        name: 'Jury',
        description: 'Decides resolutions and removals; appointed by consent for 90 days.',
        mandate: ['resolution', 'remove_member'],
        termDays: 90,
      },
    ],
  },
};

/** The templates a commons can start from, each with a rule for every kind of action. */
export const TEMPLATES = Object.fromEntries(
  Object.entries(DRAFTED).map(([id, t]) => [id, withResources(t)]),
) as Record<TemplateId, Template>;
