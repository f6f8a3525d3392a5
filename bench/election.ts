// Elections and liquid delegation through the kernel (runnable alone: `npx tsx bench/election.ts`, or
// `npm run bench -- election`). Issue 11's figures:
// 1. an STV election to a 5-seat role with 10,000 ballots: the close (decide CloseProposal, the count, the events
//    applied) and the casting of the ballots, each ballot decided and applied as the write path does;
// 2. closing a vote with liquid delegation in a commons of 100,000 members (half delegate, for the commons or for
//    the kind of action, a tenth vote directly): decide CloseProposal (the resolver over every member) and apply.
// The state is folded in place (applyEvent) as a load does; no store, no HTTP. Seeded, so every run is the same.
import {
  applyEvent,
  decide,
  TEMPLATES,
  type Command,
  type CommonsState,
  type DomainEvent,
  type EventEnvelope,
} from '../packages/kernel/src/index';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (h: number) => new Date(T0 + h * 3_600_000).toISOString();
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

/** A commons of `members` (m0 the founder) under the single-class template with these rules, and a board role. */
function commons(members: number, rules: Record<string, unknown>): CommonsState {
  const tpl = TEMPLATES['single-class'];
  let s: CommonsState | null = null;
  const apply = (e: DomainEvent) => (s = applyEvent(s, { ...e, at: at(0), actor: null } as EventEnvelope));
  apply({
    type: 'CommonsCreated',
    data: {
      id: 'bench',
      name: 'Bench',
      purpose: '',
      charter: '',
      template: 'single-class',
      classes: structuredClone(tpl.classes),
      constitution: {
        version: 1,
        rules: { ...structuredClone(tpl.rules), ...rules } as never,
        adoptedAt: at(0),
        adoptedBy: null,
      },
      founder: { accountId: 'm0', displayName: 'm0', classes: ['member'], status: 'member', since: at(0) },
      roles: [{ id: 'board', name: 'Board', description: '', mandate: [], termDays: 365, holders: [] }],
    },
  });
  for (let i = 1; i < members; i++)
    apply({
      type: 'MemberAdmitted',
      data: { proposalId: 'seed', accountId: `m${i}`, displayName: `m${i}`, classes: ['member'] },
    });
  return s!;
}

/** Decides a command and applies its events in place; returns the events. */
function run(s: CommonsState, command: Command, actor: string | null, now: string): DomainEvent[] {
  const events = decide(s, command, { actor, now });
  for (const e of events) applyEvent(s, { ...e, at: now, actor } as EventEnvelope);
  return events;
}

function stv(): void {
  const voters = 10_000;
  const candidates = 15;
  const seats = 5;
  const s = commons(voters, {
    elect_role: { type: 'election', nominationHours: 0, hours: 48, method: 'stv' },
  });
  run(
    s,
    {
      type: 'SubmitProposal',
      proposalId: 'e',
      title: 'Board',
      body: '',
      action: { kind: 'elect_role', roleId: 'board', seats },
    },
    'm0',
    at(1),
  );
  const ids = Array.from({ length: candidates }, (_, i) => `m${i}`);
  for (const id of ids) run(s, { type: 'NominateCandidate', proposalId: 'e', accountId: id }, id, at(1));
  run(s, { type: 'OpenElectionBallot', proposalId: 'e' }, 'm0', at(2));
  const random = rng(11);
  // Three factions with their own orders, each ballot a prefix of 2 to 8 of its faction's order with a swap.
  const orders = [0, 1, 2].map(() => [...ids].sort(() => random() - 0.5));
  // All but the proposer vote: the election is decided at its close, not by the last ballot.
  const castStart = performance.now();
  for (let v = 1; v < voters; v++) {
    const order = [...orders[v % 3]!];
    const k = 1 + Math.floor(random() * (order.length - 1));
    [order[k - 1], order[k]] = [order[k]!, order[k - 1]!];
    const ranking = order.slice(0, 2 + Math.floor(random() * 7));
    run(s, { type: 'CastBallot', proposalId: 'e', ballot: { ranking }, reason: '' }, `m${v}`, at(3));
  }
  const castMs = performance.now() - castStart;
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const start = performance.now();
  const events = run(s, { type: 'CloseProposal', proposalId: 'e' }, null, at(49));
  const closeMs = performance.now() - start;
  const after = process.memoryUsage().heapUsed;
  const outcome = s.proposals.e!.outcome!;
  if (events[0]?.type !== 'ProposalDecided' || outcome.election?.elected.length !== seats)
    throw new Error('the election did not fill its seats');
  console.log(
    `STV, ${seats} seats, ${candidates} candidates, ${voters - 1} ballots through the kernel: close ${closeMs.toFixed(0)} ms ` +
      `(${outcome.election.rounds.length} rounds, quota ${outcome.election.quota}); casting the ballots ${castMs.toFixed(0)} ms ` +
      `(${((castMs * 1000) / (voters - 1)).toFixed(0)} µs each); heap ${mib(before)} before the close, ${mib(after)} after`,
  );
}

function delegation(): void {
  const members = 100_000;
  const s = commons(members, {
    resolution: {
      type: 'vote',
      hours: 24,
      threshold: { num: 1, den: 2 },
      strict: true,
      quorum: { num: 0, den: 1 },
      abstentions: 'ignored',
      delegation: true,
    },
  });
  const random = rng(7);
  // Half the members delegate (to someone with a lower number, so chains run down to the voters; some point up and
  // make cycles), alternately for the whole commons and for resolutions. Set straight into the state (what 50,000
  // DelegationSet events fold to); one more Delegate command is then timed on its own.
  const delegations: NonNullable<CommonsState['core']['delegations']> = [];
  for (let i = 1; i < members; i++) {
    if (random() >= 0.5) continue;
    const trustee =
      random() < 0.98 ? Math.floor(random() * i) : i + 1 + Math.floor(random() * (members - i - 1));
    if (trustee === i || trustee >= members) continue;
    delegations.push({
      truster: `m${i}`,
      trustee: `m${trustee}`,
      scope: i % 2 === 0 ? { type: 'commons' } : { type: 'kind', kind: 'resolution' },
      since: at(1),
    });
  }
  s.core.delegations = delegations;
  const setStart = performance.now();
  run(s, { type: 'Delegate', scope: { type: 'commons' }, trustee: 'm1' }, 'm0', at(1));
  const setMs = performance.now() - setStart;
  run(
    s,
    {
      type: 'SubmitProposal',
      proposalId: 'p',
      title: 'Vote',
      body: '',
      action: { kind: 'resolution', text: 'Plant trees' },
    },
    'm0',
    at(2),
  );
  for (let i = 0; i < members; i += 10)
    run(
      s,
      {
        type: 'TakePosition',
        proposalId: 'p',
        stance: random() < 0.55 ? 'agree' : 'disagree',
        reason: '',
      },
      `m${i}`,
      at(3),
    );
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const start = performance.now();
  run(s, { type: 'CloseProposal', proposalId: 'p' }, null, at(26));
  const closeMs = performance.now() - start;
  const after = process.memoryUsage().heapUsed;
  const outcome = s.proposals.p!.outcome!;
  const d = outcome.delegation!;
  console.log(
    `Liquid delegation, ${members.toLocaleString('en')} members, ${(s.core.delegations ?? []).length.toLocaleString('en')} delegations, ` +
      `${d.weights.length.toLocaleString('en')} direct votes: close ${closeMs.toFixed(0)} ms ` +
      `(${outcome.counts.participants.toLocaleString('en')} votes counted, ${d.chains.length.toLocaleString('en')} through chains, ` +
      `${d.notCounted.length.toLocaleString('en')} not counted); heap ${mib(before)} before the close, ${mib(after)} after; ` +
      `one more Delegate command ${setMs.toFixed(1)} ms`,
  );
}

stv();
delegation();
