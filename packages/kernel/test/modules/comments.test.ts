// Editing and deleting comments (src/modules/proposals.ts: EditComment, DeleteComment; src/policy.ts: who may): only
// the author; an edit keeps the earlier text in the comment's history; a deletion keeps the comment's place, and
// replies to it, and drops what it said from the state (the log keeps the fact).
import { describe, expect, it } from 'vitest';
import { MAX_COMMENT_EDITS } from '../../src/modules/proposals';
import {
  findMentions,
  mentionedAccounts,
  mentionToken,
  type Command,
  type DomainEvent,
} from '../../src/index';
import { at, consent, foundingEvents } from '../scenario';
import { commented, resolutionOpened, spec, stamped } from './spec';

const edit = (commentId: string, text: string): Command => ({
  type: 'EditComment',
  proposalId: 'r1',
  commentId,
  text,
});
const remove = (commentId: string): Command => ({ type: 'DeleteComment', proposalId: 'r1', commentId });
const edited = (commentId: string, text: string, when: string): DomainEvent =>
  stamped({ type: 'CommentEdited', data: { proposalId: 'r1', commentId, text } }, when, 'bob') as never;

/** Ada, Bob and Cy; r1 open; Bob's comment k1 ("Why green?") and Ada's reply k2. */
const discussion = (...more: DomainEvent[]) =>
  [
    ...foundingEvents({ rules: { resolution: consent(24) }, members: ['bob', 'cy'] }),
    resolutionOpened('r1', { electorate: ['ada', 'bob', 'cy'] }),
    commented('r1', 'k1', 'bob'),
    {
      type: 'CommentPosted',
      data: { id: 'k2', proposalId: 'r1', accountId: 'ada', text: 'Because.', replyTo: 'k1' },
    },
    ...more,
  ] as DomainEvent[];

describe('EditComment', () => {
  it('given a comment, when its author edits it, then exactly CommentEdited, and the earlier text is its history', () => {
    const { state } = spec(discussion())
      .when(edit('k1', ' Why blue? '), 'bob', at(2))
      .then([{ type: 'CommentEdited', data: { proposalId: 'r1', commentId: 'k1', text: 'Why blue?' } }]);
    const k1 = state.comments.r1?.find((c) => c.id === 'k1');
    expect(k1).toMatchObject({ text: 'Why blue?', edits: [{ text: 'Comment k1', until: at(2) }] });
    expect(state.proposals.r1?.commentCount).toBe(2);
  });

  it('given two edits, then the history holds both earlier texts, oldest first', () => {
    const { state } = spec(discussion(edited('k1', 'Second', at(2))))
      .when(edit('k1', 'Third'), 'bob', at(3))
      .thenTypes(['CommentEdited']);
    const k1 = state.comments.r1!.find((c) => c.id === 'k1')!;
    expect(k1.text).toBe('Third');
    expect(k1.edits?.map((e) => e.text)).toEqual(['Comment k1', 'Second']);
    expect(k1.edits?.map((e) => e.until)).toEqual([at(2), at(3)]);
  });

  it('when the text does not change, then nothing is recorded', () => {
    const { state } = spec(discussion(edited('k1', 'Same', at(2))))
      .when(edit('k1', ' Same '), 'bob')
      .then([]);
    expect(state.comments.r1!.find((c) => c.id === 'k1')!.edits).toHaveLength(1);
  });

  it('refuses anyone but the author, an empty or missing comment, a closed discussion for a leaver, and endless edits', () => {
    const given = spec(discussion());
    given.when(edit('k1', 'Mine now'), 'ada').thenRefuses('not_author');
    given.when(edit('k1', 'Mine now'), 'cy').thenRefuses('not_author');
    given.when(edit('k1', 'Mine now'), 'eve').thenRefuses('not_author');
    given.when(edit('k1', 'Mine now'), null).thenRefuses('not_author');
    given.when(edit('k9', 'Where?'), 'bob').thenRefuses('comment_not_found');
    given.when(edit('__proto__', 'Where?'), 'bob').thenRefuses('comment_not_found');
    given
      .when({ ...edit('k1', 'x'), proposalId: '__proto__' } as Command, 'bob')
      .thenRefuses('proposal_not_found');
    given.when(edit('k1', '   '), 'bob').thenRefuses('invalid_input');
    spec(discussion({ type: 'MemberLeft', data: { accountId: 'bob' } }))
      .when(edit('k1', 'After leaving'), 'bob')
      .thenRefuses('not_a_member');
    const many = Array.from({ length: MAX_COMMENT_EDITS }, (_, i) => edited('k1', `v${i}`, at(2 + i)));
    spec(discussion(...many))
      .when(edit('k1', 'once more'), 'bob', at(100))
      .thenRefuses('invalid_input', new RegExp(`at most ${MAX_COMMENT_EDITS} times`));
  });
});

describe('DeleteComment', () => {
  it('given a comment with a reply, when its author deletes it, then its place and the reply stay, its words go', () => {
    const { state } = spec(discussion(edited('k1', 'Second', at(2))))
      .when(remove('k1'), 'bob', at(3))
      .then([{ type: 'CommentDeleted', data: { proposalId: 'r1', commentId: 'k1' } }]);
    const [k1, k2] = state.comments.r1!;
    expect(k1).toEqual({
      id: 'k1',
      proposalId: 'r1',
      accountId: 'bob',
      text: '',
      replyTo: null,
      at: k1!.at,
      deletedAt: at(3),
    });
    expect(k2).toMatchObject({ id: 'k2', replyTo: 'k1', text: 'Because.' });
    expect(state.proposals.r1?.commentCount).toBe(2);
  });

  it('lets an author who left delete what they wrote, and no one else; a deleted comment is not edited or deleted again', () => {
    const left = spec(discussion({ type: 'MemberLeft', data: { accountId: 'bob' } }));
    left.when(remove('k1'), 'bob').thenTypes(['CommentDeleted']);
    left.when(remove('k1'), 'ada').thenRefuses('not_author');
    left.when(remove('k2'), 'bob').thenRefuses('not_author');
    const gone = spec(discussion({ type: 'CommentDeleted', data: { proposalId: 'r1', commentId: 'k1' } }));
    gone.when(remove('k1'), 'bob').thenRefuses('comment_deleted');
    gone.when(edit('k1', 'Back'), 'bob').thenRefuses('comment_deleted');
  });
});

describe('mentions', () => {
  it('finds @[label](id) tokens, each account once, and writes tokens that cannot break out of the label', () => {
    const text = `Hi @[Bob](bob) and @[Cy](cy), again @[Bobby](bob); not @Bob, not @[x](has space)`;
    expect(findMentions(text).map((m) => [m.label, m.accountId])).toEqual([
      ['Bob', 'bob'],
      ['Cy', 'cy'],
      ['Bobby', 'bob'],
    ]);
    expect(mentionedAccounts(text)).toEqual(['bob', 'cy']);
    expect(mentionedAccounts(`@[a](a) @[b](b) @[c](c)`, 2)).toEqual(['a', 'b']);
    expect(mentionToken('Bo](evil) [b', 'bob')).toBe('@[Bo(evil) b](bob)');
    expect(findMentions(mentionToken('Bo](evil) [b', 'bob'))).toHaveLength(1);
    expect(mentionedAccounts('@[__proto__](__proto__)')).toEqual(['__proto__']);
  });
});
