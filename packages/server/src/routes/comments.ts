// One comment of a proposal's discussion: read with its history, edited and deleted by its author. Posting is with
// the proposal's other writes (`commons.ts`), the pages of the discussion with the other lists (`pages.ts`).
import { can, own, type CommonsState } from '@peergov/kernel';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireAccount } from '../auth';
import type { AppContext } from '../context';
import { commentDetail, commentView } from '../pages';
import { ApiError } from '../problems';
import { CommentDetailSchema, CommentViewSchema, problems } from '../response-schemas';
import { CommentEditBody, Id } from '../schemas';

const CommentParams = Type.Object({ id: Id, pid: Id, cid: Id }, { additionalProperties: false });
const readProblems = problems(400, 401, 403, 404, 500);
const writeProblems = problems(400, 401, 403, 404, 409, 413, 415, 422, 429, 500);

function commentIn(state: CommonsState, pid: string, cid: string) {
  if (!own(state.proposals, pid))
    throw new ApiError(404, 'proposal_not_found', `There is no proposal "${pid}" in this commons.`);
  const c = (own(state.comments, pid) ?? []).find((x) => x.id === cid);
  if (!c) throw new ApiError(404, 'comment_not_found', `There is no comment "${cid}" on this proposal.`);
  return c;
}

export function commentRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const load = async (id: string): Promise<CommonsState> => {
    const state = await ctx.commons.get(id);
    if (!state) throw new ApiError(404, 'commons_not_found', `There is no commons "${id}".`);
    return state;
  };

  app.get(
    '/api/v1/commons/:id/proposals/:pid/comments/:cid',
    {
      schema: {
        tags: ['proposals'],
        summary: 'One comment, with the texts it had before each edit',
        params: CommentParams,
        response: { 200: CommentDetailSchema, ...readProblems },
      },
    },
    async (req) => {
      const { id, pid, cid } = req.params;
      const state = await load(id);
      const may = can(state, req.caller.account?.id ?? null, { type: 'see' }, new Date().toISOString());
      if (!may.allowed) throw new ApiError(403, may.code, may.reason);
      return commentDetail(state, commentIn(state, pid, cid));
    },
  );

  app.patch(
    '/api/v1/commons/:id/proposals/:pid/comments/:cid',
    {
      schema: {
        tags: ['proposals'],
        summary: 'Edit your comment (its earlier text stays in its history)',
        params: CommentParams,
        body: CommentEditBody,
        response: { 200: CommentViewSchema, ...writeProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      const { id, pid, cid } = req.params;
      commentIn(await load(id), pid, cid);
      const { state } = await ctx.commons.execute(
        id,
        { type: 'EditComment', proposalId: pid, commentId: cid, text: req.body.text },
        account.id,
      );
      return commentView(state, commentIn(state, pid, cid));
    },
  );

  app.delete(
    '/api/v1/commons/:id/proposals/:pid/comments/:cid',
    {
      schema: {
        tags: ['proposals'],
        summary: 'Delete your comment: a "deleted" mark keeps its place, and replies to it stay',
        params: CommentParams,
        response: { 200: CommentViewSchema, ...writeProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      const { id, pid, cid } = req.params;
      commentIn(await load(id), pid, cid);
      const { state } = await ctx.commons.execute(
        id,
        { type: 'DeleteComment', proposalId: pid, commentId: cid },
        account.id,
      );
      return commentView(state, commentIn(state, pid, cid));
    },
  );
}
