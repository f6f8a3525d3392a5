// The action registry: one definition per kind of action, registered here explicitly. A missing or extra entry is
// a type error. Adding a kind: a file beside these, one line below, its kind in ACTION_KINDS and a rule in each
// template (the constitution's default rule covers commons founded before it).
import { Type, type Static } from 'typebox';
import { DomainError } from '../errors';
import { ACTION_KINDS, type Action, type ActionKind, type CommonsCore } from '../types';
import { adoptCharter } from './adopt-charter';
import { admitMember } from './admit-member';
import { amendConstitution } from './amend-constitution';
import { changeRole } from './change-role';
import { createRole } from './create-role';
import type { ActionDefinition, ActionOf } from './definition';
import { electRole } from './elect-role';
import { removeMember } from './remove-member';
import { resolution } from './resolution';
import { assignRole, unassignRole } from './role-holders';

export type { ActionDefinition, ActionOf } from './definition';

export const ACTIONS = {
  admit_member: admitMember,
  remove_member: removeMember,
  create_role: createRole,
  change_role: changeRole,
  assign_role: assignRole,
  unassign_role: unassignRole,
  adopt_charter: adoptCharter,
  amend_constitution: amendConstitution,
  resolution,
  elect_role: electRole,
} satisfies { [K in ActionKind]: ActionDefinition<K> };

/** Plain-language English labels of the kinds of action. */
export const ACTION_LABELS = Object.fromEntries(ACTION_KINDS.map((k) => [k, ACTIONS[k].label])) as Record<
  ActionKind,
  string
>;

/** The definition of a kind of action, or a DomainError `invalid_action` for an unknown kind (an own-key lookup). */
export function actionDefinition(kind: unknown): ActionDefinition<ActionKind> {
  if (
    typeof kind === 'string' &&
    Object.hasOwn(ACTIONS, kind) &&
    (ACTION_KINDS as readonly string[]).includes(kind)
  )
    return ACTIONS[kind as ActionKind] as unknown as ActionDefinition<ActionKind>;
  throw new DomainError('invalid_action', `Unknown kind of action "${String(kind)}".`);
}

/** Checks an action against the commons now and returns it normalised (see ActionDefinition.check). */
export function checkAction(core: CommonsCore, action: Action, now: string | null): Action {
  return actionDefinition(action.kind).check(core, action as ActionOf<ActionKind>, now);
}

/**
 * An action as the API takes it inside a proposal (an admission may name the person by email): the type of each
 * kind's input schema, so the web app's forms send what the API validates.
 */
export type ActionInput = { [K in ActionKind]: Static<(typeof ACTIONS)[K]['input']> }[ActionKind];

/** An action as the API takes it inside a proposal: one schema per kind, discriminated by `kind`. */
export const ActionInputSchema = Type.Unsafe<ActionInput>({
  type: 'object',
  oneOf: ACTION_KINDS.map((k) => ACTIONS[k].input),
  discriminator: { propertyName: 'kind' },
  required: ['kind'],
});
