// Founding a commons from a template: its first member, classes, roles and constitution.
import type { CommandContext } from '../commands';
import { dict, dictOf, own } from '../dict';
import { DomainError } from '../errors';
import type { DomainEvent, EventEnvelope } from '../events';
import { addHours, text } from '../input';
import { checkDisplayName } from '../names';
import { DEFAULT_PARTICIPATION } from '../constitution';
import { requireNoLockInAhead } from '../rules/amendment';
import { TEMPLATES } from '../templates';
import type { CommonsState, Member } from '../types';
import type { CommandOf } from './module';

// Every template names at least one class (the templates test holds them to it).
function firstClass(classes: readonly { id: string }[]): string {
  const [first] = classes;
  if (!first) throw new Error('internal: a template without stakeholder classes');
  return first.id;
}

/** Decides CreateCommons: refused where a commons exists, else its founding event. */
export function foundCommons(
  state: CommonsState | null,
  command: CommandOf<'CreateCommons'>,
  ctx: CommandContext,
): DomainEvent[] {
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
    classes: founderClasses.length > 0 ? founderClasses : [firstClass(template.classes)],
    status: 'member',
    since: ctx.now,
    admission: 1,
  };
  const created: DomainEvent = {
    type: 'CommonsCreated',
    data: {
      id,
      name: text('name', command.name),
      purpose: text('purpose', command.purpose ?? '', false),
      charter: text('charter', command.charter ?? '', false),
      template: template.id,
      classes: template.classes,
      constitution: {
        version: 1,
        rules: template.rules,
        adoptedAt: ctx.now,
        adoptedBy: null,
        participation: structuredClone(DEFAULT_PARTICIPATION),
        // Rules for rules: the template's triggers (founder with planned devolution, the board's mandate).
        ...(template.triggers ? { triggers: structuredClone(template.triggers) } : {}),
      },
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
  };
  // A commons is founded only on a constitution its founder can live under: no lock-in (`rules/lock-in.ts`), nor when
  // a trigger of its template fires (`rules/amendment.ts`).
  const core = createdState({ ...created, at: ctx.now, actor: ctx.actor }).core;
  requireNoLockInAhead(core, null, core.constitution, ctx.now);
  return [created];
}

/** The state a founding event gives. */
export function createdState(e: Extract<EventEnvelope, { type: 'CommonsCreated' }>): CommonsState {
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
      members: dictOf([[d.founder.accountId, { ...d.founder, admission: 1 }]]),
      admissions: 1,
      memberCount: 1,
      roles: dictOf(d.roles.map((r) => [r.id, r] as const)),
      constitution: d.constitution,
      history: [],
    },
    proposals: dict(),
    positions: dict(),
    comments: dict(),
  };
}
