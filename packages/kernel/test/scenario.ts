// Given/when/then helpers for kernel tests: a commons founded from events (any rules, members and roles), commands
// decided and folded in as the server does, and the read-model documents kept beside the state.
import {
  applyEvent,
  decide,
  DomainError,
  readModelChanges,
  stateFromDocs,
  TEMPLATES,
  type Action,
  type ActionKind,
  type Command,
  type CommonsState,
  type DomainEvent,
  type EventEnvelope,
  type Procedure,
  type ReadModelDoc,
  type Member,
  type Proposal,
  type Role,
  type Stance,
  type TemplateId,
} from '../src/index';
import { must } from './must';

export const T0 = '2026-01-01T00:00:00.000Z';
/** T0 plus `h` hours, as the canonical ISO string the platform's clock gives. */
export const at = (h: number) => new Date(Date.parse(T0) + h * 3_600_000).toISOString();

export type EventOf<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>;

export interface Given {
  /** Rules that replace the single-class template's (the founding constitution, version 1). */
  rules?: Partial<Record<ActionKind, Procedure>>;
  /** Members besides the founder `ada`, admitted at T0. */
  members?: string[];
  /** Roles at founding, with their holders: [accountId, until] pairs. */
  roles?: (Omit<Role, 'holders'> & { holders: [string, string | null][] })[];
}

/** A commons as a list of events: founded by `ada` with the given rules, members and roles. */
export function foundingEvents(g: Given = {}): DomainEvent[] {
  const tpl = TEMPLATES['single-class'];
  const events: DomainEvent[] = [
    {
      type: 'CommonsCreated',
      data: {
        id: 'c1',
        name: 'Garden',
        purpose: 'Grow food together',
        charter: '',
        template: 'single-class',
        classes: structuredClone(tpl.classes),
        constitution: {
          version: 1,
          rules: { ...structuredClone(tpl.rules), ...g.rules },
          adoptedAt: T0,
          adoptedBy: null,
        },
        founder: { accountId: 'ada', displayName: 'Ada', classes: ['member'], status: 'member', since: T0 },
        roles: (g.roles ?? []).map((r) => ({
          ...r,
          holders: r.holders.map(([accountId, until]) => ({ accountId, since: T0, until })),
        })),
      },
    },
  ];
  for (const m of g.members ?? []) {
    events.push({
      type: 'MemberAdmitted',
      data: { proposalId: 'seed', accountId: m, displayName: m, classes: ['member'] },
    });
  }
  return events;
}

/** A running commons: `run` decides a command and folds its events in (all stamped with the command's time). */
export class Scenario {
  state: CommonsState | null = null;
  readonly log: EventEnvelope[] = [];
  /** The read-model documents as a store would hold them (serialised, upserted by kind and id). */
  readonly docs = new Map<string, ReadModelDoc>();

  constructor(history: DomainEvent[] = []) {
    this.fold(history, null, T0);
  }

  static given(g: Given = {}): Scenario {
    return new Scenario(foundingEvents(g));
  }

  /** A commons founded by `ada` through CreateCommons from a template, as the server does. */
  static founded(template: TemplateId = 'single-class'): Scenario {
    const c = new Scenario();
    c.run(
      {
        type: 'CreateCommons',
        commonsId: 'c1',
        name: 'Garden',
        purpose: 'Grow food together',
        charter: '',
        template,
        displayName: 'Ada',
        classes: [],
      },
      'ada',
    );
    return c;
  }

  get s(): CommonsState {
    return this.state!;
  }

  /** The proposal `id`; fails the test if there is none. */
  proposal(id: string): Proposal {
    return must(this.s.proposals[id], `proposal ${id}`);
  }

  /** The member (of any status) `id`; fails the test if there is none. */
  member(id: string): Member {
    return must(this.s.core.members[id], `member ${id}`);
  }

  /** The role `id`; fails the test if there is none. */
  role(id: string): Role {
    return must(this.s.core.roles[id], `role ${id}`);
  }

  private fold(events: DomainEvent[], actor: string | null, when: string): void {
    const envs = events.map((e) => ({ ...e, actor, at: when }) as EventEnvelope);
    for (const env of envs) {
      this.log.push(env);
      this.state = applyEvent(this.state, env);
    }
    if (this.state) {
      for (const d of readModelChanges(this.state, envs)) {
        this.docs.set(`${d.kind}:${d.id}`, JSON.parse(JSON.stringify(d)) as ReadModelDoc);
      }
    }
  }

  /** when `actor` asks for `command` at `when`: the events, already applied. */
  run(command: Command, actor: string | null, when = T0): DomainEvent[] {
    const events = decide(this.state, command, { actor, now: when });
    this.fold(events, actor, when);
    return events;
  }

  /** The event types a command produced. */
  types(command: Command, actor: string | null, when = T0): string[] {
    return this.run(command, actor, when).map((e) => e.type);
  }

  /** The DomainError code a command is refused with; fails the test if it is accepted. Writes nothing. */
  error(command: Command, actor: string | null, when = T0): string {
    const before = JSON.stringify(this.state);
    try {
      decide(this.state, command, { actor, now: when });
    } catch (e) {
      if (e instanceof DomainError) {
        if (JSON.stringify(this.state) !== before) throw new Error('a refused command changed the state');
        return e.code;
      }
      throw e;
    }
    throw new Error(`expected ${command.type} by ${actor} to be refused`);
  }

  propose(proposalId: string, action: Action, by = 'ada', when = T0, closesAt?: string): string[] {
    return this.types(
      { type: 'SubmitProposal', proposalId, title: proposalId, body: '', action, closesAt },
      by,
      when,
    );
  }

  /** Ada proposes to admit `who` (with no classes). */
  admit(who: string, proposalId: string, when = T0): string[] {
    return this.types(
      {
        type: 'SubmitProposal',
        proposalId,
        title: `Admit ${who}`,
        body: '',
        action: { kind: 'admit_member', accountId: who, displayName: who, classes: [] },
      },
      'ada',
      when,
    );
  }

  resolve(proposalId: string, by = 'ada', when = T0): string[] {
    return this.propose(proposalId, { kind: 'resolution', text: `Resolution ${proposalId}` }, by, when);
  }

  position(proposalId: string, who: string, stance: Stance, when = T0, reason = ''): string[] {
    return this.types({ type: 'TakePosition', proposalId, stance, reason }, who, when);
  }

  close(proposalId: string, when: string): string[] {
    return this.types({ type: 'CloseProposal', proposalId }, null, when);
  }

  /** The state rebuilt from the stored documents, ordered by id as the stores list them. */
  rebuilt(): CommonsState {
    const sorted = [...this.docs.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const by = (k: ReadModelDoc['kind']) => sorted.filter((d) => d.kind === k).map((d) => d.body);
    return stateFromDocs({
      core: must(by('commons')[0], 'the commons document'),
      members: by('member'),
      proposals: by('proposal'),
      positions: by('position'),
      comments: by('comment'),
      pools: by('pool'),
      movements: by('movement'),
      bookings: by('booking'),
    });
  }

  /** Events of one type in the log, optionally only those about one proposal. */
  logged<T extends DomainEvent['type']>(type: T, proposalId?: string): EventOf<T>[] {
    return this.log.filter(
      (e) =>
        e.type === type &&
        (proposalId === undefined ||
          (e.data as { proposalId?: string; id?: string }).proposalId === proposalId ||
          (e.type === 'ProposalOpened' && e.data.id === proposalId)),
    ) as unknown as EventOf<T>[];
  }
}

export const consent = (hours: number): Procedure => ({ type: 'consent', hours });
export const consensus = (hours: number, num: number, den: number): Procedure => ({
  type: 'consensus',
  hours,
  minParticipation: { num, den },
});
export const vote = (
  threshold: [number, number],
  opts: {
    strict?: boolean;
    quorum?: [number, number];
    abstentions?: 'quorum_only' | 'ignored' | 'against';
    hours?: number;
  } = {},
): Procedure => ({
  type: 'vote',
  hours: opts.hours ?? 24,
  threshold: { num: threshold[0], den: threshold[1] },
  strict: opts.strict ?? false,
  quorum: { num: (opts.quorum ?? [0, 1])[0], den: (opts.quorum ?? [0, 1])[1] },
  abstentions: opts.abstentions ?? 'quorum_only',
});
export const role = (objectionHours: number): Procedure => ({ type: 'role', objectionHours });
