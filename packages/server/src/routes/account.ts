import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireAccount } from '../auth';
import type { AppContext } from '../context';
import { limiterOf, takeAll } from '../limits';
import { AcceptedSchema, AccountViewSchema, NoContentSchema, problems } from '../response-schemas';
import { EmailChangeBody, PasswordChangeBody, ProfileBody, SecretBody } from '../schemas';

const readProblems = problems(400, 401, 403, 500);
const writeProblems = problems(400, 401, 403, 404, 409, 413, 415, 429, 500);
const HOUR = 3_600_000;

/** The signed-in person's own account: profile (name, language), password, e-mail address. */
export function accountRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['account'];
  // A request that checks a password counts as a sign-in attempt (the same limiters, by name).
  const perAccount = limiterOf(ctx, 'signin:email', ctx.config.signInPerAccountPerHour ?? 50, HOUR);
  const perAddress = limiterOf(ctx, 'signin:address', ctx.config.signInPerAddressPerHour ?? 100, HOUR);
  const linksPerAddress = limiterOf(ctx, 'links:address', ctx.config.signInPerMinute ?? 10, 60_000);

  app.get(
    '/api/v1/account',
    {
      schema: { tags, summary: 'Your account', response: { 200: AccountViewSchema, ...readProblems } },
    },
    async (req) => ctx.accounts.view(requireAccount(req)),
  );

  app.patch(
    '/api/v1/account',
    {
      schema: {
        tags,
        summary: 'Change your display name or language',
        description:
          'The name is checked as at sign-up; it is the name new applications and proposals carry (names already ' +
          'in a commons’ log stay as they were). `locale: null` forgets the chosen language.',
        body: ProfileBody,
        response: { 200: AccountViewSchema, ...writeProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      return ctx.accounts.view(await ctx.accounts.updateProfile(account, req.body));
    },
  );

  app.post(
    '/api/v1/account/password',
    {
      schema: {
        tags,
        summary: 'Change your password (ends your other sessions)',
        body: PasswordChangeBody,
        response: { 204: NoContentSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const giveBack = takeAll([
        [perAccount, account.email],
        [perAddress, req.ip],
      ]);
      await ctx.accounts.changePassword(
        account,
        req.body.currentPassword,
        req.body.newPassword,
        req.caller.sessionHash,
      );
      giveBack();
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/account/email',
    {
      schema: {
        tags,
        summary: 'Change your e-mail address: mails a confirmation link to the new one',
        description:
          'Checks your password, then mails a link (single use, 24 hours) to the new address; nothing changes until ' +
          'it is followed. Whether another account has the new address is not told here.',
        body: EmailChangeBody,
        response: { 202: AcceptedSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const giveBack = takeAll([
        [perAccount, account.email],
        [perAddress, req.ip],
      ]);
      await ctx.accounts.requestEmailChange(
        account,
        req.body.email,
        req.body.password,
        req.headers['accept-language'],
      );
      giveBack();
      return reply.status(202).send({
        status: 'accepted',
        detail: 'A link to confirm the new address is on its way to it.',
      });
    },
  );

  app.post(
    '/api/v1/account/email/confirm',
    {
      schema: {
        tags,
        summary: 'Confirm a new e-mail address with the link mailed to it',
        description:
          'Needs no session (the link may be opened on another device). A used, expired or unknown link is 400 ' +
          'invalid_token; an address another account took meanwhile is 409 email_taken.',
        body: SecretBody,
        response: { 200: AccountViewSchema, ...writeProblems },
      },
    },
    async (req) => {
      takeAll([[linksPerAddress, req.ip]]);
      return ctx.accounts.view(await ctx.accounts.confirmEmailChange(req.body.token));
    },
  );
}
