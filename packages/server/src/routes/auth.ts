import type { FastifyInstance } from 'fastify';
import { requireAccount, setSessionCookie, SESSION_COOKIE } from '../auth';
import type { AppContext } from '../context';
import { ApiError } from '../problems';
import {
  errorResponses,
  SignInBody,
  SignUpBody,
  TokenBody,
  TokenParams,
  type SignInBody as SignIn,
  type SignUpBody as SignUp,
} from '../schemas';

const publicAccount = (a: { id: string; email: string; displayName: string; createdAt: string }) => ({
  id: a.id,
  email: a.email,
  displayName: a.displayName,
  createdAt: a.createdAt,
});

/** Sign-up, sign-in, sessions and personal API tokens. */
export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  const secure = ctx.config.secureCookies ?? false;
  const tags = ['auth'];

  app.post(
    '/api/v1/auth/signup',
    {
      schema: { tags, summary: 'Create an account and sign in', body: SignUpBody, response: errorResponses },
      // Each sign-up costs an argon2id hash (19 MiB): limit them per address.
      config: { rateLimit: { max: ctx.config.signUpPerHour ?? 30, timeWindow: '1 hour' } },
    },
    async (req, reply) => {
      const body = req.body as SignUp;
      const account = await ctx.auth.signUp(body.email, body.password, body.displayName);
      const { token, csrfToken } = await ctx.auth.createSession(account.id);
      setSessionCookie(reply, token, secure);
      return reply.status(201).send({ account: publicAccount(account), csrfToken });
    },
  );

  app.post(
    '/api/v1/auth/signin',
    {
      schema: {
        tags,
        summary: 'Sign in with email and password',
        body: SignInBody,
        response: errorResponses,
      },
      config: {
        rateLimit: {
          max: ctx.config.signInPerMinute ?? 10,
          timeWindow: '1 minute',
          // Counted once the body is parsed: at onRequest the key lacked the email, so the limit was per address
          // alone and one person's failures locked out everyone signing in from the same address.
          hook: 'preHandler',
          keyGenerator: (req) =>
            `${req.ip}|${String((req.body as SignIn | undefined)?.email ?? '').toLowerCase()}`,
        },
      },
    },
    async (req, reply) => {
      const body = req.body as SignIn;
      const account = await ctx.auth.signIn(body.email, body.password);
      const { token, csrfToken } = await ctx.auth.createSession(account.id);
      setSessionCookie(reply, token, secure);
      return { account: publicAccount(account), csrfToken };
    },
  );

  app.post('/api/v1/auth/signout', { schema: { tags, summary: 'End this session' } }, async (req, reply) => {
    if (req.caller.sessionHash) await ctx.store.deleteSession(req.caller.sessionHash);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/v1/auth/session', { schema: { tags, summary: 'Who is signed in' } }, async (req) => ({
    account: req.caller.account ? publicAccount(req.caller.account) : null,
    csrfToken: req.caller.csrfToken,
  }));

  app.get('/api/v1/tokens', { schema: { tags, summary: 'Your personal API tokens' } }, async (req) => {
    const account = requireAccount(req);
    const tokens = await ctx.store.listApiTokens(account.id);
    return tokens.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt }));
  });

  app.post(
    '/api/v1/tokens',
    {
      schema: {
        tags,
        summary: 'Create a personal API token (shown once)',
        body: TokenBody,
        response: errorResponses,
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      if (req.caller.via === 'token')
        throw new ApiError(403, 'session_required', 'Create tokens from a signed-in session.');
      return reply
        .status(201)
        .send(await ctx.auth.createToken(account.id, (req.body as { name: string }).name));
    },
  );

  app.delete(
    '/api/v1/tokens/:tokenId',
    {
      schema: { tags, summary: 'Delete a personal API token', params: TokenParams, response: errorResponses },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const ok = await ctx.auth.deleteToken((req.params as { tokenId: string }).tokenId, account.id);
      if (!ok) throw new ApiError(404, 'token_not_found', 'You have no token with this id.');
      return reply.status(204).send();
    },
  );
}
