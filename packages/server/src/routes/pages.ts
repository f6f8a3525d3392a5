import { can, own, textSchema, type CommonsState } from '@peergov/kernel';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context';
import {
  commentsPage,
  membersPage,
  memberView,
  parseLimit,
  positionsPage,
  waitingPage,
  MAX_LIMIT,
} from '../pages';
import { ApiError } from '../problems';
import {
  CommentPageSchema,
  MemberPageSchema,
  MemberViewSchema,
  PositionPageSchema,
  problems,
} from '../response-schemas';
import { CommonsParams, Id, ProposalParams, Stance } from '../schemas';

const readProblems = problems(400, 401, 403, 404, 409, 422, 500);

// The paging parameters: checked by the handler, which answers a bad one with its own 400 (invalid_limit,
// invalid_cursor) rather than a schema message.
const paging = {
  limit: Type.Optional(
    Type.String({ maxLength: 12, description: `Items per page, 1 to ${MAX_LIMIT} (50 when absent)` }),
  ),
  after: Type.Optional(
    Type.String({
      maxLength: 2000,
      description: 'The `next` cursor of the page before (absent: the first page)',
    }),
  ),
};
const MemberQuery = Type.Object(
  {
    ...paging,
    status: Type.Optional(
      Type.Union(
        [
          Type.Literal('applicant'),
          Type.Literal('member'),
          Type.Literal('left'),
          Type.Literal('removed'),
          Type.Literal('declined'),
        ],
        { description: 'Only people in this status (absent: current members and applicants)' },
      ),
    ),
    q: Type.Optional(
      textSchema(100, {
        minLength: 1,
        description: 'Only people whose display name contains this, ignoring case',
      }),
    ),
  },
  { additionalProperties: false },
);
const PositionQuery = Type.Object(
  { ...paging, stance: Type.Optional(Stance) },
  { additionalProperties: false },
);
const CommentQuery = Type.Object(paging, { additionalProperties: false });
const MemberParams = Type.Object({ id: Id, accountId: Id }, { additionalProperties: false });

/**
 * The lists of a commons too long for its views, a page at a time: members, and each proposal's positions and
 * comments. Read from the in-memory state, as the views are, and only where the constitution lets the caller see.
 */
export function pageRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const loadToSee = async (id: string, accountId: string | null): Promise<CommonsState> => {
    const state = await ctx.commons.get(id);
    if (!state) throw new ApiError(404, 'commons_not_found', `There is no commons "${id}".`);
    const may = can(state, accountId, { type: 'see' }, new Date().toISOString());
    if (!may.allowed) throw new ApiError(403, may.code, may.reason);
    return state;
  };
  const proposalIn = (state: CommonsState, pid: string) => {
    if (!own(state.proposals, pid))
      throw new ApiError(404, 'proposal_not_found', `There is no proposal "${pid}" in this commons.`);
  };

  app.get(
    '/api/v1/commons/:id/members',
    {
      schema: {
        tags: ['commons'],
        summary: 'Members, a page at a time, by display name',
        params: CommonsParams,
        querystring: MemberQuery,
        response: { 200: MemberPageSchema, ...readProblems },
      },
    },
    async (req) => {
      const state = await loadToSee(req.params.id, req.caller.account?.id ?? null);
      const { limit, after, status, q } = req.query;
      return membersPage(state, { status, q }, after, parseLimit(limit));
    },
  );

  app.get(
    '/api/v1/commons/:id/members/:accountId',
    {
      schema: {
        tags: ['commons'],
        summary: 'One member (in any status: an applicant, or someone who left, was removed or declined)',
        params: MemberParams,
        response: { 200: MemberViewSchema, ...readProblems },
      },
    },
    async (req) => {
      const { id, accountId } = req.params;
      const state = await loadToSee(id, req.caller.account?.id ?? null);
      const m = own(state.core.members, accountId);
      if (!m)
        throw new ApiError(404, 'member_not_found', `No one with account "${accountId}" is in this commons.`);
      return memberView(state, m);
    },
  );

  app.get(
    '/api/v1/commons/:id/proposals/:pid/positions',
    {
      schema: {
        tags: ['proposals'],
        summary: "A proposal's positions, a page at a time, oldest first",
        params: ProposalParams,
        querystring: PositionQuery,
        response: { 200: PositionPageSchema, ...readProblems },
      },
    },
    async (req) => {
      const { id, pid } = req.params;
      const state = await loadToSee(id, req.caller.account?.id ?? null);
      proposalIn(state, pid);
      const { limit, after, stance } = req.query;
      return positionsPage(state, pid, stance, after, parseLimit(limit));
    },
  );

  app.get(
    '/api/v1/commons/:id/proposals/:pid/comments',
    {
      schema: {
        tags: ['proposals'],
        summary: "A proposal's discussion, a page at a time, in the order it was posted",
        params: ProposalParams,
        querystring: CommentQuery,
        response: { 200: CommentPageSchema, ...readProblems },
      },
    },
    async (req) => {
      const { id, pid } = req.params;
      const state = await loadToSee(id, req.caller.account?.id ?? null);
      proposalIn(state, pid);
      const { limit, after } = req.query;
      return commentsPage(state, pid, after, parseLimit(limit));
    },
  );

  app.get(
    '/api/v1/commons/:id/proposals/:pid/waiting',
    {
      schema: {
        tags: ['proposals'],
        summary:
          'Who may still take a position on an open proposal and has not yet (members only), by display name',
        params: ProposalParams,
        querystring: CommentQuery,
        response: { 200: MemberPageSchema, ...readProblems },
      },
    },
    async (req) => {
      const { id, pid } = req.params;
      const accountId = req.caller.account?.id ?? null;
      const state = await loadToSee(id, accountId);
      proposalIn(state, pid);
      const now = new Date().toISOString();
      const may = can(state, accountId, { type: 'see_waiting', proposalId: pid }, now);
      if (!may.allowed) throw new ApiError(403, may.code, may.reason);
      const { limit, after } = req.query;
      return waitingPage(state, own(state.proposals, pid)!, now, after, parseLimit(limit));
    },
  );
}
