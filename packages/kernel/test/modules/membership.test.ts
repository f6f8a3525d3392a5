// The membership module (src/modules/membership.ts): ApplyForMembership and LeaveCommons, and the events that
// admit, decline, remove and record a departure.
import { describe, expect, it } from 'vitest';
import { inElectorate, type Command, type DomainEvent } from '../../src/index';
import { must } from '../must';
import { at, consent, foundingEvents, role, Scenario, T0 } from '../scenario';
import { applied, opened, resolutionOpened, spec, stamped, submit } from './spec';

const clerk = {
  id: 'clerk',
  name: 'Clerk',
  description: '',
  mandate: ['resolution' as const],
  termDays: 30,
  holders: [['bob', null]] as [string, string | null][],
};

const apply = (
  proposalId = 'a1',
  o: { displayName?: string; classes?: string[]; statement?: string } = {},
): Command => ({
  type: 'ApplyForMembership',
  proposalId,
  displayName: o.displayName ?? 'Eve',
  classes: o.classes ?? [],
  statement: o.statement ?? '',
});

describe('ApplyForMembership', () => {
  it('given a commons, when Eve applies, then she is an applicant and a proposal to admit her opens', () => {
    const { state } = spec(foundingEvents({ members: ['bob'] }))
      .when(apply('a1', { displayName: ' Eve ', statement: ' I grow beans ' }), 'eve', at(1))
      .then([
        {
          type: 'MembershipApplied',
          data: { accountId: 'eve', displayName: 'Eve', classes: ['member'], statement: 'I grow beans' },
        },
        {
          type: 'ProposalOpened',
          data: {
            id: 'a1',
            title: 'Admit Eve',
            body: 'I grow beans',
            action: { kind: 'admit_member', accountId: 'eve', displayName: 'Eve', classes: ['member'] },
            proposer: 'eve',
            closesAt: at(1 + 72),
            ruleVersion: 1,
            procedure: consent(72),
            // The members now, as a rule and a number: ada (admission 1) and bob (2).
            electorate: { admittedUpTo: 2, size: 2 },
          },
        },
      ]);
    expect(state.core.members.eve).toEqual({
      accountId: 'eve',
      displayName: 'Eve',
      classes: ['member'],
      status: 'applicant',
      since: at(1),
      admission: 0,
    });
    expect(state.proposals.a1).toMatchObject({ status: 'open', proposer: 'eve' });
  });

  it('under do-ocracy an applicant is admitted at once', () => {
    const c = Scenario.founded('do-ocracy');
    const types = c.types(
      { type: 'ApplyForMembership', proposalId: 'a1', displayName: 'Dee', classes: [], statement: 'hi' },
      'dee',
    );
    expect(types).toEqual(['MembershipApplied', 'ProposalOpened', 'ProposalDecided', 'MemberAdmitted']);
    expect(c.member('dee').status).toBe('member');
  });

  it('under the co-operative template the membership secretary admits, after an objection window', () => {
    const c = Scenario.founded('multi-stakeholder-coop');
    c.run(
      {
        type: 'ApplyForMembership',
        proposalId: 'a1',
        displayName: 'Eve',
        classes: ['guardians'],
        statement: '',
      },
      'eve',
    );
    expect(c.member('eve').status).toBe('applicant');
    c.run({ type: 'TakePosition', proposalId: 'a1', stance: 'agree', reason: 'speaks for the river' }, 'ada');
    expect(c.proposal('a1').status).toBe('open');
    c.run({ type: 'CloseProposal', proposalId: 'a1' }, null, at(72));
    expect(c.proposal('a1').outcome!.reasons[0]?.code).toBe('role_approved_no_objection');
    expect(c.member('eve')).toMatchObject({ status: 'member', classes: ['guardians'] });
  });

  it('rejects an unknown stakeholder class', () => {
    const c = Scenario.founded('multi-stakeholder-coop');
    expect(() =>
      c.run(
        {
          type: 'ApplyForMembership',
          proposalId: 'a1',
          displayName: 'Eve',
          classes: ['owners'],
          statement: '',
        },
        'eve',
      ),
    ).toThrow(/no stakeholder class "owners"/);
    expect(
      c.error(
        {
          type: 'ApplyForMembership',
          proposalId: 'a1',
          displayName: 'Eve',
          classes: ['owners'],
          statement: '',
        },
        'eve',
      ),
    ).toBe('unknown_class');
  });

  it('given a member, when they apply, then already_member', () => {
    spec(foundingEvents({ members: ['bob'] }))
      .when(apply('a1', { displayName: 'Bob' }), 'bob')
      .thenRefuses('already_member');
  });

  it('given an applicant, when they apply again, then already_applied', () => {
    spec([
      ...foundingEvents(),
      applied('eve'),
      opened(
        'a1',
        { kind: 'admit_member', accountId: 'eve', displayName: 'eve', classes: ['member'] },
        {
          proposer: 'eve',
        },
      ),
    ])
      .when(apply('a2'), 'eve')
      .thenRefuses('already_applied');
  });

  it('given a member who left, when they apply again, then they are an applicant again', () => {
    spec([...foundingEvents({ members: ['bob'] }), { type: 'MemberLeft', data: { accountId: 'bob' } }])
      .when(apply('a1', { displayName: 'Bob' }), 'bob', at(2))
      .thenTypes(['MembershipApplied', 'ProposalOpened']);
  });

  it('given a commons, when the platform (no person) applies, then not_a_member', () => {
    spec(foundingEvents()).when(apply(), null).thenRefuses('not_a_member');
  });

  it.each([
    ['an empty display name', { displayName: '  ' }],
    ['a display name that claims a title', { displayName: 'Eve, moderator' }],
    ['a statement longer than its limit', { statement: 'x'.repeat(2_001) }],
  ])('given a commons, when Eve applies with %s, then invalid_input', (_, o) => {
    spec(foundingEvents()).when(apply('a1', o), 'eve').thenRefuses('invalid_input');
  });

  it('given a proposal a1, when Eve applies with the id a1, then proposal_exists', () => {
    spec([...foundingEvents(), resolutionOpened('a1')])
      .when(apply('a1'), 'eve')
      .thenRefuses('proposal_exists');
  });
});

describe('the admission proposal', () => {
  const run = (c: Scenario, who: string, pid: string, when = T0) =>
    c.types(
      { type: 'ApplyForMembership', proposalId: pid, displayName: who, classes: [], statement: 'hello' },
      who,
      when,
    );

  it('an applicant is not in the electorate of their own application, and cannot act as a member', () => {
    const c = Scenario.given({ rules: { admit_member: consent(24) }, members: ['bob'] });
    expect(run(c, 'eve', 'a1')).toEqual(['MembershipApplied', 'ProposalOpened']);
    expect(c.proposal('a1')).toMatchObject({
      proposer: 'eve',
      electorate: { admittedUpTo: 2, size: 2 },
      body: 'hello',
    });
    expect(['ada', 'bob', 'eve'].filter((a) => inElectorate(c.s.core, c.proposal('a1'), a))).toEqual([
      'ada',
      'bob',
    ]);
    expect(c.error({ type: 'TakePosition', proposalId: 'a1', stance: 'agree', reason: '' }, 'eve')).toBe(
      'not_a_member',
    );
    expect(
      c.error({ type: 'PostComment', proposalId: 'a1', commentId: 'k', text: 'hi', replyTo: null }, 'eve'),
    ).toBe('not_a_member');
    expect(
      c.error(
        { type: 'ApplyForMembership', proposalId: 'a2', displayName: 'Eve', classes: [], statement: '' },
        'eve',
      ),
    ).toBe('already_applied');
  });

  it('when the admission fails, then the applicant is declined, and may apply again', () => {
    const c = Scenario.given({ rules: { admit_member: consent(24) }, members: ['bob'] });
    run(c, 'eve', 'a1');
    c.position('a1', 'bob', 'block');
    expect(c.close('a1', at(24))).toEqual(['ProposalDecided', 'ApplicationDeclined']);
    expect(c.member('eve').status).toBe('declined');
    expect(run(c, 'eve', 'a2', at(25))).toEqual(['MembershipApplied', 'ProposalOpened']);
    expect(c.member('eve')).toMatchObject({ status: 'applicant', since: at(25) });
    expect(c.close('a2', at(49))).toEqual(['ProposalDecided', 'MemberAdmitted']);
    expect(c.member('eve')).toMatchObject({ status: 'member', since: at(49) });
  });

  it('given no one holds the mandate to admit, then applications are declined at close', () => {
    const c = Scenario.given({ rules: { admit_member: role(72) } });
    run(c, 'eve', 'a1');
    expect(c.close('a1', at(72))).toEqual(['ProposalDecided', 'ApplicationDeclined']);
  });

  it('given a member also proposed to admit the applicant, when that fails, then the open application still stands', () => {
    const c = Scenario.given({ rules: { admit_member: consent(24) }, members: ['bob'] });
    run(c, 'eve', 'a1', at(1));
    c.propose('m1', { kind: 'admit_member', accountId: 'eve', displayName: 'Eve', classes: [] }, 'bob');
    c.position('m1', 'ada', 'block');
    expect(c.close('m1', at(24))).toEqual(['ProposalDecided']);
    expect(c.member('eve').status).toBe('applicant');
    expect(c.close('a1', at(25))).toEqual(['ProposalDecided', 'MemberAdmitted']);
  });

  it('given a member also proposed to admit the applicant, when it is withdrawn, then the application still stands', () => {
    const c = Scenario.given({ rules: { admit_member: consent(24) }, members: ['bob'] });
    run(c, 'eve', 'a1');
    c.propose('m1', { kind: 'admit_member', accountId: 'eve', displayName: 'Eve', classes: [] }, 'bob');
    expect(c.types({ type: 'WithdrawProposal', proposalId: 'm1' }, 'bob')).toEqual(['ProposalWithdrawn']);
    expect(c.member('eve').status).toBe('applicant');
  });

  it('given the applicant was admitted by another proposal, then their own application passing fails harmlessly', () => {
    const c = Scenario.given({ rules: { admit_member: consent(24) }, members: ['bob'] });
    run(c, 'eve', 'a1');
    c.propose('m1', { kind: 'admit_member', accountId: 'eve', displayName: 'Eve', classes: [] }, 'bob');
    c.position('m1', 'ada', 'agree');
    c.position('m1', 'bob', 'agree');
    expect(c.member('eve').status).toBe('member');
    expect(c.close('a1', at(24))).toEqual(['ProposalDecided', 'ActionFailed']);
    expect(c.member('eve').status).toBe('member');
  });
});

describe('LeaveCommons', () => {
  it('given two members, when Bob leaves, then exactly MemberLeft, and he has left', () => {
    const { state } = spec(foundingEvents({ members: ['bob'] }))
      .when({ type: 'LeaveCommons' }, 'bob', at(3))
      .then([{ type: 'MemberLeft', data: { accountId: 'bob' } }]);
    expect(state.core.members.bob).toMatchObject({ status: 'left' });
  });

  it('the last member cannot leave; others can', () => {
    const c = Scenario.founded();
    expect(() => c.run({ type: 'LeaveCommons' }, 'ada')).toThrow(/last member/);
    c.admit('bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    expect(c.types({ type: 'LeaveCommons' }, 'bob')).toEqual(['MemberLeft']);
  });

  it('given one member and an applicant, when the member leaves, then last_member (an applicant is no member)', () => {
    spec([...foundingEvents(), applied('eve')])
      .when({ type: 'LeaveCommons' }, 'ada')
      .thenRefuses('last_member');
  });

  it.each([
    ['someone who never joined', 'mallory'],
    ['an applicant', 'eve'],
    ['a member who has left', 'bob'],
    ['the platform', null],
  ] as [string, string | null][])('given a commons, when %s leaves, then not_a_member', (_, who) => {
    spec([
      ...foundingEvents({ members: ['bob', 'cy'] }),
      applied('eve'),
      stamped({ type: 'MemberLeft', data: { accountId: 'bob' } }, at(1), 'bob'),
    ])
      .when({ type: 'LeaveCommons' }, who, at(2))
      .thenRefuses('not_a_member');
  });
});

describe('leaving and removal end role holdings', () => {
  it('when a holder leaves, then they hold no role and cannot decide', () => {
    const c = Scenario.given({ rules: { resolution: role(0) }, members: ['bob', 'cy'], roles: [clerk] });
    c.resolve('r1');
    expect(c.types({ type: 'LeaveCommons' }, 'bob')).toEqual(['MemberLeft']);
    expect(c.member('bob').status).toBe('left');
    expect(c.role('clerk').holders).toEqual([]);
    expect(c.error({ type: 'TakePosition', proposalId: 'r1', stance: 'agree', reason: '' }, 'bob')).toBe(
      'not_a_member',
    );
    expect(c.error({ type: 'LeaveCommons' }, 'bob')).toBe('not_a_member');
  });

  it('when a holder is removed, then they hold no role', () => {
    const c = Scenario.given({
      rules: { remove_member: { type: 'automatic' } },
      members: ['bob'],
      roles: [clerk],
    });
    c.propose('p', { kind: 'remove_member', accountId: 'bob' });
    expect(c.role('clerk').holders).toEqual([]);
    expect(c.member('bob').status).toBe('removed');
  });

  it('given a holder of two roles, when MemberRemoved, then both roles lose only that holder', () => {
    const scribe = {
      ...clerk,
      id: 'scribe',
      holders: [
        ['bob', null],
        ['cy', null],
      ] as [string, null][],
    };
    const { state } = spec([
      ...foundingEvents({ members: ['bob', 'cy'], roles: [clerk, scribe] }),
      stamped({ type: 'MemberRemoved', data: { proposalId: 'p', accountId: 'bob' } }, at(5)),
    ]);
    const s = must(state);
    expect(s.core.members.bob).toMatchObject({ status: 'removed', since: T0 });
    expect(s.core.roles.clerk?.holders).toEqual([]);
    expect(s.core.roles.scribe?.holders.map((h) => h.accountId)).toEqual(['cy']);
  });
});

describe('removing a member', () => {
  it('removing a member needs two thirds with a quorum of half', () => {
    const c = Scenario.founded();
    c.admit('bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, 'ada');
    c.admit('cy', 'p2');
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'agree', reason: '' }, 'ada');
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'agree', reason: '' }, 'bob');
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'r',
        title: 'Remove Cy',
        body: '',
        action: { kind: 'remove_member', accountId: 'cy' },
      },
      'ada',
    );
    c.run({ type: 'TakePosition', proposalId: 'r', stance: 'agree', reason: '' }, 'ada');
    c.run({ type: 'CloseProposal', proposalId: 'r' }, null, at(168));
    // 1 of 3 took part: quorum of 1/2 not met
    expect(c.proposal('r').outcome!.reasons.map((x) => x.code)).toEqual(['quorum_not_met', 'threshold_met']);
    expect(c.member('cy').status).toBe('member');
  });

  it('the last member cannot be removed: refused at opening', () => {
    const c = Scenario.given({ rules: { remove_member: { type: 'automatic' } } });
    expect(
      c.error(
        {
          type: 'SubmitProposal',
          proposalId: 'p',
          title: 'x',
          body: '',
          action: { kind: 'remove_member', accountId: 'ada' },
        },
        'ada',
      ),
    ).toBe('last_member');
  });

  it('given an automatic rule, when Ada proposes removing Bob, then exactly his removal', () => {
    const { state } = spec(
      foundingEvents({ rules: { remove_member: { type: 'automatic' } }, members: ['bob'] }),
    )
      .when(submit('p', { kind: 'remove_member', accountId: 'bob' }), 'ada')
      .thenMatch([
        { type: 'ProposalOpened', data: { id: 'p', electorate: { admittedUpTo: 2, size: 2 } } },
        { type: 'ProposalDecided', data: { proposalId: 'p', outcome: { passed: true } } },
        { type: 'MemberRemoved', data: { proposalId: 'p', accountId: 'bob' } },
      ]);
    expect(state.core.members.bob?.status).toBe('removed');
  });

  it.each([
    ['someone who never joined', 'mallory'],
    ['an applicant', 'eve'],
    ['a member already removed', 'cy'],
  ])('given a commons, when removing %s is proposed, then member_not_found', (_, who) => {
    spec([
      ...foundingEvents({ members: ['bob', 'cy'] }),
      applied('eve'),
      { type: 'MemberRemoved', data: { proposalId: 'x', accountId: 'cy' } },
    ])
      .when(submit('p', { kind: 'remove_member', accountId: who }), 'ada')
      .thenRefuses('member_not_found');
  });
});

describe('admitting a member', () => {
  it('given an automatic rule, when Ada proposes admitting Dan, then he is a member of the single class', () => {
    const { state } = spec(foundingEvents({ rules: { admit_member: { type: 'automatic' } } }))
      .when(
        submit('p', { kind: 'admit_member', accountId: 'dan', displayName: ' Dan ', classes: [] }),
        'ada',
        at(2),
      )
      .thenMatch([
        { type: 'ProposalOpened' },
        { type: 'ProposalDecided' },
        {
          type: 'MemberAdmitted',
          data: { proposalId: 'p', accountId: 'dan', displayName: 'Dan', classes: ['member'] },
        },
      ]);
    expect(state.core.members.dan).toEqual({
      accountId: 'dan',
      displayName: 'Dan',
      classes: ['member'],
      status: 'member',
      since: at(2),
      // The founder's admission was the first.
      admission: 2,
    });
  });

  it('given a member, when admitting them is proposed, then already_member', () => {
    spec(foundingEvents({ members: ['bob'] }))
      .when(submit('p', { kind: 'admit_member', accountId: 'bob', displayName: 'Bob', classes: [] }), 'ada')
      .thenRefuses('already_member');
  });

  it('given an applicant, when ApplicationDeclined, then they are declined', () => {
    const { state } = spec([
      ...foundingEvents(),
      applied('eve'),
      { type: 'ApplicationDeclined', data: { proposalId: 'a1', accountId: 'eve' } } satisfies DomainEvent,
    ]);
    expect(state?.core.members.eve?.status).toBe('declined');
  });
});
