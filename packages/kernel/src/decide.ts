import { tallyProposal } from '@peergov/methods/decision';
import type { Command, CommandContext } from './commands';
import { actionDefinition, checkAction, type ActionOf } from './actions';
import { checkClasses } from './actions/definition';
import { decidersFor, openHours, ruleFor, validateProcedure } from './constitution';
import { dict, dictOf, own } from './dict';
import { DomainError } from './errors';
import { authorise, requireProposal } from './policy';
import { addHours, text } from './input';
import { checkDisplayName } from './names';
import type { DomainEvent } from './events';
import { TEMPLATES } from './templates';
import type { Action, ActionKind, CommonsCore, CommonsState, Member, Position, Proposal } from './types';

/**
 * Checks that an action can be carried out against the current state, and returns it normalised.
 * Run when the proposal opens and again when it passes (the commons may have changed in between).
 */
export function validateAction(core: CommonsCore, action: Action): Action {
  return checkAction(core, action, null);
}

/** The events that carry out a passed action (exactly once: only ever emitted with ProposalDecided). */
function carryOut(state: CommonsState, proposal: Proposal, now: string): DomainEvent[] {
  let action: Action;
  try {
    action = checkAction(state.core, proposal.action, now);
  } catch (e) {
    if (e instanceof DomainError) {
      return [{ type: 'ActionFailed', data: { proposalId: proposal.id, error: e.message } }];
    }
    throw e;
  }
  return actionDefinition(action.kind).carryOut(state.core, action as ActionOf<ActionKind>, proposal.id, now);
}

// An applicant stays an applicant while any proposal to admit them is still open (theirs, or a member's).
function otherOpenAdmission(state: CommonsState, accountId: string, proposalId: string): boolean {
  return Object.values(state.proposals).some(
    (p) =>
      p.id !== proposalId &&
      p.status === 'open' &&
      p.action.kind === 'admit_member' &&
      p.action.accountId === accountId,
  );
}

/**
 * Tallies an open proposal (with `extra` positions not yet in state) and, if settled, returns the decision and
 * the events that carry it out. `final` is true at or after the closing time.
 */
function settle(
  state: CommonsState,
  proposal: Proposal,
  extra: { accountId: string; stance: import('./types').Stance }[],
  final: boolean,
  now: string,
): DomainEvent[] {
  // The stored positions with `extra` in place of the same accounts' (the last per account). Built without copying
  // the positions object: spreading a large dictionary-mode object costs more than the whole tally.
  const stored = own(state.positions, proposal.id) ?? dict<Position>();
  const replaced = new Map<string, Position>();
  for (const p of extra)
    replaced.set(p.accountId, { accountId: p.accountId, stance: p.stance, reason: '', at: now });
  const unsorted: Position[] = [];
  for (const accountId of Object.keys(stored)) if (!replaced.has(accountId)) unsorted.push(stored[accountId]);
  for (const p of replaced.values()) unsorted.push(p);
  // In time order (then by account): the record's key order differs between a state folded from events and one
  // rebuilt from stored documents, and the outcome must not depend on which one decided. The order is total
  // (one position per account), so it does not depend on the order positions were gathered in either.
  const positions = unsorted.sort((a, b) =>
    a.at !== b.at
      ? a.at < b.at
        ? -1
        : 1
      : a.accountId < b.accountId
        ? -1
        : a.accountId > b.accountId
          ? 1
          : 0,
  );
  const kind = proposal.action.kind;
  const deciders = proposal.procedure.type === 'role' ? decidersFor(state.core, kind, now) : [];
  const tally = tallyProposal({
    procedure: proposal.procedure,
    electorate: proposal.electorate,
    positions,
    deciders,
    final,
  });
  if (!tally.decided) return [];
  // The tally names who decided (a refusal wins over an earlier approval); an approval overruled by an objection
  // was still the holder's decision.
  const by = tally.reasons.find((r) => typeof r.params.by === 'string')?.params.by as string | undefined;
  const decidedBy =
    proposal.procedure.type === 'role'
      ? (by ??
        positions.find((p) => deciders.includes(p.accountId) && p.stance === 'agree')?.accountId ??
        null)
      : null;
  const events: DomainEvent[] = [
    {
      type: 'ProposalDecided',
      data: {
        proposalId: proposal.id,
        outcome: {
          passed: tally.passed,
          ruleVersion: proposal.ruleVersion,
          procedure: proposal.procedure,
          participants: [...tally.participants].sort(),
          counts: tally.counts,
          reasons: tally.reasons,
          decidedAt: now,
          decidedBy,
        },
      },
    },
  ];
  if (tally.passed) {
    events.push(...carryOut(state, proposal, now));
  } else if (proposal.action.kind === 'admit_member') {
    const m = own(state.core.members, proposal.action.accountId);
    if (m?.status === 'applicant' && !otherOpenAdmission(state, m.accountId, proposal.id)) {
      events.push({ type: 'ApplicationDeclined', data: { proposalId: proposal.id, accountId: m.accountId } });
    }
  }
  return events;
}

function openProposal(
  state: CommonsState,
  ctx: CommandContext,
  input: { proposalId: string; title: string; body: string; action: Action; closesAt?: string },
): DomainEvent[] {
  const core = state.core;
  const id = text('id', input.proposalId);
  if (own(state.proposals, id))
    throw new DomainError('proposal_exists', `A proposal ${id} already exists.`, { id });
  if (!input.action || typeof input.action !== 'object') {
    throw new DomainError('invalid_action', 'A proposal needs an action.');
  }
  const action = checkAction(core, input.action, ctx.now);
  const procedure = ruleFor(core.constitution, action.kind);
  validateProcedure(action.kind, procedure);
  const earliest = addHours(ctx.now, openHours(procedure));
  let closesAt = earliest;
  if (input.closesAt !== undefined) {
    const t = Date.parse(input.closesAt);
    if (Number.isNaN(t)) throw new DomainError('invalid_input', 'closesAt must be a date and time.');
    if (t < Date.parse(earliest)) {
      throw new DomainError(
        'invalid_input',
        `Under the constitution this proposal stays open until at least ${earliest}.`,
        { earliest },
      );
    }
    if (t > Date.parse(addHours(ctx.now, 24 * 366))) {
      throw new DomainError('invalid_input', 'A proposal can stay open for at most a year.');
    }
    closesAt = new Date(t).toISOString();
  }
  const electorate = Object.values(core.members)
    .filter((m) => m.status === 'member')
    .map((m) => m.accountId)
    .sort();
  const opened: DomainEvent = {
    type: 'ProposalOpened',
    data: {
      id,
      title: text('title', input.title),
      body: text('body', input.body ?? '', false),
      action,
      proposer: ctx.actor ?? '',
      closesAt,
      ruleVersion: core.constitution.version,
      procedure,
      electorate,
    },
  };
  const events: DomainEvent[] = [opened];
  const proposal = proposalFromOpened(opened.data, ctx.now);
  const extra: { accountId: string; stance: 'agree' }[] = [];
  // A proposer who holds the mandate decides by proposing.
  if (procedure.type === 'role' && ctx.actor && decidersFor(core, action.kind, ctx.now).includes(ctx.actor)) {
    extra.push({ accountId: ctx.actor, stance: 'agree' });
    events.push({
      type: 'PositionTaken',
      data: { proposalId: id, accountId: ctx.actor, stance: 'agree', reason: '' },
    });
  }
  const proposals = dictOf(state.proposals);
  proposals[id] = proposal;
  const withProposal: CommonsState = { ...state, proposals };
  events.push(...settle(withProposal, proposal, extra, procedure.type === 'automatic', ctx.now));
  return events;
}

/** The proposal as it stands right after ProposalOpened (shared by decide and evolve). */
export function proposalFromOpened(
  d: Extract<DomainEvent, { type: 'ProposalOpened' }>['data'],
  at: string,
): Proposal {
  return {
    id: d.id,
    title: d.title,
    body: d.body,
    action: d.action,
    proposer: d.proposer,
    openedAt: at,
    closesAt: d.closesAt,
    ruleVersion: d.ruleVersion,
    procedure: d.procedure,
    electorate: d.electorate,
    status: 'open',
    outcome: null,
    execution: null,
    positionCount: 0,
    commentCount: 0,
  };
}

/** Decides a command against the current state (null before the commons exists): the events, or a DomainError. */
export function decide(state: CommonsState | null, command: Command, ctx: CommandContext): DomainEvent[] {
  // Times are compared as ISO strings (closing times, terms): that needs one canonical UTC form.
  const t = typeof ctx.now === 'string' ? Date.parse(ctx.now) : Number.NaN;
  if (Number.isNaN(t))
    throw new DomainError('invalid_input', 'The time of a command must be a date and time.');
  ctx = { ...ctx, now: new Date(t).toISOString() };
  if (command.type === 'CreateCommons') {
    if (state) throw new DomainError('commons_exists', 'A commons with this id already exists.');
    if (!ctx.actor) throw new DomainError('not_a_member', 'A commons is founded by a person.');
    const template = own(TEMPLATES, command.template);
    if (!template) {
      throw new DomainError('invalid_input', `There is no template "${String(command.template)}".`, {
        template: command.template,
      });
    }
    const id = text('id', command.commonsId);
    const classIds = new Set(template.classes.map((c) => c.id));
    const founderClasses = [...new Set(command.classes ?? [])];
    for (const c of founderClasses) {
      if (!classIds.has(c))
        throw new DomainError('unknown_class', `This template has no stakeholder class "${c}".`);
    }
    const founder: Member = {
      accountId: ctx.actor,
      displayName: checkDisplayName(text('displayName', command.displayName)),
      classes: founderClasses.length > 0 ? founderClasses : [template.classes[0].id],
      status: 'member',
      since: ctx.now,
    };
    return [
      {
        type: 'CommonsCreated',
        data: {
          id,
          name: text('name', command.name),
          purpose: text('purpose', command.purpose ?? '', false),
          charter: text('charter', command.charter ?? '', false),
          template: template.id,
          classes: template.classes,
          constitution: { version: 1, rules: template.rules, adoptedAt: ctx.now, adoptedBy: null },
          founder,
          roles: template.roles.map((r) => ({
            ...r,
            holders: [
              {
                accountId: founder.accountId,
                since: ctx.now,
                until: r.termDays === null ? null : addHours(ctx.now, r.termDays * 24),
              },
            ],
          })),
        },
      },
    ];
  }

  if (!state) throw new DomainError('commons_not_found', 'There is no such commons.');
  const core = state.core;

  switch (command.type) {
    case 'ApplyForMembership': {
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
      const after = evolveCoreOnly(state, applied, ctx.now);
      return [
        applied,
        ...openProposal(after, ctx, {
          proposalId: command.proposalId,
          title: `Admit ${displayName}`,
          body: statement,
          action: { kind: 'admit_member', accountId: ctx.actor, displayName, classes },
        }),
      ];
    }

    case 'SubmitProposal':
      authorise(state, ctx.actor, { type: 'propose' }, ctx.now);
      return openProposal(state, ctx, command);

    case 'TakePosition': {
      const p = authorise(
        state,
        ctx.actor,
        { type: 'take_position', proposalId: command.proposalId },
        ctx.now,
      )!;
      if (!['agree', 'abstain', 'disagree', 'block'].includes(command.stance)) {
        throw new DomainError('invalid_input', 'A position is agree, abstain, disagree or block.');
      }
      const reason = text('reason', command.reason ?? '', false);
      const taken: DomainEvent = {
        type: 'PositionTaken',
        data: { proposalId: p.id, accountId: ctx.actor!, stance: command.stance, reason },
      };
      return [
        taken,
        ...settle(state, p, [{ accountId: ctx.actor!, stance: command.stance }], false, ctx.now),
      ];
    }

    case 'PostComment': {
      const p = authorise(state, ctx.actor, { type: 'comment', proposalId: command.proposalId }, ctx.now)!;
      const id = text('id', command.commentId);
      const existing = own(state.comments, p.id) ?? [];
      // Ids key the stored comment documents: a second comment with the same id would overwrite the first there.
      if (existing.some((c) => c.id === id)) {
        throw new DomainError('invalid_input', `There is already a comment ${id} on this proposal.`, {
          field: 'id',
        });
      }
      if (
        command.replyTo !== null &&
        command.replyTo !== undefined &&
        !existing.some((c) => c.id === command.replyTo)
      ) {
        throw new DomainError('comment_not_found', 'The comment you reply to does not exist.');
      }
      return [
        {
          type: 'CommentPosted',
          data: {
            id,
            proposalId: p.id,
            accountId: ctx.actor!,
            text: text('comment', command.text),
            replyTo: command.replyTo ?? null,
          },
        },
      ];
    }

    case 'WithdrawProposal': {
      const p = authorise(state, ctx.actor, { type: 'withdraw', proposalId: command.proposalId }, ctx.now)!;
      const events: DomainEvent[] = [{ type: 'ProposalWithdrawn', data: { proposalId: p.id } }];
      if (
        p.action.kind === 'admit_member' &&
        own(core.members, p.action.accountId)?.status === 'applicant' &&
        !otherOpenAdmission(state, p.action.accountId, p.id)
      ) {
        events.push({
          type: 'ApplicationDeclined',
          data: { proposalId: p.id, accountId: p.action.accountId },
        });
      }
      return events;
    }

    case 'CloseProposal': {
      const p = requireProposal(state, command.proposalId);
      if (p.status !== 'open') throw new DomainError('proposal_closed', 'This proposal is already closed.');
      if (ctx.now < p.closesAt) {
        throw new DomainError('proposal_still_open', `This proposal closes at ${p.closesAt}.`, {
          closesAt: p.closesAt,
        });
      }
      return settle(state, p, [], true, ctx.now);
    }

    case 'LeaveCommons': {
      authorise(state, ctx.actor, { type: 'leave' }, ctx.now);
      const remaining = Object.values(core.members).filter((m) => m.status === 'member').length;
      if (remaining <= 1) {
        throw new DomainError(
          'last_member',
          'The last member cannot leave: a commons needs at least one member.',
        );
      }
      return [{ type: 'MemberLeft', data: { accountId: ctx.actor! } }];
    }

    default:
      throw new DomainError('invalid_input', `Unknown command "${(command as { type: unknown }).type}".`);
  }
}

// Applying a membership event before opening the applicant's proposal (decide needs the updated members).
function evolveCoreOnly(state: CommonsState, event: DomainEvent, at: string): CommonsState {
  if (event.type !== 'MembershipApplied') return state;
  const d = event.data;
  return {
    ...state,
    core: {
      ...state.core,
      members: dictOf([
        ...Object.entries(state.core.members),
        [
          d.accountId,
          {
            accountId: d.accountId,
            displayName: d.displayName,
            classes: d.classes,
            status: 'applicant',
            since: at,
          },
        ],
      ]),
    },
  };
}
