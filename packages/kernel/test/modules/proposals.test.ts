// The proposals module (src/modules/proposals.ts): SubmitProposal, TakePosition, PostComment, WithdrawProposal and
// CloseProposal, and the events of a proposal's life. How each procedure tallies is procedures.test.ts; each kind
// of action carried out is lifecycle.test.ts.
import { describe, expect, it } from 'vitest';
import { DomainError, inElectorate, type Action, type Command, type DomainEvent } from '../../src/index';
import { at, consent, foundingEvents, Scenario } from '../scenario';
import { applied, commented, opened, positionTaken, resolutionOpened, spec, stamped, submit } from './spec';

const resolution: Action = { kind: 'resolution', text: 'Paint the shed' };
const take = (proposalId: string, stance: string, reason = ''): Command =>
  ({ type: 'TakePosition', proposalId, stance, reason }) as Command;
const comment = (
  proposalId: string,
  commentId: string,
  text: string,
  replyTo: string | null = null,
): Command => ({
  type: 'PostComment',
  proposalId,
  commentId,
  text,
  replyTo,
});
const withdraw = (proposalId: string): Command => ({ type: 'WithdrawProposal', proposalId });
const close = (proposalId: string): Command => ({ type: 'CloseProposal', proposalId });

/** A commons of Ada, Bob and Cy with resolutions by consent over a day, and r1 open since T0 (all three vote). */
const withR1 = (...more: DomainEvent[]) => [
  ...foundingEvents({ rules: { resolution: consent(24) }, members: ['bob', 'cy'] }),
  resolutionOpened('r1', { electorate: ['ada', 'bob', 'cy'] }),
  ...more,
];

describe('SubmitProposal', () => {
  it('given a commons, when a member proposes, then exactly ProposalOpened under the rule in force', () => {
    const { state } = spec(foundingEvents({ members: ['bob'] }))
      .when(
        { type: 'SubmitProposal', proposalId: 'r1', title: ' Shed ', body: ' Green ', action: resolution },
        'bob',
        at(1),
      )
      .then([
        {
          type: 'ProposalOpened',
          data: {
            id: 'r1',
            title: 'Shed',
            body: 'Green',
            action: resolution,
            proposer: 'bob',
            closesAt: at(1 + 72),
            ruleVersion: 1,
            procedure: consent(72),
            electorate: { admittedUpTo: 2, size: 2 },
          },
        },
      ]);
    expect(state.proposals.r1).toMatchObject({
      status: 'open',
      openedAt: at(1),
      outcome: null,
      execution: null,
      positionCount: 0,
      commentCount: 0,
    });
    expect(state.positions.r1).toEqual({});
    expect(state.comments.r1).toEqual([]);
  });

  it('given a commons, when a member proposes a later closing time, then the proposal closes then', () => {
    spec(foundingEvents())
      .when(submit('r1', resolution, '2026-01-10T12:00:00+01:00'), 'ada')
      .thenMatch([{ type: 'ProposalOpened', data: { closesAt: '2026-01-10T11:00:00.000Z' } }]);
  });

  it.each([
    ['not a date', 'soon', /date and time/],
    ['before the rule allows', at(71), /open until at least/],
    ['more than a year away', at(24 * 367), /at most a year/],
  ])('given a commons, when the closing time is %s, then invalid_input', (_, closesAt, message) => {
    spec(foundingEvents())
      .when(submit('r1', resolution, closesAt), 'ada')
      .thenRefuses('invalid_input', message);
  });

  it('refuses a proposal from someone who is not a member, and writes nothing', () => {
    const c = Scenario.founded();
    const g = spec([c.log[0]!]);
    g.when(
      {
        type: 'SubmitProposal',
        proposalId: 'p',
        title: 't',
        body: '',
        action: { kind: 'resolution', text: 'x' },
      },
      'mallory',
    ).thenRefuses('not_a_member');
  });

  it.each([
    ['an applicant', 'eve'],
    ['the platform', null],
  ] as [string, string | null][])('given a commons, when %s proposes, then not_a_member', (_, who) => {
    spec([...foundingEvents(), applied('eve')])
      .when(submit('r1', resolution), who)
      .thenRefuses('not_a_member');
  });

  it('given a proposal r1, when another is proposed with the id r1, then proposal_exists', () => {
    spec(withR1()).when(submit('r1', resolution), 'bob').thenRefuses('proposal_exists');
  });

  it.each([
    ['no action', undefined],
    ['an action that is not an object', 'resolution'],
    ['an unknown kind of action', { kind: 'spend_money', amount: 5 }],
    ['an inherited name as its kind', { kind: 'toString' }],
  ])('given a commons, when a member proposes %s, then invalid_action', (_, action) => {
    spec(foundingEvents())
      .when(submit('r1', action as never), 'ada')
      .thenRefuses('invalid_action');
  });

  it('given a constitution whose rule is invalid, when that kind is proposed, then invalid_procedure', () => {
    const [created, ...rest] = foundingEvents();
    if (created?.type !== 'CommonsCreated') throw new Error('expected CommonsCreated');
    const constitution = {
      ...created.data.constitution,
      rules: { ...created.data.constitution.rules, resolution: { type: 'consent', hours: 0 } as const },
    };
    spec([{ ...created, data: { ...created.data, constitution } }, ...rest])
      .when(submit('r1', resolution), 'ada')
      .thenRefuses('invalid_procedure', /rule for "resolution" is invalid/);
  });

  it.each([
    ['an empty title', { title: ' ' }],
    ['an empty id', { proposalId: '' }],
    ['a body that is not text', { body: 3 }],
  ])('given a commons, when a member proposes with %s, then invalid_input', (_, o) => {
    spec(foundingEvents())
      .when({ ...submit('r1', resolution), ...o } as Command, 'ada')
      .thenRefuses('invalid_input');
  });

  it('keeps a member who joined after a proposal opened out of its electorate', () => {
    const c = Scenario.founded();
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'r1',
        title: 'Paint the shed',
        body: '',
        action: { kind: 'resolution', text: 'Paint it' },
      },
      'ada',
    );
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'p1',
        title: 'Bob',
        body: '',
        action: { kind: 'admit_member', accountId: 'bob', displayName: 'Bob', classes: [] },
      },
      'ada',
    );
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    expect(() =>
      c.run({ type: 'TakePosition', proposalId: 'r1', stance: 'agree', reason: '' }, 'bob'),
    ).toThrow(/joined after/);
  });
});

describe('text the stores can keep', () => {
  it('refuses NUL and unpaired surrogates, and counts length in code points', () => {
    const c = Scenario.founded();
    const propose = (title: string) =>
      c.types(
        {
          type: 'SubmitProposal',
          proposalId: `p${title.length}`,
          title,
          body: '',
          action: { kind: 'resolution', text: 'x' },
        },
        'ada',
      );
    expect(() => propose('a\u0000b')).toThrow(/NUL or an unpaired surrogate/);
    expect(() => propose('a\uD800b')).toThrow(/NUL or an unpaired surrogate/);
    // 200 emoji are 400 UTF-16 units but 200 characters: within the title limit.
    expect(propose('😀'.repeat(200))).toContain('ProposalOpened');
    expect(() => propose('😀'.repeat(201))).toThrow(/longer than 200/);
  });
});

describe('TakePosition', () => {
  it('given an open proposal, when a voter takes a position, then exactly PositionTaken, counted once', () => {
    const { state } = spec(withR1())
      .when(take('r1', 'block', ' not yet '), 'bob', at(2))
      .then([
        {
          type: 'PositionTaken',
          data: { proposalId: 'r1', accountId: 'bob', stance: 'block', reason: 'not yet' },
        },
      ]);
    expect(state.positions.r1?.bob).toEqual({
      accountId: 'bob',
      stance: 'block',
      reason: 'not yet',
      at: at(2),
      counted: true,
    });
    expect(state.proposals.r1?.positionCount).toBe(1);
  });

  it('given a position, when the voter changes it, then it replaces the first and the count stays', () => {
    const { state } = spec(withR1(stamped(positionTaken('r1', 'bob', 'block'), at(1), 'bob')))
      .when(take('r1', 'agree'), 'bob', at(2))
      .thenTypes(['PositionTaken']);
    expect(state.positions.r1?.bob).toMatchObject({ stance: 'agree', at: at(2) });
    expect(state.proposals.r1?.positionCount).toBe(1);
  });

  it('given two positions, when the last voter takes one, then the proposal is settled at once', () => {
    spec(withR1(positionTaken('r1', 'ada', 'agree'), positionTaken('r1', 'bob', 'abstain')))
      .when(take('r1', 'disagree'), 'cy', at(3))
      .thenMatch([
        { type: 'PositionTaken' },
        {
          type: 'ProposalDecided',
          data: {
            proposalId: 'r1',
            outcome: { passed: true, decidedAt: at(3), participants: ['ada', 'bob', 'cy'] },
          },
        },
        { type: 'ResolutionAdopted', data: { proposalId: 'r1', text: 'Resolution r1' } },
      ]);
  });

  it('given no such proposal, when a member takes a position, then proposal_not_found', () => {
    spec(withR1()).when(take('r9', 'agree'), 'bob').thenRefuses('proposal_not_found');
  });

  it.each([
    ['someone who never joined', 'mallory'],
    ['an applicant', 'eve'],
    ['the platform', null],
  ] as [string, string | null][])(
    'given an open proposal, when %s takes a position, then not_a_member',
    (_, who) => {
      spec(withR1(applied('eve')))
        .when(take('r1', 'agree'), who)
        .thenRefuses('not_a_member');
    },
  );

  it('given a member admitted after it opened, when they take a position, then not_in_electorate', () => {
    spec(
      withR1({
        type: 'MemberAdmitted',
        data: { proposalId: 'x', accountId: 'dan', displayName: 'Dan', classes: ['member'] },
      }),
    )
      .when(take('r1', 'agree'), 'dan')
      .thenRefuses('not_in_electorate', /joined after/);
  });

  it.each([
    ['at its closing time', withR1(), at(24)],
    ['after it was withdrawn', withR1({ type: 'ProposalWithdrawn', data: { proposalId: 'r1' } }), at(1)],
  ])('given a proposal, when a voter takes a position %s, then proposal_closed', (_, history, when) => {
    spec(history).when(take('r1', 'agree'), 'bob', when).thenRefuses('proposal_closed');
  });

  it('given an open proposal, when the stance is not one of the four, then invalid_input', () => {
    spec(withR1()).when(take('r1', 'maybe'), 'bob').thenRefuses('invalid_input');
    spec(withR1())
      .when(take('r1', 'agree', 'x'.repeat(2_001)), 'bob')
      .thenRefuses('invalid_input');
  });
});

describe('the electorate is fixed when a proposal opens', () => {
  it('members admitted later cannot take a position; the count stays as it was', () => {
    const c = Scenario.given({
      rules: { resolution: consent(24), admit_member: { type: 'automatic' } },
      members: ['cy', 'bob'],
    });
    c.resolve('r1');
    // ada, cy and bob, admitted first to third.
    expect(c.proposal('r1').electorate).toEqual({ admittedUpTo: 3, size: 3 });
    c.propose('p', { kind: 'admit_member', accountId: 'dan', displayName: 'Dan', classes: [] });
    expect(c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'block', reason: '' }, 'dan')).toBe(
      'not_in_electorate',
    );
    c.close('r1', at(24));
    expect(c.proposal('r1').outcome!.counts.electorate).toBe(3);
    expect(['ada', 'bob', 'cy', 'dan'].filter((a) => inElectorate(c.s.core, c.proposal('r1'), a))).toEqual([
      'ada',
      'bob',
      'cy',
    ]);
  });

  it('refuses a position from someone who is not a member at all', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) } });
    c.resolve('r1');
    expect(c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'block', reason: '' }, 'mallory')).toBe(
      'not_a_member',
    );
    expect(
      c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'maybe' as never, reason: '' }, 'ada'),
    ).toBe('invalid_input');
  });
});

describe('consent through the commons', () => {
  it('passes at close when no objection stands, and carries the action out exactly once', () => {
    const c = Scenario.founded();
    c.admit('bob', 'p1');
    expect(c.proposal('p1').status).toBe('open');
    expect(c.proposal('p1').closesAt).toBe(at(72));
    expect(() => c.run({ type: 'CloseProposal', proposalId: 'p1' }, null, at(1))).toThrow(/closes at/);
    expect(c.types({ type: 'CloseProposal', proposalId: 'p1' }, null, at(72))).toEqual([
      'ProposalDecided',
      'MemberAdmitted',
    ]);
    expect(c.member('bob').status).toBe('member');
    expect(() => c.run({ type: 'CloseProposal', proposalId: 'p1' }, null, at(73))).toThrow(/already closed/);
  });

  it('settles early when every eligible member has taken a position', () => {
    const c = Scenario.founded();
    c.admit('bob', 'p1');
    const types = c.types(
      { type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: 'welcome' },
      'ada',
    );
    expect(types).toEqual(['PositionTaken', 'ProposalDecided', 'MemberAdmitted']);
    const p = c.proposal('p1');
    expect(p.status).toBe('passed');
    expect(p.outcome).toMatchObject({ passed: true, ruleVersion: 1, participants: ['ada'] });
    expect(p.outcome!.reasons[0]?.code).toBe('no_objection');
    expect(c.member('bob').status).toBe('member');
    // carried out exactly once: a closed proposal cannot be closed or voted again
    expect(() => c.run({ type: 'CloseProposal', proposalId: 'p1' }, null, at(100))).toThrow(/already closed/);
  });

  it('fails at close when an objection stands, naming the objections', () => {
    const c = Scenario.founded();
    c.admit('bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    c.admit('cy', 'p2');
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'block', reason: 'not yet' }, 'bob');
    expect(c.proposal('p2').status).toBe('open');
    expect(c.types({ type: 'CloseProposal', proposalId: 'p2' }, null, at(72))).toEqual(['ProposalDecided']);
    expect(c.proposal('p2').outcome!.reasons[0]).toMatchObject({
      code: 'objection_stands',
      params: { objections: 1 },
    });
    expect(c.s.core.members.cy).toBeUndefined();
  });

  it('lets a member change a position until close, and refuses after it', () => {
    const c = Scenario.founded();
    c.admit('bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    c.admit('cy', 'p2');
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'block', reason: '' }, 'bob');
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'abstain', reason: 'ok then' }, 'bob', at(1));
    expect(c.proposal('p2').positionCount).toBe(1);
    expect(() =>
      c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'agree', reason: '' }, 'bob', at(73)),
    ).toThrow(DomainError);
    c.run({ type: 'CloseProposal', proposalId: 'p2' }, null, at(73));
    expect(c.member('cy').status).toBe('member');
  });
});

describe('PostComment', () => {
  it('given an open proposal, when a member comments, then exactly CommentPosted, counted', () => {
    const { state } = spec(withR1())
      .when(comment('r1', 'k1', ' Why green? '), 'bob', at(1))
      .then([
        {
          type: 'CommentPosted',
          data: { id: 'k1', proposalId: 'r1', accountId: 'bob', text: 'Why green?', replyTo: null },
        },
      ]);
    expect(state.comments.r1).toEqual([
      { id: 'k1', proposalId: 'r1', accountId: 'bob', text: 'Why green?', replyTo: null, at: at(1) },
    ]);
    expect(state.proposals.r1?.commentCount).toBe(1);
  });

  it('given a comment, when a member replies to it, then the reply names it', () => {
    spec(withR1(commented('r1', 'k1', 'bob')))
      .when(comment('r1', 'k2', 'Because.', 'k1'), 'ada')
      .thenMatch([{ type: 'CommentPosted', data: { id: 'k2', replyTo: 'k1' } }]);
  });

  it('given a decided proposal, when a member comments, then the discussion goes on', () => {
    spec(withR1({ type: 'ProposalWithdrawn', data: { proposalId: 'r1' } }))
      .when(comment('r1', 'k1', 'Pity.'), 'cy')
      .thenTypes(['CommentPosted']);
  });

  it('a comment id is used once per proposal; a reply names an existing comment', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) }, members: ['bob'] });
    c.resolve('r1');
    c.types({ type: 'PostComment', proposalId: 'r1', commentId: 'k1', text: 'Why?', replyTo: null }, 'bob');
    expect(
      c.error(
        { type: 'PostComment', proposalId: 'r1', commentId: 'k1', text: 'Again', replyTo: null },
        'ada',
      ),
    ).toBe('invalid_input');
    expect(
      c.error({ type: 'PostComment', proposalId: 'r1', commentId: 'k2', text: 'x', replyTo: 'k9' }, 'ada'),
    ).toBe('comment_not_found');
    c.types(
      { type: 'PostComment', proposalId: 'r1', commentId: 'k2', text: 'Because.', replyTo: 'k1' },
      'ada',
    );
    expect(c.proposal('r1').commentCount).toBe(2);
    expect(c.rebuilt()).toEqual(c.s);
  });

  it('given a comment k1 on another proposal, when a reply to k1 is posted here, then comment_not_found', () => {
    spec(withR1(resolutionOpened('r2'), commented('r2', 'k1', 'bob')))
      .when(comment('r1', 'k2', 'x', 'k1'), 'ada')
      .thenRefuses('comment_not_found');
  });

  it.each([
    ['an empty text', comment('r1', 'k1', '  ')],
    ['an empty id', comment('r1', '', 'x')],
    ['a text longer than its limit', comment('r1', 'k1', 'x'.repeat(10_001))],
  ])('given an open proposal, when a member comments with %s, then invalid_input', (_, command) => {
    spec(withR1()).when(command, 'bob').thenRefuses('invalid_input');
  });

  it('given an open proposal, when someone who is not a member comments, then not_a_member', () => {
    spec(withR1())
      .when(comment('r1', 'k1', 'x'), 'mallory')
      .thenRefuses('not_a_member');
  });

  it('given no such proposal, when a member comments, then proposal_not_found', () => {
    spec(withR1())
      .when(comment('r9', 'k1', 'x'), 'bob')
      .thenRefuses('proposal_not_found');
  });
});

describe('WithdrawProposal', () => {
  it('given an open proposal, when its proposer withdraws it, then exactly ProposalWithdrawn', () => {
    const { state } = spec(withR1())
      .when(withdraw('r1'), 'ada', at(1))
      .then([{ type: 'ProposalWithdrawn', data: { proposalId: 'r1' } }]);
    expect(state.proposals.r1).toMatchObject({ status: 'withdrawn', outcome: null, execution: null });
  });

  it('given an open application, when the applicant withdraws it, then they are declined', () => {
    const application = opened(
      'a1',
      { kind: 'admit_member', accountId: 'eve', displayName: 'eve', classes: ['member'] },
      { proposer: 'eve' },
    );
    const { state } = spec([...foundingEvents(), applied('eve'), application])
      .when(withdraw('a1'), 'eve')
      .then([
        { type: 'ProposalWithdrawn', data: { proposalId: 'a1' } },
        { type: 'ApplicationDeclined', data: { proposalId: 'a1', accountId: 'eve' } },
      ]);
    expect(state.core.members.eve?.status).toBe('declined');
  });

  it('only the proposer withdraws', () => {
    const c = Scenario.founded();
    c.admit('bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    c.admit('cy', 'p2');
    expect(() => c.run({ type: 'WithdrawProposal', proposalId: 'p2' }, 'bob')).toThrow(/Only the proposer/);
    expect(c.types({ type: 'WithdrawProposal', proposalId: 'p2' }, 'ada')).toEqual(['ProposalWithdrawn']);
  });

  it('only the proposer withdraws (nor the platform)', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) }, members: ['bob'] });
    c.resolve('r1');
    expect(c.error({ type: 'WithdrawProposal', proposalId: 'r1' }, 'bob')).toBe('not_proposer');
    expect(c.error({ type: 'WithdrawProposal', proposalId: 'r1' }, null)).toBe('not_proposer');
  });

  it('a withdrawn proposal cannot be voted on, closed or withdrawn again, even after its closing time', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) }, members: ['bob'] });
    c.resolve('r1');
    c.position('r1', 'bob', 'agree');
    expect(c.types({ type: 'WithdrawProposal', proposalId: 'r1' }, 'ada', at(1))).toEqual([
      'ProposalWithdrawn',
    ]);
    expect(c.proposal('r1')).toMatchObject({ status: 'withdrawn', outcome: null, execution: null });
    expect(
      c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'agree', reason: '' }, 'ada', at(2)),
    ).toBe('proposal_closed');
    expect(c.error({ type: 'CloseProposal', proposalId: 'r1' }, null, at(24))).toBe('proposal_closed');
    expect(c.error({ type: 'WithdrawProposal', proposalId: 'r1' }, 'ada', at(2))).toBe('proposal_closed');
    expect(c.logged('ProposalDecided')).toHaveLength(0);
  });

  it('a proposal past its closing time can no longer be withdrawn: its outcome is already fixed', () => {
    const c = Scenario.given({ rules: { resolution: consent(24) }, members: ['bob'] });
    c.resolve('r1');
    c.position('r1', 'bob', 'block');
    expect(c.error({ type: 'WithdrawProposal', proposalId: 'r1' }, 'ada', at(24))).toBe('proposal_closed');
    expect(c.close('r1', at(25))).toEqual(['ProposalDecided']);
  });

  it('an applicant who withdraws their application is declined', () => {
    const c = Scenario.given({ rules: { admit_member: consent(24) } });
    c.types(
      { type: 'ApplyForMembership', proposalId: 'a1', displayName: 'Eve', classes: [], statement: '' },
      'eve',
    );
    expect(c.types({ type: 'WithdrawProposal', proposalId: 'a1' }, 'eve')).toEqual([
      'ProposalWithdrawn',
      'ApplicationDeclined',
    ]);
    expect(c.member('eve').status).toBe('declined');
  });

  it('given a member who proposed and then left, when they withdraw, then it is refused', () => {
    const c = Scenario.given({ members: ['bob'] });
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'p1',
        title: 't',
        body: '',
        action: { kind: 'resolution', text: 'x' },
      },
      'bob',
    );
    c.run({ type: 'LeaveCommons' }, 'bob', at(1));
    expect(c.error({ type: 'WithdrawProposal', proposalId: 'p1' }, 'bob', at(2))).toBe('not_a_member');
  });

  it('an applicant withdraws their own application', () => {
    const c = Scenario.given();
    c.run(
      { type: 'ApplyForMembership', proposalId: 'p1', displayName: 'Zed', classes: [], statement: '' },
      'zed',
    );
    expect(c.types({ type: 'WithdrawProposal', proposalId: 'p1' }, 'zed', at(1))).toEqual([
      'ProposalWithdrawn',
      'ApplicationDeclined',
    ]);
  });

  it('given no such proposal, when a member withdraws it, then proposal_not_found', () => {
    spec(withR1()).when(withdraw('r9'), 'ada').thenRefuses('proposal_not_found');
  });
});

describe('CloseProposal', () => {
  it('given a proposal due with no objection, when the platform closes it, then exactly its decision and effect', () => {
    const { state } = spec(withR1())
      .when(close('r1'), null, at(24))
      .then([
        {
          type: 'ProposalDecided',
          data: {
            proposalId: 'r1',
            outcome: {
              passed: true,
              ruleVersion: 1,
              procedure: consent(24),
              participants: [],
              counts: { agree: 0, abstain: 0, disagree: 0, block: 0, electorate: 3, participants: 0 },
              reasons: [
                {
                  code: 'no_objection',
                  params: { participants: 0, electorate: 3 },
                  text: 'No objection stood at close (0 of 3 members took a position).',
                },
              ],
              decidedAt: at(24),
              decidedBy: null,
            },
          },
        },
        { type: 'ResolutionAdopted', data: { proposalId: 'r1', text: 'Resolution r1' } },
      ]);
    expect(state.proposals.r1).toMatchObject({ status: 'passed', execution: { done: true, error: null } });
  });

  it('given a standing objection, when it is closed, then it is rejected and nothing is carried out', () => {
    const { state } = spec(withR1(positionTaken('r1', 'cy', 'block')))
      .when(close('r1'), null, at(30))
      .thenMatch([{ type: 'ProposalDecided', data: { outcome: { passed: false, decidedAt: at(30) } } }]);
    expect(state.proposals.r1).toMatchObject({ status: 'rejected', execution: null });
  });

  it('given an open proposal, when it is closed before its time, then proposal_still_open', () => {
    const error = spec(withR1()).when(close('r1'), null, at(23)).thenRefuses('proposal_still_open');
    expect(error.details).toEqual({ closesAt: at(24) });
  });

  it.each([
    ['decided', { type: 'ProposalDecided', data: { proposalId: 'r1', outcome: {} } }],
    ['withdrawn', { type: 'ProposalWithdrawn', data: { proposalId: 'r1' } }],
  ] as [string, DomainEvent][])('given a proposal %s, when it is closed, then proposal_closed', (_, e) => {
    spec(withR1(e)).when(close('r1'), null, at(48)).thenRefuses('proposal_closed');
  });

  it('given no such proposal, when it is closed, then proposal_not_found', () => {
    spec(withR1()).when(close('r9'), null, at(48)).thenRefuses('proposal_not_found');
  });
});

describe('a passed action that can no longer be carried out', () => {
  it('given ActionFailed, then the proposal passed but its execution records the error', () => {
    const { state } = spec(
      withR1(
        { type: 'ProposalDecided', data: { proposalId: 'r1', outcome: { passed: true } as never } },
        { type: 'ActionFailed', data: { proposalId: 'r1', error: 'That person is not a member.' } },
      ),
    );
    expect(state?.proposals.r1).toMatchObject({
      status: 'passed',
      execution: { done: false, error: 'That person is not a member.' },
    });
  });

  it('given ResolutionAdopted, then nothing changes but the log', () => {
    const before = spec(withR1()).state;
    const after = spec(withR1({ type: 'ResolutionAdopted', data: { proposalId: 'r1', text: 'x' } })).state;
    expect(after).toEqual(before);
  });

  it('an event about a proposal that does not exist is a bug, not a state', () => {
    expect(() => spec(withR1(positionTaken('r9', 'bob', 'agree')))).toThrow(/refers to proposal "r9"/);
  });
});

describe('the given state', () => {
  it('is frozen: a decider cannot write to it', () => {
    const { state } = spec(withR1());
    expect(Object.isFrozen(state?.proposals.r1)).toBe(true);
    expect(Object.isFrozen(state?.core.members)).toBe(true);
  });
});
