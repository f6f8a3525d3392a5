// Given/when/then for the commons decider, as emmett's DeciderSpecification reads: given events (folded with the
// kernel's evolve from its initial state), when a command (decided with the kernel's decide), then the events it
// yields, or the DomainError code it is refused with. The given state is frozen, so a decider that wrote to it
// would fail the test.
import { expect } from 'vitest';
import {
  decide,
  DomainError,
  evolve,
  initialState,
  type Action,
  type Command,
  type CommonsState,
  type DomainErrorCode,
  type DomainEvent,
  type EventEnvelope,
  type Procedure,
  type Stance,
} from '../../src/index';
import { at, consent, T0 } from '../scenario';

/** A given event: a domain event (by no one, at T0), or an envelope that says who and when. */
export type GivenEvent = DomainEvent | EventEnvelope;

/** What a command yielded: its events, and the state once they are applied (stamped with the command's time). */
export interface Decided {
  events: DomainEvent[];
  state: CommonsState;
}

/** An expected event, partially: its type and whichever fields matter (matched as toMatchObject matches). */
export type Expected = { type: DomainEvent['type'] } & Record<string, unknown>;

/** `event` as an envelope by `actor` at `when`. */
export function stamped(event: DomainEvent, when: string, actor: string | null = null): EventEnvelope {
  return { ...event, actor, at: when } as EventEnvelope;
}

function envelope(e: GivenEvent): EventEnvelope {
  return 'at' in e ? e : stamped(e, T0);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** given `history` (oldest first): the state it folds to, and `when` to decide a command against it. */
export function spec(history: GivenEvent[] = []) {
  let folded: CommonsState | null = initialState;
  for (const e of history) folded = evolve(folded, envelope(e));
  const state = deepFreeze(folded);
  return {
    /** The state the given events fold to (frozen). */
    state,
    /** when `actor` asks for `command` at `now`. */
    when(command: Command, actor: string | null = 'ada', now = T0) {
      const decided = (): Decided => {
        const events = decide(state, command, { actor, now });
        const when = new Date(Date.parse(now)).toISOString();
        let after = state;
        for (const e of events) after = evolve(after, stamped(e, when, actor));
        return { events, state: after! };
      };
      return {
        /** then exactly these events. */
        then(expected: DomainEvent[]): Decided {
          const out = decided();
          expect(out.events).toEqual(expected);
          return out;
        },
        /** then events of these types, each matching the partial event given (as toMatchObject matches). */
        thenMatch(expected: Expected[]): Decided {
          const out = decided();
          expect(out.events.map((e) => e.type)).toEqual(expected.map((e) => e.type));
          expect(out.events).toMatchObject(expected);
          return out;
        },
        /** then events of exactly these types, in this order. */
        thenTypes(types: DomainEvent['type'][]): Decided {
          const out = decided();
          expect(out.events.map((e) => e.type)).toEqual(types);
          return out;
        },
        /** then a refusal with this code (and a message matching `message`, if given). */
        thenRefuses(code: DomainErrorCode, message?: RegExp): DomainError {
          let error: unknown;
          try {
            decided();
          } catch (e) {
            error = e;
          }
          if (!(error instanceof DomainError)) {
            throw new Error(`expected ${command.type} by ${String(actor)} to be refused with ${code}`, {
              cause: error,
            });
          }
          expect(error.code).toBe(code);
          if (message) expect(error.message).toMatch(message);
          return error;
        },
      };
    },
  };
}

/** A proposal opened by `proposer` (Ada) at T0, under consent for a day unless told, with Ada its electorate. */
export function opened(
  id: string,
  action: Action,
  o: { proposer?: string; procedure?: Procedure; electorate?: string[]; closesAt?: string } = {},
): Extract<DomainEvent, { type: 'ProposalOpened' }> {
  return {
    type: 'ProposalOpened',
    data: {
      id,
      title: id,
      body: '',
      action,
      proposer: o.proposer ?? 'ada',
      closesAt: o.closesAt ?? at(24),
      ruleVersion: 1,
      procedure: o.procedure ?? consent(24),
      // An explicit list (the form proposals of record version 1 carry), so each test names its electorate.
      electorate: { accounts: o.electorate ?? ['ada'], size: (o.electorate ?? ['ada']).length },
    },
  };
}

/** A resolution `id` opened as `opened` opens it. */
export const resolutionOpened = (id: string, o: Parameters<typeof opened>[2] = {}) =>
  opened(id, { kind: 'resolution', text: `Resolution ${id}` }, o);

/** `accountId` applied to join (an applicant, in the single class). */
export const applied = (accountId: string): DomainEvent => ({
  type: 'MembershipApplied',
  data: { accountId, displayName: accountId, classes: ['member'], statement: '' },
});

/** `accountId` took a position on `proposalId`. */
export const positionTaken = (proposalId: string, accountId: string, stance: Stance): DomainEvent => ({
  type: 'PositionTaken',
  data: { proposalId, accountId, stance, reason: '' },
});

/** `accountId` commented `id` on `proposalId`. */
export const commented = (
  proposalId: string,
  id: string,
  accountId: string,
  replyTo: string | null = null,
): DomainEvent => ({
  type: 'CommentPosted',
  data: { id, proposalId, accountId, text: `Comment ${id}`, replyTo },
});

/** A SubmitProposal of `action` with the proposal id as its title. */
export const submit = (proposalId: string, action: Action, closesAt?: string): Command => ({
  type: 'SubmitProposal',
  proposalId,
  title: proposalId,
  body: '',
  action,
  closesAt,
});
