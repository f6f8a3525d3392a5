import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { checkCsrf } from './auth';
import type { AppContext } from './context';
import { IdempotencyKeys } from './idempotency';
import { ApiError, rawProblemResponse, sendProblem } from './problems';
import { accountRoutes } from './routes/account';
import { authRoutes } from './routes/auth';
import { commonsRoutes } from './routes/commons';
import { consistencyRoutes } from './routes/consistency';
import { invitationRoutes } from './routes/invitations';
import { liveRoutes } from './routes/live';
import { logRoutes } from './routes/log';
import { mailRoutes } from './routes/mail';
import { notificationRoutes } from './routes/notifications';
import { pageRoutes } from './routes/pages';
import { poolRoutes } from './routes/pools';
import { commentRoutes } from './routes/comments';
import { platformRoutes } from './routes/platform';
import { rulesRoutes } from './routes/rules';
import { ProblemSchema } from './schemas';

/** Builds the HTTP application on a context: plugins, the auth hooks, every route and the web app. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: ctx.config.logLevel ?? 'info' },
    bodyLimit: 1024 * 1024,
    serializerOpts: { ajv: { code: { optimize: false } } },
    // Behind a reverse proxy, the client's address (for the limits) and protocol (for Secure cookies) come from the
    // X-Forwarded-* headers of the proxies trusted here, and from no one by default.
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    // Errors of Node's HTTP parser (headers too large, malformed request line...) never reach a handler: they are
    // answered here, on the raw socket, as problem+json too.
    clientErrorHandler: (error, socket) => {
      if ((error as { code?: string }).code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(rawProblemResponse(error as { code?: string }));
      socket.destroy(error);
    },
    // Errors the router raises before any hook runs (malformed percent-encoding, over-long path parameter).
    frameworkErrors: (error, request, reply) => {
      securityHeaders(reply, request.url);
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
  ctx.mailer.logTo(app.log);
  ctx.notifications.logTo(app.log);
  // The API speaks JSON only: a text/plain body (which a cross-site form can send) is refused with a 415.
  app.removeContentTypeParser('text/plain');
  // JSON bodies must be valid UTF-8: the default parser silently turned bad bytes into U+FFFD, which was stored.
  // Decoded strictly here, then parsed by Fastify's own parser (empty body, malformed JSON, and __proto__ or
  // constructor.prototype keys refused as before).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new ApiError(400, 'invalid_utf8', 'The request body is not valid UTF-8.'), undefined);
      return;
    }
    // The default parser is the callback form: it answers through done and returns nothing to await.
    void parseJson(request, text, done);
  });
  app.addSchema(ProblemSchema);

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    // Shared schemas keep their $id as their name in components.schemas (the problem is "Problem", not "def-0").
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
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
  // After the CSRF check: a key replays an answer only to a request that could have made it.
  new IdempotencyKeys().register(app);
  app.addHook('onSend', async (request, reply) => {
    securityHeaders(reply, request.url);
    // API answers carry session CSRF tokens, new API tokens and members' views: no cache may keep them.
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  platformRoutes(app, ctx);
  authRoutes(app, ctx);
  accountRoutes(app, ctx);
  await mailRoutes(app, ctx);
  await notificationRoutes(app, ctx);
  commonsRoutes(app, ctx);
  rulesRoutes(app, ctx);
  invitationRoutes(app, ctx);
  pageRoutes(app, ctx);
  poolRoutes(app, ctx);
  commentRoutes(app, ctx);
  logRoutes(app, ctx);
  consistencyRoutes(app, ctx);
  liveRoutes(app, ctx);

  const dist = ctx.config.webDist;
  const hasWeb = !!dist && existsSync(join(dist, 'index.html'));
  const assetsDir = dist ? join(resolve(dist), 'assets') + sep : '';
  if (hasWeb)
    await app.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      wildcard: false,
      index: 'index.html',
      // The build writes .br and .gz beside each text file (packages/web/vite.config.ts); sent by Accept-Encoding.
      preCompressed: true,
      cacheControl: false,
      // Files under /assets/ have a content hash in their name: cached for good. Anything else (index.html, the
      // icon) is revalidated, so a new build is seen at once.
      setHeaders(reply, path) {
        reply.header(
          'cache-control',
          path.startsWith(assetsDir) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  app.setNotFoundHandler((request, reply) => {
    // App paths get the app; a missing hashed asset (a page from an older build) is a 404, never HTML in its place.
    if (
      request.method === 'GET' &&
      hasWeb &&
      !request.url.startsWith('/api/') &&
      !request.url.startsWith('/assets/')
    ) {
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

// The web app: its own scripts and styles only (the build has no inline script or style element), images of its own
// or data: URIs (the icon), requests and live updates to this server only; no plugins, no framing, no <base>.
const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
// The API's documents are data, never a page: nothing may load or run in them.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// Swagger UI (/api/docs): its scripts and styles are files of its own; it sets inline style attributes.
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
// Powerful features no page of the platform uses.
const PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'bluetooth',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'hid',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'publickey-credentials-get',
  'serial',
  'usb',
  'xr-spatial-tracking',
  'interest-cohort',
  'browsing-topics',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

/** Fastify's trustProxy from the configuration: a number of hops becomes "trust the first n hops". */
function trustProxyOption(
  value: boolean | number | string | string[] | undefined,
): boolean | string | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value === 'number') return (_address, hop) => hop < value;
  return value ?? false;
}

function securityHeaders(reply: FastifyReply, url: string): void {
  const [path = url] = url.split('?', 1);
  const csp =
    path === '/api/docs' || path.startsWith('/api/docs/')
      ? DOCS_CSP
      : path.startsWith('/api/')
        ? API_CSP
        : APP_CSP;
  reply.header('content-security-policy', csp);
  reply.header('permissions-policy', PERMISSIONS_POLICY);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
  reply.header('cross-origin-opener-policy', 'same-origin');
}
