// Every procedure a constitution can give a kind of action, decided through the kernel (given events / when
// command / then events). Resolutions carry the procedure under test; the other rules are the template's.
import { describe, expect, it } from 'vitest';
import { at, consensus, consent, role, Scenario, T0, vote } from './scenario';
import { inElectorate, type Procedure } from '../src/index';

const clerk = (holders: [string, string | null][], mandate = ['resolution' as const]) => ({
  id: 'clerk',
  name: 'Clerk',
  description: '',
  mandate,
  termDays: null,
  holders,
});

function under(
  procedure: Procedure,
  members = ['bob', 'cy'],
  roles: Parameters<typeof clerk>[0] | null = null,
) {
  return Scenario.given({ rules: { resolution: procedure }, members, roles: roles ? [clerk(roles)] : [] });
}

describe('automatic', () => {
  it('given an automatic rule, when a member proposes, then it is decided and carried out at once', () => {
    const c = under({ type: 'automatic' });
    expect(c.resolve('r1')).toEqual(['ProposalOpened', 'ProposalDecided', 'ResolutionAdopted']);
    const p = c.proposal('r1');
    expect(p).toMatchObject({ status: 'passed', closesAt: T0, execution: { done: true, error: null } });
    expect(p.outcome).toMatchObject({
      passed: true,
      ruleVersion: 1,
      decidedAt: T0,
      decidedBy: null,
      participants: [],
    });
    expect(p.outcome!.reasons).toEqual([
      { code: 'automatic', params: {}, text: 'This kind of action is automatic under the constitution.' },
    ]);
  });

  it('then no one can take a position on it or close it again', () => {
    const c = under({ type: 'automatic' });
    c.resolve('r1');
    expect(c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'block', reason: '' }, 'bob')).toBe(
      'proposal_closed',
    );
    expect(c.error({ type: 'CloseProposal', proposalId: 'r1' }, null, at(1))).toBe('proposal_closed');
  });
});

describe('role decides, without objection window', () => {
  it('given a clerk, when a member proposes, then it waits a week for the clerk', () => {
    const c = under(role(0), ['bob', 'cy'], [['bob', null]]);
    expect(c.resolve('r1')).toEqual(['ProposalOpened']);
    expect(c.proposal('r1').closesAt).toBe(at(168));
  });

  it('when the clerk agrees, then it passes at once, decided by the clerk', () => {
    const c = under(role(0), ['bob', 'cy'], [['bob', null]]);
    c.resolve('r1');
    expect(c.position('r1', 'bob', 'agree', at(1))).toEqual([
      'PositionTaken',
      'ProposalDecided',
      'ResolutionAdopted',
    ]);
    expect(c.proposal('r1').outcome).toMatchObject({ passed: true, decidedBy: 'bob', decidedAt: at(1) });
    expect(c.proposal('r1').outcome!.reasons).toEqual([
      { code: 'role_approved', params: { by: 'bob' }, text: 'A holder of the mandate approved it.' },
    ]);
  });

  it('when a member without the mandate agrees, then nothing is decided; at close no holder decided', () => {
    const c = under(role(0), ['bob', 'cy'], [['bob', null]]);
    c.resolve('r1');
    expect(c.position('r1', 'cy', 'agree')).toEqual(['PositionTaken']);
    expect(c.position('r1', 'ada', 'agree')).toEqual(['PositionTaken']);
    // everyone but the clerk took a position: a role decision does not settle early on participation
    expect(c.close('r1', at(168))).toEqual(['ProposalDecided']);
    expect(c.proposal('r1').outcome).toMatchObject({ passed: false, decidedBy: null });
    expect(c.proposal('r1').outcome!.reasons).toEqual([
      {
        code: 'role_no_decision',
        params: { deciders: 1 },
        text: 'No holder of the mandate decided before the closing time.',
      },
    ]);
  });

  it('when the holder proposes, then proposing is deciding', () => {
    const c = under(role(0), ['bob', 'cy'], [['bob', null]]);
    expect(c.resolve('r1', 'bob')).toEqual([
      'ProposalOpened',
      'PositionTaken',
      'ProposalDecided',
      'ResolutionAdopted',
    ]);
    expect(c.proposal('r1').outcome).toMatchObject({ passed: true, decidedBy: 'bob' });
    expect(c.s.positions.r1?.bob).toMatchObject({ stance: 'agree' });
  });

  it.each(['disagree', 'block'] as const)('when the holder says %s, then it is refused at once', (stance) => {
    const c = under(role(0), ['bob', 'cy'], [['bob', null]]);
    c.resolve('r1');
    expect(c.position('r1', 'bob', stance, at(2))).toEqual(['PositionTaken', 'ProposalDecided']);
    expect(c.proposal('r1')).toMatchObject({ status: 'rejected', execution: null });
    expect(c.proposal('r1').outcome).toMatchObject({ passed: false, decidedBy: 'bob', decidedAt: at(2) });
    expect(c.proposal('r1').outcome!.reasons[0]).toMatchObject({
      code: 'role_refused',
      params: { by: 'bob' },
    });
  });

  it('when the holder abstains, then nothing is decided', () => {
    const c = under(role(0), ['bob', 'cy'], [['bob', null]]);
    c.resolve('r1');
    expect(c.position('r1', 'bob', 'abstain')).toEqual(['PositionTaken']);
  });

  it('given no one holds the mandate, then it fails at close, saying so', () => {
    const c = under(role(0), ['bob', 'cy']);
    c.resolve('r1');
    for (const who of ['ada', 'bob', 'cy']) c.position('r1', who, 'agree');
    expect(c.proposal('r1').status).toBe('open');
    expect(c.close('r1', at(168))).toEqual(['ProposalDecided']);
    expect(c.proposal('r1').outcome!.reasons).toEqual([
      {
        code: 'role_no_decision',
        params: { deciders: 0 },
        text: 'No one holds a role whose mandate covers this action.',
      },
    ]);
  });

  it('given a role whose mandate covers another kind, then its holder does not decide this one', () => {
    const c = Scenario.given({
      rules: { resolution: role(0) },
      members: ['bob'],
      roles: [clerk([['bob', null]], ['create_role'] as never)],
    });
    expect(c.resolve('r1', 'bob')).toEqual(['ProposalOpened']);
  });

  it('given the holder’s term has ended, then the holder neither decides by proposing nor by agreeing', () => {
    const c = under(role(0), ['bob', 'cy'], [['bob', at(10)]]);
    // still in office at 9 hours
    expect(c.resolve('r0', 'bob', at(9))).toContain('ResolutionAdopted');
    // the term ends exactly at 10 hours
    expect(c.resolve('r1', 'bob', at(10))).toEqual(['ProposalOpened']);
    c.resolve('r2', 'ada', at(11));
    expect(c.position('r2', 'bob', 'agree', at(12))).toEqual(['PositionTaken']);
    expect(c.close('r2', at(11 + 168))).toEqual(['ProposalDecided']);
    expect(c.proposal('r2').outcome!.reasons[0]).toMatchObject({
      code: 'role_no_decision',
      params: { deciders: 0 },
    });
  });

  it('given a holder who joined after the proposal opened, then the holder may still decide it', () => {
    const c = Scenario.given({
      rules: { resolution: role(0), admit_member: consent(72) },
      members: ['bob'],
      roles: [clerk([['dan', null]])],
    });
    c.resolve('r1');
    c.propose('a1', { kind: 'admit_member', accountId: 'dan', displayName: 'Dan', classes: [] });
    c.position('a1', 'ada', 'agree');
    c.position('a1', 'bob', 'agree');
    expect(c.member('dan').status).toBe('member');
    // The electorate is the two members at the opening (admitted up to the second admission), not dan.
    expect(c.proposal('r1').electorate).toEqual({ admittedUpTo: 2, size: 2 });
    expect(['ada', 'bob', 'dan'].filter((a) => inElectorate(c.s.core, c.proposal('r1'), a))).toEqual([
      'ada',
      'bob',
    ]);
    expect(c.position('r1', 'dan', 'agree', at(1))).toEqual([
      'PositionTaken',
      'ProposalDecided',
      'ResolutionAdopted',
    ]);
    // the decider is not a participant of the electorate's count
    expect(c.proposal('r1').outcome).toMatchObject({
      decidedBy: 'dan',
      counts: { electorate: 2, participants: 0 },
    });
  });

  it('given two holders, when one approves and the other refuses, then it is refused and decided by the refuser', () => {
    const c = under(
      role(24),
      ['bob', 'cy'],
      [
        ['bob', null],
        ['cy', null],
      ],
    );
    c.resolve('r1');
    c.position('r1', 'bob', 'agree');
    expect(c.position('r1', 'cy', 'disagree', at(1))).toEqual(['PositionTaken', 'ProposalDecided']);
    expect(c.proposal('r1').outcome).toMatchObject({ passed: false, decidedBy: 'cy' });
    expect(c.proposal('r1').outcome!.reasons[0]).toMatchObject({
      code: 'role_refused',
      params: { by: 'cy' },
    });
  });
});

describe('role decides, with an objection window', () => {
  it('given a holder approved, when the window ends with no objection, then it passes', () => {
    const c = under(role(48), ['bob', 'cy'], [['bob', null]]);
    c.resolve('r1');
    expect(c.proposal('r1').closesAt).toBe(at(48));
    expect(c.position('r1', 'bob', 'agree', at(1))).toEqual(['PositionTaken']);
    // everyone agreeing does not cut the window short
    c.position('r1', 'ada', 'agree', at(1));
    c.position('r1', 'cy', 'agree', at(1));
    expect(c.proposal('r1').status).toBe('open');
    expect(c.error({ type: 'CloseProposal', proposalId: 'r1' }, null, at(47))).toBe('proposal_still_open');
    expect(c.close('r1', at(48))).toEqual(['ProposalDecided', 'ResolutionAdopted']);
    expect(c.proposal('r1').outcome).toMatchObject({ passed: true, decidedBy: 'bob', decidedAt: at(48) });
    expect(c.proposal('r1').outcome!.reasons).toEqual([
      {
        code: 'role_approved_no_objection',
        params: { by: 'bob', hours: 48 },
        text: 'A holder of the mandate approved and no member objected within 48 hours.',
      },
    ]);
  });

  it('when the holder proposes, then the proposal still waits out the window', () => {
    const c = under(role(48), ['bob', 'cy'], [['bob', null]]);
    expect(c.resolve('r1', 'bob')).toEqual(['ProposalOpened', 'PositionTaken']);
    expect(c.close('r1', at(48))).toEqual(['ProposalDecided', 'ResolutionAdopted']);
  });

  it('when a member objects (block) and the objection stands, then it fails', () => {
    const c = under(role(48), ['bob', 'cy'], [['bob', null]]);
    c.resolve('r1', 'bob');
    c.position('r1', 'cy', 'block', at(2));
    expect(c.close('r1', at(48))).toEqual(['ProposalDecided']);
    expect(c.proposal('r1').outcome).toMatchObject({ passed: false, decidedBy: 'bob' });
    expect(c.proposal('r1').outcome!.reasons[0]).toMatchObject({
      code: 'objection_stands',
      params: { objections: 1 },
    });
  });

  it('when the objection is changed to agreement before the window ends, then it passes', () => {
    const c = under(role(48), ['bob', 'cy'], [['bob', null]]);
    c.resolve('r1', 'bob');
    c.position('r1', 'cy', 'block', at(2));
    c.position('r1', 'cy', 'agree', at(47));
    expect(c.close('r1', at(48))).toEqual(['ProposalDecided', 'ResolutionAdopted']);
  });

  it('a disagreement is not an objection (block is)', () => {
    const c = under(role(48), ['bob', 'cy'], [['bob', null]]);
    c.resolve('r1', 'bob');
    c.position('r1', 'cy', 'disagree');
    expect(c.close('r1', at(48))).toEqual(['ProposalDecided', 'ResolutionAdopted']);
  });

  it('given no holder approved, then it fails at the end of the window', () => {
    const c = under(role(48), ['bob', 'cy'], [['bob', null]]);
    c.resolve('r1');
    expect(c.close('r1', at(48))).toEqual(['ProposalDecided']);
    expect(c.proposal('r1').outcome!.reasons[0]?.code).toBe('role_no_decision');
  });
});

describe('consent', () => {
  it('given no position at all, then it passes at close', () => {
    const c = under(consent(24));
    c.resolve('r1');
    expect(c.close('r1', at(24))).toEqual(['ProposalDecided', 'ResolutionAdopted']);
    expect(c.proposal('r1').outcome!.reasons).toEqual([
      {
        code: 'no_objection',
        params: { participants: 0, electorate: 3 },
        text: 'No objection stood at close (0 of 3 members took a position).',
      },
    ]);
  });

  it('when an objection stands at close, then it fails', () => {
    const c = under(consent(24));
    c.resolve('r1');
    c.position('r1', 'bob', 'block');
    c.position('r1', 'cy', 'block');
    expect(c.close('r1', at(24))).toEqual(['ProposalDecided']);
    expect(c.proposal('r1').outcome!.reasons[0]).toEqual({
      code: 'objection_stands',
      params: { objections: 2 },
      text: '2 objection(s) stood at close, so consent was not given.',
    });
  });

  it('when an objection is changed to agreement before close, then it passes', () => {
    const c = under(consent(24));
    c.resolve('r1');
    c.position('r1', 'bob', 'block', at(1));
    c.position('r1', 'bob', 'agree', at(23));
    expect(c.proposal('r1').positionCount).toBe(1);
    expect(c.close('r1', at(24))).toEqual(['ProposalDecided', 'ResolutionAdopted']);
    expect(c.proposal('r1').outcome!.counts).toMatchObject({ agree: 1, block: 0, participants: 1 });
  });

  it('disagreeing without objecting does not stop consent', () => {
    const c = under(consent(24));
    c.resolve('r1');
    c.position('r1', 'bob', 'disagree');
    expect(c.close('r1', at(24))).toEqual(['ProposalDecided', 'ResolutionAdopted']);
  });

  it('settles early only when every eligible member has taken a position', () => {
    const c = under(consent(24));
    c.resolve('r1');
    expect(c.position('r1', 'ada', 'agree')).toEqual(['PositionTaken']);
    expect(c.position('r1', 'bob', 'abstain')).toEqual(['PositionTaken']);
    expect(c.position('r1', 'cy', 'disagree', at(3))).toEqual([
      'PositionTaken',
      'ProposalDecided',
      'ResolutionAdopted',
    ]);
    expect(c.proposal('r1').outcome!.decidedAt).toBe(at(3));
  });

  it('when everyone has taken a position and one objects, then it fails at once', () => {
    const c = under(consent(24));
    c.resolve('r1');
    c.position('r1', 'ada', 'agree');
    c.position('r1', 'bob', 'agree');
    expect(c.position('r1', 'cy', 'block')).toEqual(['PositionTaken', 'ProposalDecided']);
    expect(c.proposal('r1').status).toBe('rejected');
  });

  it('refuses positions at and after the closing time, and closing before it', () => {
    const c = under(consent(24));
    c.resolve('r1');
    expect(c.error({ type: 'CloseProposal', proposalId: 'r1' }, null, at(23))).toBe('proposal_still_open');
    expect(
      c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'block', reason: '' }, 'bob', at(24)),
    ).toBe('proposal_closed');
  });
});

describe('consensus', () => {
  it.each([
    // electorate, participants, minParticipation, passes
    [4, 2, [1, 2], true],
    [4, 1, [1, 2], false],
    [3, 2, [1, 2], true],
    [3, 1, [1, 2], false],
    [3, 2, [2, 3], true],
    [6, 3, [2, 3], false],
    [6, 4, [2, 3], true],
    [5, 5, [1, 1], true],
    [5, 4, [1, 1], false],
  ] as const)(
    'with %i members, %i taking part and a minimum of %j: passes=%s',
    (size, taking, min, passes) => {
      const members = ['bob', 'cy', 'dan', 'eve', 'fay'].slice(0, size - 1);
      const c = under(consensus(24, min[0], min[1]), members);
      c.resolve('r1');
      const everyone = ['ada', ...members];
      // abstaining is taking part
      everyone.slice(0, taking).forEach((who, i) => c.position('r1', who, i % 2 === 0 ? 'agree' : 'abstain'));
      if (taking < size) c.close('r1', at(24));
      const o = c.proposal('r1').outcome!;
      expect(o.passed).toBe(passes);
      expect(o.reasons[0]?.code).toBe(passes ? 'consensus_reached' : 'participation_short');
      if (!passes) {
        expect(o.reasons[0]?.params).toEqual({
          participants: taking,
          electorate: size,
          required: `${min[0]}/${min[1]}`,
        });
      }
    },
  );

  it('when a member blocks, then there is no consensus whatever the participation', () => {
    const c = under(consensus(24, 1, 2));
    c.resolve('r1');
    c.position('r1', 'ada', 'agree');
    c.position('r1', 'bob', 'block');
    expect(c.close('r1', at(24))).toEqual(['ProposalDecided']);
    expect(c.proposal('r1').outcome!.reasons).toEqual([
      { code: 'blocked', params: { blocks: 1 }, text: '1 member(s) blocked, so there is no consensus.' },
    ]);
  });

  it('when a member blocks and too few took part, then both reasons are given, the block first', () => {
    const c = under(consensus(24, 2, 3));
    c.resolve('r1');
    c.position('r1', 'bob', 'block');
    c.close('r1', at(24));
    expect(c.proposal('r1').outcome!.reasons.map((r) => r.code)).toEqual(['blocked', 'participation_short']);
  });

  it('when the block is lifted before close, then consensus is reached', () => {
    const c = under(consensus(24, 1, 2));
    c.resolve('r1');
    c.position('r1', 'bob', 'block');
    c.position('r1', 'bob', 'agree', at(5));
    c.position('r1', 'cy', 'disagree', at(5));
    expect(c.close('r1', at(24))).toEqual(['ProposalDecided', 'ResolutionAdopted']);
  });

  it('settles early when everyone took part without a block', () => {
    const c = under(consensus(24, 1, 1));
    c.resolve('r1');
    c.position('r1', 'ada', 'agree');
    c.position('r1', 'bob', 'agree');
    expect(c.position('r1', 'cy', 'abstain')).toEqual([
      'PositionTaken',
      'ProposalDecided',
      'ResolutionAdopted',
    ]);
  });
});

describe('vote', () => {
  const four = ['bob', 'cy', 'dan'];
  const five = ['bob', 'cy', 'dan', 'eve'];

  /** Opens r1 under `procedure`, takes the positions in order and closes it if it is still open. */
  function decided(
    procedure: Procedure,
    members: string[],
    positions: [string, 'agree' | 'abstain' | 'disagree' | 'block'][],
  ) {
    const c = under(procedure, members);
    c.resolve('r1');
    for (const [who, stance] of positions) c.position('r1', who, stance);
    if (c.proposal('r1').status === 'open') c.close('r1', at(24));
    return c.proposal('r1').outcome!;
  }

  it.each([
    // threshold, strict, agree, disagree, passes
    [[1, 2], false, 2, 2, true],
    [[1, 2], true, 2, 2, false],
    [[1, 2], true, 3, 1, true],
    [[2, 3], false, 2, 1, true],
    [[2, 3], true, 2, 1, false],
    [[2, 3], false, 1, 1, false],
    [[2, 3], true, 3, 1, true],
  ] as const)(
    'threshold %j strict=%s with %i for and %i against: passes=%s',
    (threshold, strict, agree, against, passes) => {
      const voters = ['ada', ...five].slice(0, agree + against);
      const o = decided(
        vote([threshold[0], threshold[1]], { strict }),
        five,
        voters.map((who, i) => [who, i < agree ? 'agree' : 'disagree']),
      );
      expect(o.passed).toBe(passes);
      expect(o.reasons.at(-1)).toMatchObject({
        code: passes ? 'threshold_met' : 'threshold_not_met',
        params: { agree, against, threshold: `${threshold[0]}/${threshold[1]}` },
      });
    },
  );

  it('a strict threshold of one half is a simple majority: a tie fails', () => {
    const o = decided(vote([1, 2], { strict: true }), four, [
      ['ada', 'agree'],
      ['bob', 'disagree'],
    ]);
    expect(o.reasons.at(-1)!.text).toBe('1 agreed and 1 did not: more than 1/2 was needed.');
  });

  it.each([
    // members, turnout, quorum, met
    [4, 2, [1, 2], true],
    [4, 1, [1, 2], false],
    [5, 2, [1, 2], false],
    [5, 3, [1, 2], true],
    [3, 1, [1, 3], true],
    [5, 1, [0, 1], true],
    [5, 4, [1, 1], false],
  ] as const)(
    'with %i members and %i voting, a quorum of %j is met=%s (at the fraction counts)',
    (size, turnout, quorum, met) => {
      const members = five.slice(0, size - 1);
      const voters = ['ada', ...members].slice(0, turnout);
      const o = decided(
        vote([1, 2], { quorum: [quorum[0], quorum[1]] }),
        members,
        voters.map((who) => [who, 'agree']),
      );
      expect(o.passed).toBe(met);
      expect(o.reasons[0]?.code).toBe(met ? 'threshold_met' : 'quorum_not_met');
      if (!met) {
        expect(o.reasons[0]?.params).toEqual({
          turnout,
          electorate: size,
          quorum: `${quorum[0]}/${quorum[1]}`,
        });
      }
    },
  );

  describe('abstentions', () => {
    const positions: [string, 'agree' | 'abstain'][] = [
      ['ada', 'agree'],
      ['bob', 'abstain'],
    ];

    it("'quorum_only': an abstention counts toward the quorum but not the threshold", () => {
      const o = decided(
        vote([1, 2], { strict: true, quorum: [1, 2], abstentions: 'quorum_only' }),
        four,
        positions,
      );
      expect(o.passed).toBe(true);
      expect(o.reasons).toHaveLength(1);
      expect(o.reasons[0]).toMatchObject({ code: 'threshold_met', params: { agree: 1, against: 0 } });
      expect(o.counts).toMatchObject({ agree: 1, abstain: 1, participants: 2, electorate: 4 });
    });

    it("'ignored': an abstention counts toward neither", () => {
      const o = decided(
        vote([1, 2], { strict: true, quorum: [1, 2], abstentions: 'ignored' }),
        four,
        positions,
      );
      expect(o.passed).toBe(false);
      expect(o.reasons.map((r) => r.code)).toEqual(['quorum_not_met', 'threshold_met']);
      expect(o.reasons[0]?.params).toMatchObject({ turnout: 1 });
      // still a participant of the decision
      expect(o.participants).toEqual(['ada', 'bob']);
    });

    it("'ignored' without a quorum: abstentions do not dilute the threshold", () => {
      const o = decided(vote([1, 2], { strict: true, abstentions: 'ignored' }), four, [
        ['ada', 'agree'],
        ['bob', 'abstain'],
        ['cy', 'abstain'],
      ]);
      expect(o.passed).toBe(true);
    });

    it("'against': an abstention counts toward the quorum and as a vote against", () => {
      const strict = decided(
        vote([1, 2], { strict: true, quorum: [1, 2], abstentions: 'against' }),
        four,
        positions,
      );
      expect(strict.passed).toBe(false);
      expect(strict.reasons).toEqual([
        {
          code: 'threshold_not_met',
          params: { agree: 1, against: 1, threshold: '1/2' },
          text: '1 agreed and 1 did not: more than 1/2 was needed.',
        },
      ]);
      const atHalf = decided(vote([1, 2], { quorum: [1, 2], abstentions: 'against' }), four, positions);
      expect(atHalf.passed).toBe(true);
    });

    it('everyone abstaining never passes a vote (no votes for)', () => {
      for (const abstentions of ['quorum_only', 'ignored', 'against'] as const) {
        const o = decided(
          vote([1, 2], { abstentions }),
          ['bob'],
          [
            ['ada', 'abstain'],
            ['bob', 'abstain'],
          ],
        );
        expect(o.passed, abstentions).toBe(false);
        expect(o.reasons.at(-1)!.code).toBe('threshold_not_met');
      }
    });
  });

  it('a block counts as a vote against', () => {
    const o = decided(vote([1, 2], { strict: true }), four, [
      ['ada', 'agree'],
      ['bob', 'block'],
    ]);
    expect(o.passed).toBe(false);
    expect(o.counts).toMatchObject({ agree: 1, block: 1, disagree: 0 });
    expect(o.reasons[0]?.params).toMatchObject({ agree: 1, against: 1 });
  });

  it('settles early only when everyone eligible took a position, with the outcome as it stands', () => {
    const c = under(vote([1, 2], { strict: true, quorum: [1, 2] }), ['bob', 'cy']);
    c.resolve('r1');
    // already a majority of all three, yet still open: positions may change until close
    expect(c.position('r1', 'ada', 'agree')).toEqual(['PositionTaken']);
    expect(c.position('r1', 'bob', 'agree')).toEqual(['PositionTaken']);
    expect(c.position('r1', 'bob', 'disagree', at(1))).toEqual(['PositionTaken']);
    expect(c.position('r1', 'cy', 'disagree', at(2))).toEqual(['PositionTaken', 'ProposalDecided']);
    expect(c.proposal('r1').outcome).toMatchObject({
      passed: false,
      counts: { agree: 1, disagree: 2, participants: 3 },
    });
  });

  it('a member who left after taking a position still counts, and keeps the vote from settling early', () => {
    const c = under(vote([1, 2], { strict: true }), ['bob', 'cy', 'dan']);
    c.resolve('r1');
    c.position('r1', 'bob', 'agree');
    c.types({ type: 'LeaveCommons' }, 'bob');
    c.types({ type: 'LeaveCommons' }, 'dan');
    c.position('r1', 'ada', 'disagree');
    c.position('r1', 'cy', 'agree');
    // dan left without a position: not everyone eligible can still take one, so it waits for the close
    expect(c.proposal('r1').status).toBe('open');
    expect(c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'agree', reason: '' }, 'bob')).toBe(
      'not_a_member',
    );
    c.close('r1', at(24));
    expect(c.proposal('r1').outcome).toMatchObject({
      passed: true,
      counts: { agree: 2, disagree: 1, electorate: 4 },
    });
  });

  it('an outcome records the rule version, the procedure and who took part', () => {
    const procedure = vote([2, 3], { quorum: [1, 3], abstentions: 'against' });
    const c = under(procedure, ['bob', 'cy']);
    c.resolve('r1');
    c.position('r1', 'cy', 'agree');
    c.position('r1', 'bob', 'agree');
    c.close('r1', at(24));
    expect(c.proposal('r1').outcome).toMatchObject({
      ruleVersion: 1,
      procedure,
      participants: ['bob', 'cy'],
      decidedBy: null,
      counts: { agree: 2, abstain: 0, disagree: 0, block: 0, electorate: 3, participants: 2 },
    });
  });
});
