import { createHash } from 'node:crypto';
import argon2 from 'argon2';
import type { Account, Store } from '@peergov/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { newId, newSecret } from './ids';
import { ApiError } from './problems';

export const SESSION_COOKIE = 'peergov_session';
const SESSION_DAYS = 30;

/** Who made a request: an account through a session cookie or a bearer token, or nobody. */
export interface Caller {
  account: Account | null;
  via: 'session' | 'token' | null;
  csrfToken: string | null;
  sessionHash: string | null;
}

const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
let unknownAccountHash: Promise<string> | undefined;

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Accounts, sessions and tokens. Passwords are hashed with argon2id (RFC 9106 second recommended profile). */
export class AuthService {
  constructor(private readonly store: Store) {}

  async signUp(email: string, password: string, displayName: string): Promise<Account> {
    const normalised = email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(normalised)) {
      throw new ApiError(400, 'invalid_email', 'That does not look like an email address.');
    }
    if (displayName.trim().length === 0)
      throw new ApiError(400, 'invalid_request', 'Please give a display name.');
    if (await this.store.findAccountByEmail(normalised)) {
      throw new ApiError(409, 'email_taken', 'An account with this email already exists.');
    }
    const account: Account = {
      id: newId('a'),
      email: normalised,
      displayName: displayName.trim(),
      passwordHash: await argon2.hash(password, HASH_OPTIONS),
      createdAt: new Date().toISOString(),
    };
    await this.store.createAccount(account);
    return account;
  }

  async signIn(email: string, password: string): Promise<Account> {
    const account = await this.store.findAccountByEmail(email.trim().toLowerCase());
    // An unknown email is checked against a stand-in hash, so that the time taken does not tell who has an account.
    unknownAccountHash ??= argon2.hash(newSecret(), HASH_OPTIONS);
    const ok = await argon2
      .verify(account?.passwordHash ?? (await unknownAccountHash), password)
      .catch(() => false);
    if (!account || !ok)
      throw new ApiError(401, 'invalid_credentials', 'The email or password is not right.');
    return account;
  }

  async createSession(accountId: string): Promise<{ token: string; csrfToken: string }> {
    const token = newSecret();
    const csrfToken = newSecret(24);
    const now = new Date();
    await this.store.createSession({
      tokenHash: sha256(token),
      accountId,
      csrfToken,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString(),
    });
    return { token, csrfToken };
  }

  async createToken(accountId: string, name: string): Promise<{ id: string; name: string; token: string }> {
    const token = `pgv_${newSecret()}`;
    const id = newId('t');
    await this.store.createApiToken({
      id,
      accountId,
      name,
      tokenHash: sha256(token),
      createdAt: new Date().toISOString(),
    });
    return { id, name, token };
  }

  /** Resolves the caller from the Authorization header or the session cookie. */
  async identify(request: FastifyRequest): Promise<Caller> {
    const none: Caller = { account: null, via: null, csrfToken: null, sessionHash: null };
    const header = request.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new ApiError(401, 'invalid_token', 'The Authorization header must be "Bearer <token>".');
      const token = await this.store.getApiTokenByHash(sha256(m[1]));
      const account = token ? await this.store.getAccount(token.accountId) : null;
      if (!account)
        throw new ApiError(401, 'invalid_token', 'This API token is not valid (it may have been deleted).');
      return { account, via: 'token', csrfToken: null, sessionHash: null };
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (!cookie) return none;
    const hash = sha256(cookie);
    const session = await this.store.getSession(hash);
    if (!session || session.expiresAt < new Date().toISOString()) return none;
    const account = await this.store.getAccount(session.accountId);
    return account ? { account, via: 'session', csrfToken: session.csrfToken, sessionHash: hash } : none;
  }
}

/** The signed-in account, or a 401. */
export function requireAccount(request: FastifyRequest): Account {
  const account = request.caller?.account;
  if (!account) throw new ApiError(401, 'unauthenticated', 'Please sign in first.');
  return account;
}

/** Cookie-authenticated writes must echo the session's CSRF token (double submit through a header). */
export function checkCsrf(request: FastifyRequest): void {
  const caller = request.caller;
  if (!caller || caller.via !== 'session') return;
  if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return;
  if (request.headers['x-csrf-token'] !== caller.csrfToken) {
    throw new ApiError(403, 'csrf_failed', 'This request lacks the x-csrf-token header of your session.');
  }
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: SESSION_DAYS * 86_400,
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}
