import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { checkCsrf } from './auth';
import type { AppContext } from './context';
import { ApiError, sendProblem } from './problems';
import { authRoutes } from './routes/auth';
import { commonsRoutes } from './routes/commons';
import { liveRoutes } from './routes/live';
import { logRoutes } from './routes/log';
import { platformRoutes } from './routes/platform';
import { ProblemSchema } from './schemas';

/** Builds the HTTP application on a context: plugins, the auth hooks, every route and the web app. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: ctx.config.logLevel ?? 'info' },
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // Errors the router raises before any hook runs (malformed percent-encoding, over-long path parameter).
    frameworkErrors: (error, request, reply) => {
      securityHeaders(reply);
      sendProblem(error, request, reply);
    },
    ajv: {
      // Unknown fields are errors, not silently dropped; types are not coerced.
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        discriminator: true,
        allErrors: false,
      },
    },
  });

  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  // The API speaks JSON only: a text/plain body (which a cross-site form can send) is refused with a 415.
  app.removeContentTypeParser('text/plain');
  app.addSchema(ProblemSchema);

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'peergov API',
        version: '0.1.0',
        description:
          'Peer governance: commons decide under their own constitution. Errors are application/problem+json with a stable `code`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'peergov_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.decorateRequest('caller', null as never);
  app.addHook('onRequest', async (request) => {
    request.caller = { account: null, via: null, csrfToken: null, sessionHash: null };
    if (request.url.startsWith('/api/v1/')) request.caller = await ctx.auth.identify(request);
  });
  app.addHook('preHandler', async (request) => checkCsrf(request));
  app.addHook('onSend', async (request, reply) => {
    securityHeaders(reply);
    // API answers carry session CSRF tokens, new API tokens and members' views: no cache may keep them.
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  platformRoutes(app, ctx);
  authRoutes(app, ctx);
  commonsRoutes(app, ctx);
  logRoutes(app, ctx);
  liveRoutes(app, ctx);

  const dist = ctx.config.webDist;
  const hasWeb = !!dist && existsSync(join(dist, 'index.html'));
  if (hasWeb)
    await app.register(fastifyStatic, { root: dist, prefix: '/', wildcard: false, index: 'index.html' });
  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' && hasWeb && !request.url.startsWith('/api/')) {
      return reply.type('text/html').sendFile('index.html');
    }
    sendProblem(
      new ApiError(404, 'not_found', `There is nothing at ${request.method} ${request.url.split('?')[0]}.`),
      request,
      reply,
    );
  });
  return app;
}

function securityHeaders(reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
}
