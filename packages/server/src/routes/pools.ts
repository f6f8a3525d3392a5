import { can, type CommonsState } from '@peergov/kernel';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context';
import { parseLimit, MAX_LIMIT } from '../pages';
import { ApiError } from '../problems';
import { ledgerCsv, parseAfter, poolIn, poolList, poolStatement } from '../resources';
import { PoolListSchema, PoolStatementSchema, problems } from '../response-schemas';
import { CommonsParams, Id } from '../schemas';

const readProblems = problems(400, 401, 403, 404, 500);
const PoolParams = Type.Object({ id: Id, poolId: Id }, { additionalProperties: false });
const StatementQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.String({ maxLength: 12, description: `Movements per page, 1 to ${MAX_LIMIT} (50 when absent)` }),
    ),
    after: Type.Optional(
      Type.String({ maxLength: 20, description: 'The `next` of the page before (absent: the first page)' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * Resources (issue 15): a commons' pools and each pool's statement and ledger, read from the in-memory state its
 * verified log folds to, for whoever the constitution lets see the commons. Every change to a pool is a proposal
 * (`POST .../proposals` with a create_pool, record_income, spend, book or cancel_booking action).
 */
export function poolRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['pools'];
  const loadToSee = async (id: string, accountId: string | null): Promise<CommonsState> => {
    const state = await ctx.commons.get(id);
    if (!state) throw new ApiError(404, 'commons_not_found', `There is no commons "${id}".`);
    const may = can(state, accountId, { type: 'see' }, new Date().toISOString());
    if (!may.allowed) throw new ApiError(403, may.code, may.reason);
    return state;
  };

  app.get(
    '/api/v1/commons/:id/pools',
    {
      schema: {
        tags,
        summary: "The commons' pools: money, time credits, points, things and spaces",
        params: CommonsParams,
        response: { 200: PoolListSchema, ...readProblems },
      },
    },
    async (req) => poolList(await loadToSee(req.params.id, req.caller.account?.id ?? null)),
  );

  app.get(
    '/api/v1/commons/:id/pools/:poolId',
    {
      schema: {
        tags,
        summary:
          "A pool's statement: balances, movements a page at a time with who decided each, its bookings",
        params: PoolParams,
        querystring: StatementQuery,
        response: { 200: PoolStatementSchema, ...readProblems },
      },
    },
    async (req) => {
      // The query first: a bad one is a 400 whatever the pool.
      const limit = parseLimit(req.query.limit);
      const after = parseAfter(req.query.after);
      const state = await loadToSee(req.params.id, req.caller.account?.id ?? null);
      return poolStatement(state, poolIn(state, req.params.poolId), after, limit);
    },
  );

  app.get(
    '/api/v1/commons/:id/pools/:poolId/ledger.csv',
    {
      schema: {
        tags,
        summary: "A pool's whole ledger as CSV: one row per entry, with the decision behind its movement",
        params: PoolParams,
        produces: ['text/csv'],
        response: {
          200: Type.String({
            description: 'text/csv; header: seq,at,kind,account,amount_minor,amount,unit,...',
          }),
          ...readProblems,
        },
      },
    },
    async (req, reply) => {
      const state = await loadToSee(req.params.id, req.caller.account?.id ?? null);
      const pool = poolIn(state, req.params.poolId);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${pool.id}-ledger.csv"`)
        .send(ledgerCsv(state, pool));
    },
  );
}
