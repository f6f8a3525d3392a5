import { DomainError, type DomainErrorCode } from '@peergov/kernel';
import { StoreConflictError } from '@peergov/store';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TEXT_PATTERN } from './schemas';

/** An error the API reports as it is: a status, a stable code and a sentence for a person. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// Every domain code's HTTP status, in one place.
const DOMAIN_STATUS: Record<DomainErrorCode, number> = {
  commons_exists: 409,
  commons_not_found: 404,
  not_a_member: 403,
  already_member: 409,
  already_applied: 409,
  member_not_found: 404,
  role_not_found: 404,
  role_exists: 409,
  already_holder: 409,
  not_a_holder: 409,
  unknown_class: 422,
  proposal_not_found: 404,
  proposal_exists: 409,
  proposal_closed: 409,
  proposal_still_open: 409,
  not_in_electorate: 403,
  not_proposer: 403,
  not_in_audience: 403,
  comment_not_found: 404,
  not_author: 403,
  comment_deleted: 409,
  invalid_action: 422,
  invalid_procedure: 422,
  invalid_input: 400,
  invalid_question: 422,
  invalid_ballot: 422,
  not_a_poll: 409,
  poll_needs_ballot: 409,
  not_an_election: 409,
  nominations_closed: 409,
  ballot_not_open: 409,
  already_nominated: 409,
  not_nominated: 409,
  invalid_delegation: 422,
  delegation_not_found: 404,
  last_member: 409,
  invalid_trigger: 422,
  invalid_review: 422,
  review_not_found: 404,
  nothing_due: 409,
  invalid_tiers: 422,
  invalid_domains: 422,
  entrenched: 409,
  constitution_locked: 422,
  // Resources (issue 15)
  pool_not_found: 404,
  pool_exists: 409,
  invalid_amount: 422,
  insufficient_funds: 409,
  invalid_booking: 422,
  booking_conflict: 409,
  booking_not_found: 404,
  not_allowed_to_book: 403,
};

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign in required',
  403: 'Not allowed',
  404: 'Not found',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Request too large',
  414: 'Address too long',
  415: 'Unsupported media type',
  422: 'Cannot be done',
  429: 'Too many requests',
  431: 'Request headers too large',
  500: 'Internal error',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  /** The input at fault (`title`, `action.text`), for a form to mark it. */
  field?: string;
  /** The most characters the field may have, when it has more (for a form to show it). */
  limit?: number;
  /**
   * Each thing wrong, when there are several (an amendment that would lock the constitution in, or break its
   * domains' modes): a stable code, what it is about and an English sentence, for the web app to say in its language.
   */
  problems?: { code: string; params: Record<string, string | number>; text: string }[];
}

interface AjvError {
  keyword: string;
  params: Record<string, unknown>;
}

// Plain words for the schema keywords a person is most likely to trip over.
function friendly(v: AjvError): string | null {
  const p = v.params ?? {};
  switch (v.keyword) {
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must have at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `must have at most ${String(p.limit)} characters`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items`;
    case 'required':
      return `is missing the field "${String(p.missingProperty)}"`;
    case 'format':
      return p.format === 'email'
        ? 'must be an email address'
        : p.format === 'date-time'
          ? 'must be a date and time (ISO 8601)'
          : null;
    case 'type':
      return `must be ${p.type === 'object' ? 'an object' : p.type === 'array' ? 'a list' : `a ${String(p.type)}`}`;
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    default:
      return null;
  }
}

/** A field's path in words: `displayName` is "The display name", `action.text` "The text (action.text)". */
function fieldLabel(path: string): string {
  const parts = path.split('.');
  const last = parts.filter((x) => !/^\d+$/.test(x)).pop() ?? path;
  const words = last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `The ${words}${parts.length > 1 ? ` (${path})` : ''}`;
}

/** A problem document of this status and code. */
export const makeProblem = (status: number, code: string, detail: string): Problem => ({
  type: `https://peergov.org/problems/${code}`,
  title: TITLES[status] ?? 'Error',
  status,
  code,
  detail,
});

/** Maps any error to a problem: the only place errors become HTTP. */
export function toProblem(error: unknown): Problem {
  const make = makeProblem;
  if (error instanceof ApiError) return make(error.status, error.code, error.message);
  if (error instanceof DomainError) {
    const problem = make(DOMAIN_STATUS[error.code] ?? 400, error.code, error.message);
    const list = error.details.problems;
    return Array.isArray(list) ? { ...problem, problems: list as Problem['problems'] } : problem;
  }
  if (error instanceof StoreConflictError) {
    if (error.code === 'email_taken')
      return make(409, 'email_taken', 'An account with this email already exists.');
    return make(409, 'conflict', 'Someone else changed this at the same moment; please try again.');
  }
  const fe = error as FastifyError & {
    validation?: {
      keyword?: string;
      instancePath: string;
      message?: string;
      params?: Record<string, unknown>;
    }[];
    validationContext?: string;
  };
  const v = fe && Array.isArray(fe.validation) ? fe.validation[0] : undefined;
  if (v) {
    const where = `${fe.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`;
    let detail = `${where} ${friendly(v as AjvError) ?? v.message ?? 'is invalid'}`;
    if (v.params && 'additionalProperty' in v.params)
      detail = `${where} has an unknown field "${String(v.params.additionalProperty)}"`;
    if (v.params?.pattern === TEXT_PATTERN)
      detail = `${where} contains a NUL character or a lone UTF-16 surrogate, which text cannot hold`;
    if (v.params && 'allowedValues' in v.params)
      detail += `: ${(v.params.allowedValues as unknown[]).join(', ')}`;
    const field = v.instancePath.slice(1).replace(/\//g, '.');
    // `limit` only for text too long: the one limit a form shows beside its field (its counter).
    const limit =
      v.keyword === 'maxLength' && typeof v.params?.limit === 'number' ? v.params.limit : undefined;
    // Too long: said for a person, naming the field and its limit (nothing is ever cut to fit).
    if (field && limit !== undefined)
      detail = `${fieldLabel(field)} is too long: it may have at most ${limit.toLocaleString('en')} characters. Shorten it and send it again.`;
    return {
      ...make(400, 'invalid_request', detail),
      ...(field ? { field } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
  }
  if (fe?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe instanceof SyntaxError && fe.statusCode === 400)) {
    return make(400, 'malformed_json', `The request body is not valid JSON: ${fe.message}`);
  }
  if (fe?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return make(400, 'malformed_json', 'The request body is empty but JSON was declared.');
  }
  if (fe?.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return make(413, 'payload_too_large', 'The request body is too large.');
  if (fe?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return make(415, 'unsupported_media_type', 'Send the request body as application/json.');
  }
  if (fe?.code === 'FST_ERR_BAD_URL')
    return make(400, 'invalid_url', 'The address has a malformed percent-encoding.');
  if (fe?.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return make(414, 'uri_too_long', 'A part of the address is too long.');
  if (fe?.statusCode === 429)
    return make(429, 'rate_limited', 'Too many attempts; wait a minute and try again.');
  if (fe?.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return make(fe.statusCode, 'bad_request', fe.message);
  }
  return make(500, 'internal', 'Something went wrong on our side; it has been logged.');
}

/** Fastify error handler sending problem+json. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const problem = toProblem(error);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  const retryAfter = (error as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
  void reply.status(problem.status).type('application/problem+json').send(problem);
}

/**
 * The whole HTTP response for an error of the HTTP parser (the request never reached Fastify): a problem document
 * and `Connection: close`, as raw bytes for the socket.
 */
export function rawProblemResponse(error: { code?: string }): string {
  const [status, code, detail]: [number, string, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request took too long to arrive.']
        : [400, 'bad_request', 'The request is not well-formed HTTP.'];
  const body = JSON.stringify(makeProblem(status, code, detail));
  return (
    `HTTP/1.1 ${status} ${TITLES[status]}\r\n` +
    'Content-Type: application/problem+json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Cache-Control: no-store\r\n' +
    'X-Content-Type-Options: nosniff\r\n' +
    'Connection: close\r\n\r\n' +
    body
  );
}
