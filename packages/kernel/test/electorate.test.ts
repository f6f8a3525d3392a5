// A proposal's electorate is a rule and a number (members admitted up to the count of admissions at the opening),
// never a copied list; its counts are kept as positions arrive. Logs written before (record version 1), whose
// ProposalOpened carried the whole list, still fold and decide as they did.
import { describe, expect, it } from 'vitest';
import {
  decide,
  DomainError,
  foldRecords,
  inElectorate,
  TEMPLATES,
  type CommonsState,
  type DomainEvent,
} from '../src/index';
import {
  chainRecords,
  encodeRecord,
  GENESIS_PREV,
  recordHash,
  RECORD_VERSION,
  type LogRecord,
} from '../src/log/index';
import { must } from './must';
import { at, consent, Scenario, T0 } from './scenario';

/** Records as a version-1 server wrote them: `v: 1`, chained by hand. */
function v1Log(events: { type: string; data: unknown; at: string; actor: string | null }[]): LogRecord[] {
  let prev = GENESIS_PREV;
  return events.map((e, seq) => {
    const record: LogRecord = { v: 1, commons: 'c1', seq, prev, ...e };
    prev = recordHash(encodeRecord(record));
    return record;
  });
}

const tpl = TEMPLATES['single-class'];
// A commons of ada and bob under consent, a proposal both may decide, then cy admitted: all in version 1's shapes
// (no admission numbers, the electorate a list).
const V1_HISTORY = [
  {
    type: 'CommonsCreated',
    at: T0,
    actor: 'ada',
    data: {
      id: 'c1',
      name: 'Garden',
      purpose: '',
      charter: '',
      template: 'single-class',
      classes: tpl.classes,
      constitution: {
        version: 1,
        rules: { ...tpl.rules, resolution: consent(24) },
        adoptedAt: T0,
        adoptedBy: null,
      },
      founder: { accountId: 'ada', displayName: 'Ada', classes: ['member'], status: 'member', since: T0 },
      roles: [],
    },
  },
  {
    type: 'MemberAdmitted',
    at: T0,
    actor: null,
    data: { proposalId: 'seed', accountId: 'bob', displayName: 'Bob', classes: ['member'] },
  },
  {
    type: 'ProposalOpened',
    at: at(1),
    actor: 'ada',
    data: {
      id: 'r1',
      title: 'Shed',
      body: '',
      action: { kind: 'resolution', text: 'A shed' },
      proposer: 'ada',
      closesAt: at(25),
      ruleVersion: 1,
      procedure: consent(24),
      electorate: ['ada', 'bob'],
    },
  },
  {
    type: 'PositionTaken',
    at: at(2),
    actor: 'bob',
    data: { proposalId: 'r1', accountId: 'bob', stance: 'block', reason: 'too big' },
  },
  {
    type: 'MemberAdmitted',
    at: at(3),
    actor: null,
    data: { proposalId: 'seed', accountId: 'cy', displayName: 'Cy', classes: ['member'] },
  },
];

const decideOn = (
  s: CommonsState,
  command: Parameters<typeof decide>[1],
  actor: string | null,
  now: string,
) => {
  try {
    return decide(s, command, { actor, now }).map((e) => e.type);
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
};

describe('electorates by reference', () => {
  it('given a version-1 log, then its proposal keeps its listed electorate and decides as it did', () => {
    const s = must(foldRecords(null, v1Log(V1_HISTORY)), 'the folded state');
    const r1 = must(s.proposals.r1, 'r1');
    expect(r1.electorate).toEqual({ accounts: ['ada', 'bob'], size: 2 });
    expect(r1.counts).toEqual({
      agree: 0,
      abstain: 0,
      disagree: 0,
      block: 1,
      electorate: 2,
      participants: 1,
    });
    // Admission numbers are given as the log folds, the founder's first.
    expect([
      s.core.members.ada?.admission,
      s.core.members.bob?.admission,
      s.core.members.cy?.admission,
    ]).toEqual([1, 2, 3]);
    expect(['ada', 'bob', 'cy'].filter((a) => inElectorate(s.core, r1, a))).toEqual(['ada', 'bob']);
    expect(
      decideOn(s, { type: 'TakePosition', proposalId: 'r1', stance: 'agree', reason: '' }, 'cy', at(4)),
    ).toBe('not_in_electorate');
    expect(
      decideOn(s, { type: 'TakePosition', proposalId: 'r1', stance: 'agree', reason: '' }, 'ada', at(4)),
      // The whole listed electorate has now taken a position: consent is settled at once, and bob's objection stands.
    ).toEqual(['PositionTaken', 'ProposalDecided']);
    const closed = decide(s, { type: 'CloseProposal', proposalId: 'r1' }, { actor: null, now: at(25) });
    expect(closed[0]).toMatchObject({
      type: 'ProposalDecided',
      data: { outcome: { passed: false, participants: ['bob'], counts: { block: 1, electorate: 2 } } },
    });
  });

  it('writes new records at the current version, with an electorate whose size does not grow with the members', () => {
    const sizes = [10, 1000].map((n) => {
      const c = Scenario.given({ members: Array.from({ length: n - 1 }, (_, i) => `m${i}`) });
      c.resolve('r1');
      const opened = must(
        c.log.find((e) => e.type === 'ProposalOpened'),
        'the ProposalOpened event',
      ) as Extract<DomainEvent, { type: 'ProposalOpened' }>;
      expect(opened.data.electorate).toEqual({ admittedUpTo: n, size: n });
      const [chained] = chainRecords('c1', GENESIS_PREV, 0, [{ ...opened, actor: 'ada', at: T0 }]);
      expect(must(chained).record.v).toBe(RECORD_VERSION);
      return must(chained).body.length;
    });
    // The same bytes but for the digits of the two numbers.
    expect(sizes[1]! - sizes[0]!).toBeLessThanOrEqual(4);
  });

  it('given a member who left and was admitted again after a proposal opened, then they are not in its electorate', () => {
    const c = Scenario.given({ rules: { admit_member: { type: 'automatic' } }, members: ['bob', 'cy'] });
    c.resolve('r1', 'ada', at(1));
    expect(c.types({ type: 'LeaveCommons' }, 'cy', at(2))).toEqual(['MemberLeft']);
    c.propose(
      'back',
      { kind: 'admit_member', accountId: 'cy', displayName: 'Cy', classes: [] },
      'ada',
      at(3),
    );
    expect(c.member('cy')).toMatchObject({ status: 'member', admission: 4 });
    // Not a member throughout since the opening: the electorate was the members then, and cy's membership is new.
    expect(
      c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'agree', reason: '' }, 'cy', at(4)),
    ).toBe('not_in_electorate');
    expect(c.proposal('r1').counts.electorate).toBe(3);
  });

  it('given a position changed many times, then it is counted once, under its latest stance', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) }, members: ['bob', 'cy'] });
    c.resolve('r1');
    for (const stance of ['agree', 'block', 'abstain', 'disagree', 'agree'] as const)
      c.position('r1', 'bob', stance, at(1));
    c.position('r1', 'cy', 'block', at(2));
    expect(c.proposal('r1').counts).toEqual({
      agree: 1,
      abstain: 0,
      disagree: 0,
      block: 1,
      electorate: 3,
      participants: 2,
    });
  });
});
