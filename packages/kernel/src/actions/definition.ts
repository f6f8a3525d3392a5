import { Type, type TSchema } from 'typebox';
import { DomainError } from '../errors';
import type { DomainEvent } from '../events';
import {
  ACTION_KINDS,
  type Action,
  type ActionKind,
  type CommonsCore,
  type Outcome,
  type Procedure,
} from '../types';

/** The action of one kind, as `Action` narrows it. */
export type ActionOf<K extends ActionKind> = Extract<Action, { kind: K }>;

/**
 * Everything the house knows about one kind of action. Adding a kind is one file with its definition and one line in
 * the registry (`./index.ts`), plus the rule each template gives it.
 */
export interface ActionDefinition<K extends ActionKind, S extends TSchema = TSchema> {
  kind: K;
  /** Plain-language English label (the web app translates the kind itself). */
  label: string;
  /** The action as the API takes it, inside a proposal (JSON Schema through TypeBox; `kind` is the literal). */
  input: S;
  /**
   * The action checked against the commons as it is, normalised (trimmed text, known classes, ...); a DomainError
   * otherwise. Run when a proposal opens and again when it passes: the commons may have changed in between. `now`
   * (when known) lets a term that has ended count as ended.
   */
  check(core: CommonsCore, action: ActionOf<K>, now: string | null): ActionOf<K>;
  /**
   * Checks made only when a proposal opens, never when it passes (an amendment's no-lock-in check: the commons may
   * have changed by then, and what was proposed is what is judged).
   */
  checkProposed?(core: CommonsCore, action: ActionOf<K>, now: string): void;
  /** The procedure that decides it, where not the rule of its kind (an amendment under tiers: the tier it touches). */
  procedure?(core: CommonsCore, action: ActionOf<K>): Procedure;
  /**
   * The events that carry out the checked action of a passed proposal (emitted once, with ProposalDecided); `outcome`
   * is that decision (an election's count names who takes the seats).
   */
  carryOut(
    core: CommonsCore,
    action: ActionOf<K>,
    proposalId: string,
    now: string,
    outcome?: Outcome,
  ): DomainEvent[];
}

/** The kinds of action as a JSON Schema enum (mandates list them). */
export const ActionKindSchema = Type.Unsafe<ActionKind>(Type.Union(ACTION_KINDS.map((k) => Type.Literal(k))));

/** Stakeholder classes of this commons, deduplicated; a commons with a single class puts everyone in it. */
export function checkClasses(core: CommonsCore, classes: string[]): string[] {
  if (!Array.isArray(classes)) throw new DomainError('invalid_input', 'classes must be a list.');
  const known = new Set(core.classes.map((c) => c.id));
  for (const c of classes) {
    if (!known.has(c)) {
      throw new DomainError('unknown_class', `This commons has no stakeholder class "${c}".`, { class: c });
    }
  }
  const unique = [...new Set(classes)];
  const [only, ...others] = core.classes;
  return unique.length > 0 ? unique : only && others.length === 0 ? [only.id] : [];
}

/** A mandate: known kinds of action, each once. */
export function checkMandate(mandate: unknown): ActionKind[] {
  if (!Array.isArray(mandate))
    throw new DomainError('invalid_action', 'A mandate must be a list of kinds of action.');
  for (const k of mandate) {
    if (!(ACTION_KINDS as readonly string[]).includes(k)) {
      throw new DomainError('invalid_action', `There is no kind of action called "${String(k)}".`, {
        kind: k,
      });
    }
  }
  return [...new Set(mandate as ActionKind[])];
}

/** A term in days from 1 to 3650, or null for none. */
export function checkTerm(termDays: unknown): number | null {
  if (termDays === null || termDays === undefined) return null;
  if (typeof termDays !== 'number' || !Number.isInteger(termDays) || termDays < 1 || termDays > 3650) {
    throw new DomainError('invalid_action', 'A term is a whole number of days from 1 to 3650, or none.');
  }
  return termDays;
}

export const TermSchema = Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()]);
