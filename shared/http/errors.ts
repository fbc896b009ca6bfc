// Expected failures are typed errors with a status; one place (problem.ts) turns them into RFC 9457
// problem+json. Anything else is a 500 that reveals nothing but a request id.

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

export interface FieldError {
  /** Where the problem is: `body.password`, `query.from`, `params.id`. */
  field: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; code?: ProblemCode } = {},
  ) {
    super(detail ?? title);
    this.name = new.target.name;
  }

  get code(): ProblemCode {
    return this.extra.code ?? CODE_OF_STATUS[this.status] ?? (this.status < 500 ? 'request_rejected' : 'internal_error');
  }
}

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

export class BadRequest extends HttpError {
  constructor(detail: string, errors?: FieldError[], code: ProblemCode = 'validation_failed') {
    super(400, 'Bad Request', detail, { errors, code });
  }
}

export class Unauthorized extends HttpError {
  constructor(detail = 'A valid bearer token is required', code: ProblemCode = 'unauthorized') {
    super(401, 'Unauthorized', detail, { headers: { 'WWW-Authenticate': 'Bearer' }, code });
  }
}

export class Forbidden extends HttpError {
  constructor(detail = 'Not allowed') {
    super(403, 'Forbidden', detail);
  }
}

export class NotFound extends HttpError {
  constructor(detail = 'Not found') {
    super(404, 'Not Found', detail);
  }
}

export class Conflict extends HttpError {
  constructor(detail: string) {
    super(409, 'Conflict', detail);
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'Content Too Large', `The request body exceeds ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaType extends HttpError {
  constructor(detail = 'Send the body as application/json') {
    super(415, 'Unsupported Media Type', detail);
  }
}

export class Unprocessable extends HttpError {
  /** `validation_failed`: the body breaks its schema; `unprocessable`: a rule that needs what is stored. */
  constructor(errors: FieldError[], code: ProblemCode = 'unprocessable') {
    super(422, 'Unprocessable Content', describeFieldErrors(errors), { errors, code });
  }
}

export class TooManyRequests extends HttpError {
  constructor(retryAfterSeconds: number, detail = 'Too many attempts; try again later') {
    super(429, 'Too Many Requests', detail, { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}

/** Every 503 says when to come back: clients and SDKs back off by Retry-After. */
export class ServiceUnavailable extends HttpError {
  constructor(detail = 'Temporarily unavailable; retry later', retryAfterSeconds = 30) {
    super(503, 'Service Unavailable', detail, { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}

/** "sleepQuality must be a whole number from 1 to 10; date must be a date written YYYY-MM-DD" */
export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => e.message).join('; ');
}
