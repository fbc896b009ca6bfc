// The one place where an error gets its HTTP status. Services throw plain domain errors (shared/errors.ts);
// STATUS_OF_KIND gives each kind its status and title, and problem.ts turns them into RFC 9457
// problem+json. The few failures only the edge can meet (a body too large, a wrong media type) are
// HttpErrors here. Anything else is a 500 that reveals nothing but a request id.
import type { DomainError, ErrorCode, ErrorKind } from '#shared/errors';

/**
 * The stable problem codes clients switch on: `code` of every problem+json, and its `type` URI
 * (`urn:runningcoach:problem:<code>`). The OpenAPI Problem schema and the README list the same codes.
 */
export const PROBLEM_CODES = {
  validation_failed: 'A field of the body, query or path is missing or wrong (400 for query and path, 422 for the body); `errors` names each',
  malformed_body: 'The body is not valid JSON (400)',
  unauthorized: 'No bearer token, or one that is invalid or expired (401): refresh it, or sign in again',
  invalid_credentials: 'Wrong email or password, or a refresh token that is unknown, used or expired (401)',
  forbidden: 'The token is valid but may not do this (403)',
  not_found: 'No such route, or no such resource of yours (404)',
  conflict: 'The request contradicts what is stored, such as an email already registered (409)',
  payload_too_large: "The body exceeds the route's limit (413)",
  unsupported_media_type: 'The body is not sent with a content type the route accepts (415)',
  unprocessable: 'Well-formed, but refused by a rule that needs what is stored (422); `errors` names each field',
  rate_limited: 'Too many requests; retry after the Retry-After seconds (429)',
  request_rejected: 'Refused by the gateway before reaching the service (other 4xx)',
  internal_error: 'Something went wrong on our side (500); quote the requestId',
  bad_gateway: 'The function behind the route failed (502)',
  service_unavailable: 'A dependency is unavailable; retry after the Retry-After seconds (503)',
  gateway_timeout: 'The function did not answer in time (504)',
  gateway_error: 'The gateway failed (other 5xx)',
} as const;
export type ProblemCode = keyof typeof PROBLEM_CODES;

export const problemType = (code: ProblemCode) => `urn:runningcoach:problem:${code}`;

/** The code of a status when the error does not name a more precise one. */
export const CODE_OF_STATUS: Readonly<Record<number, ProblemCode>> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

type Documented<C extends ProblemCode> = C;
/** The codes domain errors carry: a code that is not in PROBLEM_CODES does not compile. */
export type DomainProblemCode = Documented<ErrorCode>;

/** A failure of the HTTP exchange itself, which no service can meet. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly code: ProblemCode,
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'Content Too Large', `The request body exceeds ${limitBytes} bytes`, 'payload_too_large');
  }
}

export class UnsupportedMediaType extends HttpError {
  constructor(detail = 'Send the body as application/json') {
    super(415, 'Unsupported Media Type', detail, 'unsupported_media_type');
  }
}

/** The status and title of each kind of domain error: a new kind does not compile until it has one. */
export const STATUS_OF_KIND: Readonly<Record<ErrorKind, { status: number; title: string }>> = {
  invalid_input: { status: 400, title: 'Bad Request' },
  unauthenticated: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not Found' },
  conflict: { status: 409, title: 'Conflict' },
  unprocessable: { status: 422, title: 'Unprocessable Content' },
  rate_limited: { status: 429, title: 'Too Many Requests' },
  upstream_failed: { status: 502, title: 'Bad Gateway' },
  unavailable: { status: 503, title: 'Service Unavailable' },
};

/** Headers a kind sends: the scheme to authenticate with, and when to come back (whole seconds, at least 1). */
export function headersOf(error: DomainError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (error.kind === 'unauthenticated') headers['WWW-Authenticate'] = 'Bearer';
  if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  return headers;
}
