import { normaliseEmail } from '@peergov/kernel';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAccount, setSessionCookie, SESSION_COOKIE } from '../auth';
import type { AppContext } from '../context';
import { limiterOf, takeAll } from '../limits';
import { ApiError } from '../problems';
import {
  AcceptedSchema,
  NewTokenSchema,
  NoContentSchema,
  problems,
  SessionViewSchema,
  SignedInSchema,
  SignUpAcceptedSchema,
  TokenViewSchema,
} from '../response-schemas';
import {
  PasswordResetBody,
  PasswordResetConfirmBody,
  SignInBody,
  SignUpBody,
  TokenBody,
  TokenParams,
} from '../schemas';
import { Type } from '@fastify/type-provider-typebox';

/** The answer to every well-formed sign-up, whether or not the email already had an account. */
const SIGNUP_ACCEPTED = {
  status: 'accepted',
  detail: 'Sign in with this email and password to continue.',
} as const;

// What these routes can fail with (sign-in and sign-up also with 429: too many attempts).
const readProblems = problems(400, 401, 403, 500);
const writeProblems = problems(400, 401, 403, 404, 413, 415, 500);

const HOUR = 3_600_000;

/** Sign-up, sign-in, sessions and personal API tokens. */
export function authRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['auth'];
  // Secure whenever the request came over HTTPS (as the trusted proxy tells), or always if configured so.
  const secure = (req: FastifyRequest) => ctx.config.secureCookies === true || req.protocol === 'https';
  // Sign-in attempts, counted on the normalised email: per address and email, per email from any address (one
  // account guessed from many addresses), per address on any email (one password sprayed over many accounts).
  const perAddressAndEmail = limiterOf(ctx, 'signin:address+email', ctx.config.signInPerMinute ?? 10, 60_000);
  const perAccount = limiterOf(ctx, 'signin:email', ctx.config.signInPerAccountPerHour ?? 50, HOUR);
  const perAddress = limiterOf(ctx, 'signin:address', ctx.config.signInPerAddressPerHour ?? 100, HOUR);

  app.post(
    '/api/v1/auth/signup',
    {
      schema: {
        tags,
        summary: 'Create an account (then sign in)',
        description:
          'Answers 202 whenever the body is well formed, whether or not the email already has an account, and sets no ' +
          'session: sign in next with the same email and password.',
        body: SignUpBody,
        response: { 202: SignUpAcceptedSchema, ...writeProblems, ...problems(409, 429) },
      },
      // Each sign-up costs an argon2id hash (19 MiB): limit them per address.
      config: { rateLimit: { max: ctx.config.signUpPerHour ?? 30, timeWindow: '1 hour' } },
    },
    async (req, reply) => {
      const body = req.body;
      try {
        await ctx.auth.signUp(body.email, body.password, body.displayName, body.locale);
      } catch (error) {
        // A taken email is answered as a new one: the answer must not tell who has an account.
        if (!(error instanceof ApiError && error.code === 'email_taken')) throw error;
      }
      return reply.status(202).send(SIGNUP_ACCEPTED);
    },
  );

  app.post(
    '/api/v1/auth/signin',
    {
      schema: {
        tags,
        summary: 'Sign in with email and password',
        body: SignInBody,
        response: { 200: SignedInSchema, ...writeProblems, ...problems(429) },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const email = normaliseEmail(body.email);
      // Taken before the password is checked (concurrent guesses cannot all slip under), given back on success.
      const giveBack = takeAll([
        [perAddressAndEmail, `${req.ip}|${email}`],
        [perAccount, email],
        [perAddress, req.ip],
      ]);
      const account = await ctx.auth.signIn(email, body.password);
      giveBack();
      const { token, csrfToken } = await ctx.auth.createSession(account.id);
      setSessionCookie(reply, token, secure(req));
      return { account: await ctx.accounts.view(account), csrfToken };
    },
  );

  // Reset requests: per address and per email (each mails a link); confirmations per address (guessing a token).
  const resetsPerAddress = limiterOf(ctx, 'reset:address', ctx.config.resetsPerAddressPerHour ?? 10, HOUR);
  const resetsPerEmail = limiterOf(ctx, 'reset:email', ctx.config.resetsPerEmailPerHour ?? 5, HOUR);
  const linksPerAddress = limiterOf(ctx, 'links:address', ctx.config.signInPerMinute ?? 10, 60_000);

  app.post(
    '/api/v1/auth/password-reset',
    {
      schema: {
        tags,
        summary: 'Mail a link to reset a forgotten password',
        description:
          'Answers 202 at once for any well-formed body, whether or not the email has an account; if it has, a ' +
          'single-use link that expires in an hour is mailed to it.',
        body: PasswordResetBody,
        response: { 202: AcceptedSchema, ...writeProblems, ...problems(429) },
      },
    },
    async (req, reply) => {
      const email = normaliseEmail(req.body.email);
      takeAll([
        [resetsPerAddress, req.ip],
        [resetsPerEmail, email],
      ]);
      // In the background: the answer takes the same time whether or not a mail goes out.
      ctx.mailer.track(
        ctx.accounts.requestPasswordReset(email, req.headers['accept-language']),
        'password_reset',
      );
      return reply.status(202).send({
        status: 'accepted',
        detail: 'If this address has an account, a link to choose a new password is on its way to it.',
      });
    },
  );

  app.post(
    '/api/v1/auth/password-reset/confirm',
    {
      schema: {
        tags,
        summary: 'Choose a new password with the link of a reset mail (and sign in)',
        description:
          'Uses the link up, ends every session of the account and signs this one in. A used, expired or unknown ' +
          'link is 400 invalid_token.',
        body: PasswordResetConfirmBody,
        response: { 200: SignedInSchema, ...writeProblems, ...problems(429) },
      },
    },
    async (req, reply) => {
      takeAll([[linksPerAddress, req.ip]]);
      const account = await ctx.accounts.resetPassword(req.body.token, req.body.password);
      const { token, csrfToken } = await ctx.auth.createSession(account.id);
      setSessionCookie(reply, token, secure(req));
      return { account: await ctx.accounts.view(account), csrfToken };
    },
  );

  app.post(
    '/api/v1/auth/signout-everywhere',
    {
      schema: {
        tags,
        summary: 'End every session of your account, this one too',
        description: 'Personal API tokens stay valid: delete them one by one.',
        response: { 204: NoContentSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      await ctx.store.deleteSessions(account.id);
      void reply.clearCookie(SESSION_COOKIE, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: secure(req),
      });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/auth/signout',
    {
      schema: {
        tags,
        summary: 'End this session',
        response: { 204: NoContentSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      if (req.caller.sessionHash) await ctx.store.deleteSession(req.caller.sessionHash);
      void reply.clearCookie(SESSION_COOKIE, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: secure(req),
      });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/auth/session',
    { schema: { tags, summary: 'Who is signed in', response: { 200: SessionViewSchema, ...readProblems } } },
    async (req) => ({
      account: req.caller.account ? await ctx.accounts.view(req.caller.account) : null,
      csrfToken: req.caller.csrfToken,
    }),
  );

  app.get(
    '/api/v1/tokens',
    {
      schema: {
        tags,
        summary: 'Your personal API tokens',
        response: { 200: Type.Array(TokenViewSchema), ...readProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      const tokens = await ctx.store.listApiTokens(account.id);
      return tokens.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt }));
    },
  );

  app.post(
    '/api/v1/tokens',
    {
      schema: {
        tags,
        summary: 'Create a personal API token (shown once)',
        body: TokenBody,
        response: { 201: NewTokenSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      if (req.caller.via === 'token')
        throw new ApiError(403, 'session_required', 'Create tokens from a signed-in session.');
      return reply.status(201).send(await ctx.auth.createToken(account.id, req.body.name));
    },
  );

  app.delete(
    '/api/v1/tokens/:tokenId',
    {
      schema: {
        tags,
        summary: 'Delete a personal API token',
        params: TokenParams,
        response: { 204: NoContentSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const ok = await ctx.auth.deleteToken(req.params.tokenId, account.id);
      if (!ok) throw new ApiError(404, 'token_not_found', 'You have no token with this id.');
      return reply.status(204).send();
    },
  );
}
