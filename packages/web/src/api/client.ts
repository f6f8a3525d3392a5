// A small fetch client: same-origin cookies, the CSRF header on writes, problem+json turned into ApiError.
// Each call's answer is typed by its route (the maps below, of the server's response schemas): the one place where
// JSON becomes a typed value.
import type {
  Accepted,
  Account,
  InvitationAccepted,
  InvitationPreview,
  InvitationView,
  NewInvitation,
  Outbox,
  CheckpointAnswer,
  CommentDetail,
  CommentPage,
  CommentView,
  Delegations,
  Commons,
  Member,
  MemberPage,
  PositionPage,
  CommonsDirectory,
  ConsistencyAnswer,
  Health,
  InclusionProof,
  LogPage,
  NewToken,
  Proposal,
  Replay,
  ProposalSummary,
  SessionInfo,
  Setup,
  SignedIn,
  SignUpAccepted,
  Template,
  ReviewList,
  ReviewView,
  TokenView,
  Verification,
  NotificationPage,
  NotificationSettingsView,
  NotificationView,
  Unread,
  PoolList,
  PoolStatement,
  AmendmentPreview,
  ProblemLine,
} from './types';

/** An error the API reported (application/problem+json), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    /** The input at fault and the limit it passed, when the problem names them (an over-long field). */
    readonly field?: string,
    readonly limit?: number,
    /** Each thing wrong, when the problem lists several (a refused amendment: lock-in, a domain's mode). */
    readonly problems?: ProblemLine[],
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token, sent with every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

// A path inside one commons, and inside one of its proposals (ids are any segment the caller builds).
type InCommons = `/api/v1/commons/${string}`;
type InProposal = `${InCommons}/proposals/${string}`;

/**
 * What each route answers, method and path (a query string aside), most specific first. A path no route matches
 * answers `never`: the call does not type-check where its answer is used.
 */
export type Answer<M extends Method, P extends string> = P extends `${infer Path}?${string}`
  ? Answer<M, Path>
  : M extends 'GET'
    ? P extends '/api/v1/health'
      ? Health
      : P extends '/api/v1/setup'
        ? Setup
        : P extends '/api/v1/templates'
          ? Template[]
          : P extends '/api/v1/auth/session'
            ? SessionInfo
            : P extends '/api/v1/account'
              ? Account
              : P extends '/api/v1/account/notifications'
                ? NotificationSettingsView
                : P extends '/api/v1/notifications'
                  ? NotificationPage
                  : P extends '/api/v1/admin/outbox'
                    ? Outbox
                    : P extends `${InCommons}/invitations`
                      ? InvitationView[]
                      : P extends '/api/v1/tokens'
                        ? TokenView[]
                        : P extends '/api/v1/commons'
                          ? CommonsDirectory
                          : P extends `${InCommons}/log/verify`
                            ? Verification
                            : P extends `${InCommons}/log/checkpoint`
                              ? CheckpointAnswer
                              : P extends `${InCommons}/log/consistency`
                                ? ConsistencyAnswer
                                : P extends `${InCommons}/log/proof/${string}`
                                  ? InclusionProof
                                  : P extends `${InCommons}/log`
                                    ? LogPage
                                    : P extends `${InCommons}/reviews`
                                      ? ReviewList
                                      : P extends `${InProposal}/positions`
                                        ? PositionPage
                                        : P extends `${InProposal}/waiting`
                                          ? MemberPage
                                          : P extends `${InProposal}/comments/${string}`
                                            ? CommentDetail
                                            : P extends `${InProposal}/comments`
                                              ? CommentPage
                                              : P extends `${InProposal}/replay`
                                                ? Replay
                                                : P extends `${InCommons}/delegations`
                                                  ? Delegations
                                                  : P extends `${InCommons}/pools/${string}`
                                                    ? PoolStatement
                                                    : P extends `${InCommons}/pools`
                                                      ? PoolList
                                                      : P extends InProposal
                                                        ? Proposal
                                                        : P extends `${InCommons}/members/${string}`
                                                          ? Member
                                                          : P extends `${InCommons}/members`
                                                            ? MemberPage
                                                            : P extends `${InCommons}/proposals${string}`
                                                              ? ProposalSummary[]
                                                              : P extends InCommons
                                                                ? Commons
                                                                : never
    : M extends 'POST'
      ? P extends '/api/v1/auth/signup'
        ? SignUpAccepted
        : P extends '/api/v1/auth/signin'
          ? SignedIn
          : P extends '/api/v1/auth/signout' | '/api/v1/auth/signout-everywhere'
            ? void
            : P extends '/api/v1/auth/password-reset' | '/api/v1/account/email'
              ? Accepted
              : P extends '/api/v1/auth/password-reset/confirm'
                ? SignedIn
                : P extends '/api/v1/account/email/confirm'
                  ? Account
                  : P extends
                        | '/api/v1/account/password'
                        | '/api/v1/mail/unsubscribe'
                        | '/api/v1/notifications/unsubscribe'
                    ? void
                    : P extends '/api/v1/notifications/read-all'
                      ? Unread
                      : P extends `/api/v1/notifications/${string}/read`
                        ? NotificationView
                        : P extends '/api/v1/invitations/lookup'
                          ? InvitationPreview
                          : P extends '/api/v1/invitations/accept'
                            ? InvitationAccepted
                            : P extends `${InCommons}/invitations`
                              ? NewInvitation
                              : P extends '/api/v1/tokens'
                                ? NewToken
                                : P extends '/api/v1/commons'
                                  ? Commons
                                  : P extends `${InProposal}/comments`
                                    ? CommentView
                                    : P extends
                                          `${InProposal}/withdraw` | `${InProposal}/nominations${string}`
                                      ? Proposal
                                      : P extends `${InCommons}/delegations/revoke`
                                        ? Delegations
                                        : P extends `${InCommons}/applications` | `${InCommons}/proposals`
                                          ? Proposal
                                          : P extends `${InCommons}/leave`
                                            ? Commons
                                            : P extends `${InCommons}/replay`
                                              ? Replay
                                              : P extends `${InCommons}/constitution/diff`
                                                ? AmendmentPreview
                                                : never
      : M extends 'PUT'
        ? P extends `${InProposal}/position` | `${InProposal}/ballot`
          ? Proposal
          : P extends `${InCommons}/reviews/${string}/answer`
            ? ReviewView
            : P extends `${InCommons}/delegations`
              ? Delegations
              : never
        : M extends 'PATCH'
          ? P extends '/api/v1/account'
            ? Account
            : P extends '/api/v1/account/notifications'
              ? NotificationSettingsView
              : P extends `${InProposal}/comments/${string}`
                ? CommentView
                : never
          : M extends 'DELETE'
            ? P extends `/api/v1/tokens/${string}`
              ? void
              : P extends `${InProposal}/comments/${string}`
                ? CommentView
                : never
            : never;

/**
 * A fresh Idempotency-Key: 128 random bits in hex. From getRandomValues, which (unlike randomUUID) also works on a
 * page served over plain http from another host than localhost.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface RequestOptions {
  /** Sent as `Idempotency-Key`: the server answers a repeat of this request with its first answer. */
  idempotencyKey?: string;
}

/** Calls the API and returns the parsed JSON body (undefined for 204), typed by its route. */
export async function request<M extends Method, P extends string>(
  method: M,
  path: P,
  body?: unknown,
  options: RequestOptions = {},
): Promise<Answer<M, P>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  if (res.status === 204) return undefined as Answer<M, P>;
  const type = res.headers.get('content-type') ?? '';
  const payload: unknown = type.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const p = (payload ?? {}) as {
      code?: string;
      detail?: string;
      title?: string;
      field?: unknown;
      limit?: unknown;
      problems?: unknown;
    };
    throw new ApiError(
      res.status,
      p.code ?? `http_${res.status}`,
      p.detail ?? p.title ?? res.statusText,
      typeof p.field === 'string' ? p.field : undefined,
      typeof p.limit === 'number' ? p.limit : undefined,
      Array.isArray(p.problems) ? (p.problems as ProblemLine[]) : undefined,
    );
  }
  // The server serialises each answer with the response schema its type comes from.
  return payload as Answer<M, P>;
}

export const api = {
  get: <P extends string>(path: P) => request('GET', path),
  post: <P extends string>(path: P, body?: unknown, options?: RequestOptions) =>
    request('POST', path, body ?? {}, options),
  put: <P extends string>(path: P, body?: unknown) => request('PUT', path, body ?? {}),
  patch: <P extends string>(path: P, body?: unknown) => request('PATCH', path, body ?? {}),
  del: <P extends string>(path: P) => request('DELETE', path),
};
