import { createHash } from 'node:crypto';
import argon2 from 'argon2';
import { checkDisplayName, normaliseEmail } from '@peergov/kernel';
import { StoreConflictError, type Account, type Store } from '@peergov/store';
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

/** How long this process trusts a looked-up API token: a deletion by another process takes effect within this. */
const TOKEN_CACHE_MS = 5_000;
/** At most this many API tokens are remembered (the oldest lookups are dropped first). */
const TOKEN_CACHE_MAX = 10_000;

interface CachedToken {
  tokenId: string;
  account: Account;
  until: number;
}

/**
 * Accounts, sessions and tokens. Passwords are hashed with argon2id (RFC 9106 second recommended profile).
 * Valid API tokens are remembered with their account for a few seconds, so that a script's requests need no lookup
 * each; deleting a token through this service forgets it at once, and so does changing an account through
 * AccountService (`forgetAccount`). A change made by another process is seen by its tokens within TOKEN_CACHE_MS.
 */
export class AuthService {
  private readonly tokens = new Map<string, CachedToken>();
  /** Counts token deletions begun and ended, so that a lookup can tell whether one overlapped it. */
  private deletions = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Creates an account. The same work is done whether or not the email is taken (the password is hashed, then the
   * store refuses a taken email), so that the time taken does not tell; a taken email throws 409 `email_taken`,
   * which the HTTP route does not pass on (it would tell who has an account) but the operator's CLI does.
   */
  async signUp(email: string, password: string, displayName: string, locale?: string): Promise<Account> {
    const normalised = checkEmail(email);
    const name = checkDisplayName(displayName);
    const account: Account = {
      id: newId('a'),
      email: normalised,
      displayName: name,
      passwordHash: await argon2.hash(password, HASH_OPTIONS),
      createdAt: new Date().toISOString(),
      ...(locale ? { locale } : {}),
    };
    try {
      await this.store.createAccount(account);
    } catch (error) {
      if (error instanceof StoreConflictError && error.code === 'email_taken')
        throw new ApiError(409, 'email_taken', 'An account with this email already exists.');
      throw error;
    }
    return account;
  }

  /** The argon2id hash of a password. */
  hashPassword(password: string): Promise<string> {
    return argon2.hash(password, HASH_OPTIONS);
  }

  /** Whether the password is the account's. */
  verifyPassword(account: Account, password: string): Promise<boolean> {
    return argon2.verify(account.passwordHash, password).catch(() => false);
  }

  /** Forgets the API tokens remembered for an account, so that a change to it shows at once in this process. */
  forgetAccount(accountId: string): void {
    this.deletions++;
    for (const [hash, cached] of this.tokens) if (cached.account.id === accountId) this.tokens.delete(hash);
  }

  /** The account of this email and password, or 401 `invalid_credentials` (the same for an unknown email). */
  async signIn(email: string, password: string): Promise<Account> {
    const account = await this.store.findAccountByEmail(normaliseEmail(email));
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

  /** Deletes an API token of the account (and forgets it here at once); returns whether one was deleted. */
  async deleteToken(id: string, accountId: string): Promise<boolean> {
    // Forgotten before and after, and a lookup that overlapped the deletion does not remember what it found.
    this.forgetToken(id);
    try {
      return await this.store.deleteApiToken(id, accountId);
    } finally {
      this.forgetToken(id);
    }
  }

  private forgetToken(id: string): void {
    this.deletions++;
    for (const [hash, cached] of this.tokens) if (cached.tokenId === id) this.tokens.delete(hash);
  }

  // The account of a valid API token (by the token's hash), from the cache while it is fresh.
  private async tokenAccount(hash: string): Promise<Account | null> {
    const now = this.clock();
    const cached = this.tokens.get(hash);
    if (cached && cached.until > now) return cached.account;
    if (cached) this.tokens.delete(hash);
    const deletions = this.deletions;
    const token = await this.store.getApiTokenByHash(hash);
    const account = token ? await this.store.getAccount(token.accountId) : null;
    // A deletion that ran while we looked up may have removed this very token: then do not remember it.
    if (!token || !account || deletions !== this.deletions) return account;
    if (this.tokens.size >= TOKEN_CACHE_MAX) this.tokens.delete(this.tokens.keys().next().value!);
    this.tokens.set(hash, { tokenId: token.id, account, until: now + TOKEN_CACHE_MS });
    return account;
  }

  /** Resolves the caller from the Authorization header or the session cookie. */
  async identify(request: FastifyRequest): Promise<Caller> {
    const none: Caller = { account: null, via: null, csrfToken: null, sessionHash: null };
    const header = request.headers.authorization;
    if (header) {
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (token === undefined)
        throw new ApiError(401, 'invalid_token', 'The Authorization header must be "Bearer <token>".');
      const account = await this.tokenAccount(sha256(token));
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

/** The normalised form of an email address, or 400 `invalid_email`. */
export function checkEmail(email: string): string {
  const normalised = normaliseEmail(email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(normalised)) {
    throw new ApiError(400, 'invalid_email', 'That does not look like an email address.');
  }
  return normalised;
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
