import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context';
import { LogService } from '../log-service';
import { ApiError } from '../problems';
import { ConsistencyAnswerSchema, problems } from '../response-schemas';
import { CommonsParams } from '../schemas';
import { provenOrRefused } from './log';

/**
 * `?from=M`: the size of the checkpoint the client saw before (digits only, as every log size in the API; checked
 * against N below). Without it (a first visit) the answer is the latest checkpoint with an empty proof.
 */
export const ConsistencyQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,12}$',
        description: 'Size of the checkpoint seen before (default 0)',
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * Certificate Transparency's gossip, for a commons: a client that saved a signed checkpoint of size M asks for the
 * latest signed checkpoint (size N) and the RFC 9162 consistency proof that the tree of N records extends the tree
 * of M, and checks both itself. A log shorter than M is a rollback (409 log_rollback).
 */
export function consistencyRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const logs = new LogService(ctx.store, ctx.keys.publicKey);
  app.get(
    '/api/v1/commons/:id/log/consistency',
    {
      schema: {
        tags: ['log'],
        summary: 'The latest signed checkpoint with a consistency proof from an earlier size',
        description:
          'Answers { from, to, proof, checkpoint, publicKey }: proof (hex hashes, RFC 9162 section 2.1.4) shows ' +
          'that the tree of the first `to` records, signed in `checkpoint`, extends the tree of the first `from`. ' +
          'Empty when from is 0 or equals to. A from beyond the signed size answers 409 log_rollback; a proof that ' +
          'would not verify against the signed checkpoint is not served (409 log_integrity).',
        params: CommonsParams,
        querystring: ConsistencyQuery,
        response: { 200: ConsistencyAnswerSchema, ...problems(400, 401, 404, 409, 500) },
      },
    },
    async (req) => {
      const { id } = req.params;
      const raw = req.query.from;
      const head = await ctx.store.head(id);
      if (!head) throw new ApiError(404, 'commons_not_found', `There is no commons "${id}".`);
      const cp = head.checkpoint;
      if (!cp) throw new ApiError(409, 'log_integrity', 'The log of this commons has no signed checkpoint.');
      const to = cp.size;
      const from = raw === undefined ? 0 : /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
      if (Number.isNaN(from)) {
        throw new ApiError(400, 'invalid_input', '`from` must be a log size: an integer from 0.');
      }
      // Any size beyond the signed one (however large) is a rollback, not a malformed request.
      if (from > to) {
        throw new ApiError(
          409,
          'log_rollback',
          `The log is shorter than a checkpoint you saw: you saw ${from} records, the latest signed checkpoint has ${to}.`,
        );
      }
      let proof: string[] = [];
      if (from > 0 && from < to) {
        // From O(log n) stored Merkle nodes, checked against the signed root before it is served.
        proof = await provenOrRefused(ctx, id, () => logs.consistency(id, head, from, to));
      }
      return {
        from,
        to,
        proof,
        checkpoint: {
          checkpoint: { commons: cp.commons, size: cp.size, root: cp.root, time: cp.time },
          signature: cp.signature,
          keyId: cp.keyId,
        },
        publicKey: ctx.keys.publicKeyPem,
      };
    },
  );
}
