// Rules for rules: a commons' reviews (of rules and decisions, opened on their dates) and members' answers to them.
import { can, type CommonsState } from '@peergov/kernel';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireAccount } from '../auth';
import type { AppContext } from '../context';
import { ApiError } from '../problems';
import { problems, ReviewListSchema, ReviewViewSchema } from '../response-schemas';
import { reviewsView, reviewView } from '../rules-views';
import { CommonsParams, ReviewAnswerBody, ReviewParams } from '../schemas';

const readProblems = problems(400, 401, 403, 404, 409, 422, 500);
const writeProblems = problems(400, 401, 403, 404, 409, 413, 415, 422, 429, 500);

/** Reviews: listed with what was decided and what happened since; answered by members. */
export function rulesRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['rules'];
  const now = () => new Date().toISOString();
  const loadToSee = async (id: string, accountId: string | null): Promise<CommonsState> => {
    const state = await ctx.commons.get(id);
    if (!state) throw new ApiError(404, 'commons_not_found', `There is no commons "${id}".`);
    const may = can(state, accountId, { type: 'see' }, now());
    if (!may.allowed) throw new ApiError(403, may.code, may.reason);
    return state;
  };

  app.get(
    '/api/v1/commons/:id/reviews',
    {
      schema: {
        tags,
        summary: "The commons' reviews of rules and decisions, the latest opened first",
        params: CommonsParams,
        response: { 200: ReviewListSchema, ...readProblems },
      },
    },
    async (req) => {
      const accountId = req.caller.account?.id ?? null;
      return reviewsView(await loadToSee(req.params.id, accountId), accountId, now());
    },
  );

  app.put(
    '/api/v1/commons/:id/reviews/:rid/answer',
    {
      schema: {
        tags,
        summary: 'Answer a review: did the rule or decision do what it meant to?',
        description:
          'Every member may answer; a second answer replaces the first. The answer is an event in the log.',
        params: ReviewParams,
        body: ReviewAnswerBody,
        response: { 200: ReviewViewSchema, ...writeProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      const { id, rid } = req.params;
      await loadToSee(id, account.id);
      const result = await ctx.commons.execute(
        id,
        { type: 'AnswerReview', reviewId: rid, answer: req.body.answer, comment: req.body.comment ?? '' },
        account.id,
      );
      const review = result.state.core.reviews?.[rid];
      if (!review) throw new ApiError(404, 'review_not_found', 'There is no such review in this commons.');
      return reviewView(result.state, review, account.id, now());
    },
  );
}
