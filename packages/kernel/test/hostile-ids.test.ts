// Ids come from outside: an id that names a property of Object.prototype must behave as any other unknown id,
// and a state others may be reading must never change under them.
import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  decide,
  decodeState,
  DomainError,
  encodeState,
  Draft,
  OverlayDraft,
  readModelChanges,
  replay,
  stateFromDocs,
  type CommonsState,
  type EventEnvelope,
} from '../src/index';
import { must } from './must';
import { at, Scenario, T0 } from './scenario';

const HOSTILE = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
function decideError(state: CommonsState | null, command: Parameters<typeof decide>[1]): string {
  try {
    decide(state, command, { actor: 'ada', now: T0 });
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'accepted';
}
const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();

describe('ids that name properties of Object.prototype', () => {
  const before = prototypeKeys();

  it.each(HOSTILE)(
    'given do-ocracy, when a member changes role %s, then it is refused and nothing leaks',
    (id) => {
      const c = Scenario.given({ rules: { change_role: { type: 'automatic' } } });
      expect(
        c.error(
          {
            type: 'SubmitProposal',
            proposalId: 'p1',
            title: 'x',
            body: '',
            action: { kind: 'change_role', roleId: id, description: 'x' },
          },
          'ada',
        ),
      ).toBe('role_not_found');
      expect(prototypeKeys()).toEqual(before);
      expect(({} as Record<string, unknown>).description).toBeUndefined();
    },
  );

  it.each(HOSTILE.filter((id) => /^[a-z0-9][a-z0-9-]*$/.test(id)))(
    'a role called %s is created and changed',
    (id) => {
      const c = Scenario.given({
        rules: { create_role: { type: 'automatic' }, change_role: { type: 'automatic' } },
      });
      c.run(
        {
          type: 'SubmitProposal',
          proposalId: 'r0',
          title: 'x',
          body: '',
          action: {
            kind: 'create_role',
            roleId: id,
            name: 'R',
            description: '',
            mandate: [],
            termDays: null,
          },
        },
        'ada',
      );
      c.run(
        {
          type: 'SubmitProposal',
          proposalId: 'r1',
          title: 'x',
          body: '',
          action: { kind: 'change_role', roleId: id, name: 'S' },
        },
        'ada',
      );
      expect(Object.hasOwn(c.s.core.roles, id)).toBe(true);
      expect(c.role(id).name).toBe('S');
      expect(prototypeKeys()).toEqual(before);
    },
  );

  it.each(HOSTILE)('proposal, comment and account %s that do not exist are reported as missing', (id) => {
    const c = Scenario.given({ members: ['bob'] });
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'p1',
        title: 't',
        body: '',
        action: { kind: 'resolution', text: 'x' },
      },
      'ada',
    );
    expect(c.error({ type: 'TakePosition', proposalId: id, stance: 'agree', reason: '' }, 'bob')).toBe(
      'proposal_not_found',
    );
    expect(
      c.error({ type: 'PostComment', proposalId: id, commentId: 'k1', text: 'x', replyTo: null }, 'bob'),
    ).toBe('proposal_not_found');
    expect(
      c.error({ type: 'PostComment', proposalId: 'p1', commentId: 'k1', text: 'x', replyTo: id }, 'bob'),
    ).toBe('comment_not_found');
    expect(c.error({ type: 'WithdrawProposal', proposalId: id }, 'ada')).toBe('proposal_not_found');
    expect(c.error({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: '' }, id)).toBe(
      'not_a_member',
    );
    expect(
      c.error(
        {
          type: 'SubmitProposal',
          proposalId: 'p2',
          title: 't',
          body: '',
          action: { kind: 'remove_member', accountId: id },
        },
        'ada',
      ),
    ).toBe('member_not_found');
    expect(
      decideError(null, {
        type: 'CreateCommons',
        commonsId: 'c2',
        name: 'n',
        purpose: '',
        charter: '',
        template: id as never,
        displayName: 'A',
        classes: [],
      }),
    ).toBe('invalid_input');
  });

  it.each(HOSTILE)('an account %s can apply, be admitted and take positions', (id) => {
    const c = Scenario.given({ rules: { admit_member: { type: 'automatic' } } });
    c.run(
      { type: 'ApplyForMembership', proposalId: 'p1', displayName: 'Zed', classes: [], statement: '' },
      id,
    );
    expect(Object.hasOwn(c.s.core.members, id)).toBe(true);
    expect(c.member(id).status).toBe('member');
    c.run(
      {
        type: 'SubmitProposal',
        proposalId: 'p2',
        title: 't',
        body: '',
        action: { kind: 'resolution', text: 'x' },
      },
      'ada',
    );
    c.run({ type: 'TakePosition', proposalId: 'p2', stance: 'agree', reason: '' }, id);
    expect(c.s.positions.p2?.[id]?.stance).toBe('agree');
    // The documents written for it read back into the same state.
    const docs = [...c.docs.values()];
    const rebuilt = stateFromDocs({
      core: docs.find((d) => d.kind === 'commons')!.body,
      members: docs.filter((d) => d.kind === 'member').map((d) => d.body),
      proposals: docs.filter((d) => d.kind === 'proposal').map((d) => d.body),
      positions: docs.filter((d) => d.kind === 'position').map((d) => d.body),
      comments: docs.filter((d) => d.kind === 'comment').map((d) => d.body),
    });
    expect(Object.hasOwn(rebuilt.core.members, id)).toBe(true);
    expect(Object.hasOwn(must(rebuilt.positions.p2, 'positions on p2'), id)).toBe(true);
    expect(prototypeKeys()).toEqual(before);
  });
});

/** A commons of Ada and `members` with a resolution `proposalId` open. */
function withOpenProposal(members: string[], proposalId: string): Scenario {
  const c = Scenario.given({ members });
  c.run(
    { type: 'SubmitProposal', proposalId, title: 't', body: '', action: { kind: 'resolution', text: 'x' } },
    'ada',
  );
  return c;
}

describe('an overlay draft over a published state (the write path)', () => {
  const before = prototypeKeys();
  it.each(HOSTILE)(
    'given an open proposal, when %s takes a position and comments in an overlay draft, then nothing shows before commit and all of it after',
    (id) => {
      const c = withOpenProposal(['bob', id], id);
      const published: CommonsState = c.s;
      const snapshot = JSON.stringify(published);
      const draft = new OverlayDraft(published);
      const envs: EventEnvelope[] = [
        {
          type: 'PositionTaken',
          data: { proposalId: id, accountId: id, stance: 'agree', reason: 'r' },
          actor: id,
          at: at(1),
        },
        {
          type: 'CommentPosted',
          data: { id, proposalId: id, accountId: id, text: 'hi', replyTo: null },
          actor: id,
          at: at(1),
        },
        { type: 'MemberLeft', data: { accountId: 'bob' }, actor: 'bob', at: at(1) },
      ];
      for (const e of envs) draft.apply(e);
      // The draft reads its own writes; the published state is as it was.
      expect(draft.state.positions[id]?.[id]?.stance).toBe('agree');
      expect(Object.keys(must(draft.state.positions[id], 'positions'))).toEqual([id]);
      expect(draft.state.core.members.bob?.status).toBe('left');
      expect(JSON.stringify(published)).toBe(snapshot);
      const committed = must(draft.commit(), 'committed');
      expect(committed).toEqual(replay(structuredClone([...c.log, ...envs])));
      expect(Object.hasOwn(must(committed.positions[id], 'positions'), id)).toBe(true);
      expect(Object.getPrototypeOf(committed.core.members)).toBeNull();
      expect(() => draft.apply(must(envs[0], 'event'))).toThrow(/after commit/);
      expect(prototypeKeys()).toEqual(before);
    },
  );
});

describe('a snapshot of the state (encoded, decoded)', () => {
  const before = prototypeKeys();
  it.each(HOSTILE)(
    'given %s as a member, a proposal, a position and a comment, when the state is encoded and decoded, then each is an own key and the fold goes on',
    (id) => {
      const c = withOpenProposal(['bob', id], id);
      c.run({ type: 'TakePosition', proposalId: id, stance: 'agree', reason: 'r' }, id);
      c.run({ type: 'PostComment', proposalId: id, commentId: id, text: 'hi', replyTo: null }, id);
      const decoded = decodeState(encodeState(c.s));
      expect(decoded).toEqual(c.s);
      expect(Object.hasOwn(decoded.core.members, id)).toBe(true);
      expect(Object.hasOwn(decoded.proposals, id)).toBe(true);
      expect(Object.hasOwn(must(decoded.positions[id], 'positions'), id)).toBe(true);
      expect(decoded.comments[id]?.[0]?.id).toBe(id);
      expect(Object.getPrototypeOf(decoded.positions[id])).toBeNull();
      // What another position does to the decoded state is what it does to the original.
      const next: EventEnvelope = {
        type: 'PositionTaken',
        data: { proposalId: id, accountId: 'bob', stance: 'disagree', reason: '' },
        actor: 'bob',
        at: at(2),
      };
      expect(applyEvent(decoded, next)).toEqual(applyEvent(c.s, next));
      expect(prototypeKeys()).toEqual(before);
    },
  );
});

describe('a draft over a published state', () => {
  it('given a commons with an open proposal, when events apply to a draft, then the published state is untouched', () => {
    const c = withOpenProposal(['bob', 'cy'], 'p1');
    const published: CommonsState = c.s;
    const snapshot = JSON.stringify(published);
    const draft = new Draft(published);
    const envs: EventEnvelope[] = [
      {
        type: 'PositionTaken',
        data: { proposalId: 'p1', accountId: 'bob', stance: 'agree', reason: 'r' },
        actor: 'bob',
        at: at(1),
      },
      {
        type: 'CommentPosted',
        data: { id: 'k1', proposalId: 'p1', accountId: 'cy', text: 'hi', replyTo: null },
        actor: 'cy',
        at: at(1),
      },
      { type: 'MemberLeft', data: { accountId: 'cy' }, actor: 'cy', at: at(1) },
      { type: 'ProposalWithdrawn', data: { proposalId: 'p1' }, actor: 'ada', at: at(2) },
    ];
    for (const e of envs) draft.apply(e);
    expect(JSON.stringify(published)).toBe(snapshot);
    const s = draft.state;
    expect(s.positions.p1?.bob?.stance).toBe('agree');
    expect(s.comments.p1).toHaveLength(1);
    expect(s.proposals.p1?.status).toBe('withdrawn');
    expect(s.proposals.p1?.positionCount).toBe(1);
    expect(s.core.members.cy?.status).toBe('left');
    // Unchanged parts are shared, not copied.
    expect(s.core.roles).toBe(published.core.roles);
    expect(readModelChanges(s, envs).map((d) => `${d.kind}:${d.id}`)).toEqual([
      'proposal:p1',
      'position:p1/bob',
      'comment:p1/k1',
      'commons:c1',
      // cy left: her own document, not every member's.
      'member:cy',
      // Fewer members, no open proposal: the directory's entry.
      'summary:summary',
    ]);
  });

  it('a second write in the same draft changes its own copy in place', () => {
    const c = withOpenProposal(['bob', 'cy'], 'p1');
    const draft = new Draft(c.s);
    draft.apply({
      type: 'PositionTaken',
      data: { proposalId: 'p1', accountId: 'bob', stance: 'agree', reason: '' },
      actor: 'bob',
      at: T0,
    });
    const positions = must(draft.state.positions.p1, 'positions on p1');
    draft.apply({
      type: 'PositionTaken',
      data: { proposalId: 'p1', accountId: 'cy', stance: 'block', reason: '' },
      actor: 'cy',
      at: T0,
    });
    expect(draft.state.positions.p1).toBe(positions);
    expect(Object.keys(positions).sort()).toEqual(['bob', 'cy']);
    expect(c.s.positions.p1).toEqual({});
  });
});
