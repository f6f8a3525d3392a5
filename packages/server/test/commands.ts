// Commands the service tests run straight through CommonsService.execute (no HTTP): a do-ocracy commons founded by
// Fran, a resolution, a comment.
import type { Command } from '@peergov/kernel';

export const create = (commonsId: string, name: string): Command => ({
  type: 'CreateCommons',
  commonsId,
  name,
  purpose: '',
  charter: '',
  template: 'do-ocracy',
  displayName: 'Fran',
  classes: [],
});

export const propose = (proposalId: string): Command => ({
  type: 'SubmitProposal',
  proposalId,
  title: `Proposal ${proposalId}`,
  body: '',
  action: { kind: 'resolution', text: 'Water the beans' },
});

export const comment = (proposalId: string, id: string): Command => ({
  type: 'PostComment',
  proposalId,
  commentId: id,
  text: `comment ${id}`,
  replyTo: null,
});
