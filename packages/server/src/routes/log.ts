import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { EventType } from '@peergov/kernel';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context';
import { LogService, ProofIntegrityError } from '../log-service';
import { ApiError } from '../problems';
import {
  CheckpointAnswerSchema,
  InclusionProofSchema,
  LogPageSchema,
  problems,
  VerificationSchema,
} from '../response-schemas';
import { CommonsParams, LogQuery, ProofQuery, SeqParams } from '../schemas';

const logProblems = problems(400, 401, 404, 500);

// The events a decision carries out (and the decision itself): their record's actor is whoever's position settled it,
// or null when it closed on time, but what acted is the decision, which the view names instead of that person.
const BY_DECISION = new Set<EventType>([
  'ProposalDecided',
  'ActionFailed',
  'MemberAdmitted',
  'ApplicationDeclined',
  'MemberRemoved',
  'RoleCreated',
  'RoleChanged',
  'RoleAssigned',
  'RoleUnassigned',
  'CharterAdopted',
  'ConstitutionAmended',
  'ResolutionAdopted',
  'PoolCreated',
  'TransactionRecorded',
  'BookingMade',
  'BookingCancelled',
]);

/** The decision that carried out a record, if it is one of the events a decision carries out. */
function decisionOf(
  type: string,
  data: unknown,
  proposals: Readonly<Record<string, { title: string }>>,
): { proposalId: string; title: string | null } | null {
  if (!BY_DECISION.has(type as EventType) || typeof data !== 'object' || data === null) return null;
  const proposalId = (data as { proposalId?: unknown }).proposalId;
  if (typeof proposalId !== 'string') return null;
  return { proposalId, title: Object.hasOwn(proposals, proposalId) ? proposals[proposalId]!.title : null };
}

/**
 * Runs the making of a proof; when the proof would not verify against the signed checkpoint, reports the fault to
 * the commons service (the commons goes read-only here, as after a failed verify) and answers 409 log_integrity.
 */
export async function provenOrRefused<T>(
  ctx: AppContext,
  commonsId: string,
  make: () => Promise<T>,
): Promise<T> {
  try {
    return await make();
  } catch (error) {
    if (!(error instanceof ProofIntegrityError)) throw error;
    ctx.commons.reportIntegrity(commonsId, {
      ok: false,
      where: error.where,
      seq: error.seq,
      reason: error.reason,
    });
    throw new ApiError(
      409,
      'log_integrity',
      `No proof is served: it would not verify against the signed checkpoint (${error.seq !== null ? `record ${error.seq}: ` : ''}${error.reason}).`,
    );
  }
}

/** The transparent log: records, verification, signed checkpoints and inclusion proofs. */
export function logRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['log'];
  const logs = new LogService(ctx.store, ctx.keys.publicKey);
  const exists = async (id: string) => {
    const head = await ctx.store.head(id);
    if (!head) throw new ApiError(404, 'commons_not_found', `There is no commons "${id}".`);
    return head;
  };

  app.get(
    '/api/v1/commons/:id/log',
    {
      schema: {
        tags,
        summary: "The commons' log, oldest first",
        params: CommonsParams,
        querystring: LogQuery,
        response: { 200: LogPageSchema, ...logProblems },
      },
    },
    async (req) => {
      const { id } = req.params;
      const q = req.query;
      const head = await exists(id);
      const limit = Math.min(Number(q.limit ?? 100), 1000);
      const records = await logs.read(id, Number(q.from ?? 0), limit);
      // Names of the people who acted, including those who have since left (members keep their entry).
      const state = await ctx.commons.get(id);
      const members = state?.core.members ?? {};
      const proposals = state?.proposals ?? {};
      return {
        size: head.size,
        records: records.map((r) => {
          const decision = decisionOf(r.type, r.data, proposals);
          return {
            ...r,
            actorName:
              decision || !r.actor || !Object.hasOwn(members, r.actor)
                ? null
                : (members[r.actor]?.displayName ?? null),
            decision,
          };
        }),
      };
    },
  );

  app.get(
    '/api/v1/commons/:id/log/verify',
    {
      schema: {
        tags,
        summary: 'Verify the log, its head, its signed checkpoint and the read models',
        description:
          'Reads the log in chunks (other requests are served between them) and checks every record and stored ' +
          'column, the chain, the head, the signed checkpoint (which must cover the whole log) and the read-model ' +
          'documents rebuilt from the log (compared when the head holds still while they are read; a log that grows ' +
          'meanwhile is verified up to its newer head). ' +
          'Answers ok with size and root, or the first fault: where (record, checkpoint, head or document), seq ' +
          '(the record, or null) and reason.',
        params: CommonsParams,
        response: { 200: VerificationSchema, ...logProblems },
      },
    },
    async (req) => {
      const { id } = req.params;
      await exists(id);
      const result = await logs.verify(id);
      // A fault found here (say, in a record this process verified long ago and someone changed since) makes the
      // commons read-only here too: the server does not build on a log that no longer proves itself.
      if (!result.ok)
        ctx.commons.reportIntegrity(id, {
          ok: false,
          where: result.where,
          seq: result.seq,
          reason: result.reason,
        });
      return result;
    },
  );

  app.get(
    '/api/v1/commons/:id/log/checkpoint',
    {
      schema: {
        tags,
        summary: 'The latest signed checkpoint and the public key',
        params: CommonsParams,
        response: { 200: CheckpointAnswerSchema, ...logProblems },
      },
    },
    async (req) => {
      const head = await exists(req.params.id);
      const cp = head.checkpoint!;
      return {
        checkpoint: { commons: cp.commons, size: cp.size, root: cp.root, time: cp.time },
        signature: cp.signature,
        keyId: cp.keyId,
        publicKey: ctx.keys.publicKeyPem,
      };
    },
  );

  app.get(
    '/api/v1/commons/:id/log/proof/:seq',
    {
      schema: {
        tags,
        summary: 'Inclusion proof of one record',
        params: SeqParams,
        querystring: ProofQuery,
        response: { 200: InclusionProofSchema, ...problems(400, 401, 404, 409, 500) },
      },
    },
    async (req) => {
      const { id, seq } = req.params;
      const q = req.query;
      await exists(id);
      const proof = await provenOrRefused(ctx, id, () =>
        logs.proof(id, Number(seq), q.size === undefined ? undefined : Number(q.size)),
      );
      if (!proof)
        throw new ApiError(404, 'record_not_found', `There is no record ${seq} in a log of that size.`);
      return proof;
    },
  );
}
