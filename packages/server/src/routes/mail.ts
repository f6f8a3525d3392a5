import { normaliseEmail } from '@peergov/kernel';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireAccount } from '../auth';
import type { AppContext } from '../context';
import { ApiError } from '../problems';
import { NoContentSchema, OutboxSchema, problems } from '../response-schemas';
import { LimitQuery, UnsubscribeQuery } from '../schemas';

/** The outbox (for the instance administrator) and one-click unsubscription (for anyone a mail reached). */
export async function mailRoutes(server: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/v1/admin/outbox',
    {
      schema: {
        tags: ['admin'],
        summary: 'Mail kept instead of sent (the instance administrator only)',
        description:
          'Without PEERGOV_SMTP_URL, every mail the platform would send is kept here: links to reset passwords ' +
          'included, so only the instance administrator (the oldest account) reads it. 403 not_instance_admin.',
        querystring: LimitQuery,
        response: { 200: OutboxSchema, ...problems(400, 401, 403, 500) },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      if (!(await ctx.accounts.isInstanceAdmin(account.id)))
        throw new ApiError(
          403,
          'not_instance_admin',
          'Only the administrator of this instance reads the outbox.',
        );
      const limit = Math.min(Math.max(Number(req.query.limit ?? 100), 1), 500);
      return { via: ctx.mailer.via, items: await ctx.store.listOutbox(limit) };
    },
  );

  // Mail programs POST `List-Unsubscribe=One-Click` as a form (RFC 8058): that body type is read here only, and
  // ignored (the address and its proof are in the query).
  await server.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_req, _body, done) => done(null, undefined),
    );
    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      '/api/v1/mail/unsubscribe',
      {
        schema: {
          tags: ['mail'],
          summary: 'Get no more invitations by mail at this address (one click, RFC 8058)',
          description:
            'The link of an invitation mail: `email` and its `token`. Answers 204, and the platform sends that ' +
            'address no more invitations; a wrong token is 400 invalid_token.',
          querystring: UnsubscribeQuery,
          response: { 204: NoContentSchema, ...problems(400, 413, 415, 500) },
        },
      },
      async (req, reply) => {
        const { email, token } = req.query;
        if (!ctx.unsubscribe.verify(email, token))
          throw new ApiError(400, 'invalid_token', 'This unsubscribe link is not valid for this address.');
        await ctx.store.suppressEmail(normaliseEmail(email), new Date().toISOString());
        return reply.status(204).send();
      },
    );
  });
}
