// The commons decider: the domain modules' deciders composed (packages/kernel/src/modules), one per command.
import { checkAction } from './actions';
import type { Command, CommandContext } from './commands';
import { DomainError } from './errors';
import type { DomainEvent } from './events';
import { delegationCommands } from './modules/delegation';
import { electionCommands } from './modules/elections';
import { foundCommons } from './modules/founding';
import { membershipCommands } from './modules/membership';
import type { Deciders } from './modules/module';
import { proposalCommands } from './modules/proposals';
import { reviewCommands } from './rules/reviews';
import { triggersFiredBy } from './rules/triggers';
import type { Action, CommonsCore, CommonsState } from './types';

/** Every command on an existing commons, with the module that decides it (a missing one is a type error). */
const COMMANDS = {
  ...membershipCommands,
  ...proposalCommands,
  ...electionCommands,
  ...delegationCommands,
  ...reviewCommands,
} satisfies Deciders<Exclude<Command['type'], 'CreateCommons'>>;

/**
 * Checks that an action can be carried out against the current state, and returns it normalised.
 * Run when the proposal opens and again when it passes (the commons may have changed in between).
 */
export function validateAction(core: CommonsCore, action: Action): Action {
  return checkAction(core, action, null);
}

/** Decides a command against the current state (null before the commons exists): the events, or a DomainError. */
export function decide(state: CommonsState | null, command: Command, ctx: CommandContext): DomainEvent[] {
  // Times are compared as ISO strings (closing times, terms): that needs one canonical UTC form.
  const t = typeof ctx.now === 'string' ? Date.parse(ctx.now) : Number.NaN;
  if (Number.isNaN(t))
    throw new DomainError('invalid_input', 'The time of a command must be a date and time.');
  ctx = { ...ctx, now: new Date(t).toISOString() };
  if (command.type === 'CreateCommons') return foundCommons(state, command, ctx);
  if (!state) throw new DomainError('commons_not_found', 'There is no such commons.');
  const type = (command as { type: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(COMMANDS, type))
    throw new DomainError('invalid_input', `Unknown command "${String(type)}".`);
  const decider = COMMANDS[type as keyof typeof COMMANDS] as (
    state: CommonsState,
    command: Command,
    ctx: CommandContext,
  ) => DomainEvent[];
  const events = decider(state, command, ctx);
  // A trigger on the membership fires in the commit of the events that made it true (rules/triggers.ts).
  return [...events, ...triggersFiredBy(state, events, ctx.now)];
}
