// Expected failures, in the product's words. Services throw these plain errors and know nothing of HTTP:
// the API edge (shared/http/problem.ts) gives each kind its status and problem+json, and a queue worker
// asks `isPermanent` whether a retry could help. Anything that is not a DomainError is unexpected.

/** A field a person can fix: `body.password`, `query.from`, `params.id`, and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/** "sleepQuality must be a whole number from 1 to 10; date must be a date written YYYY-MM-DD" */
export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => e.message).join('; ');
}

/**
 * The stable problem codes a domain error may carry (a subset of the API's PROBLEM_CODES in
 * shared/http/errors.ts, which checks that it is one).
 */
export type ErrorCode =
  | 'validation_failed'
  | 'malformed_body'
  | 'unauthorized'
  | 'invalid_credentials'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'service_unavailable'
  | 'bad_gateway';

/** What went wrong, as the edge switches on it: one status per kind (shared/http/errors.ts STATUS_OF_KIND). */
export type ErrorKind =
  | 'invalid_input'
  | 'unprocessable'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable'
  | 'upstream_failed';

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  abstract readonly code: ErrorCode;
  /** The same request, unchanged, may succeed later: a worker retries it; otherwise retrying cannot help. */
  abstract readonly transient: boolean;
  /** When to come back, in seconds (transient errors; the edge sends it as Retry-After). */
  readonly retryAfterSeconds?: number;
  /** The fields to fix, each named. */
  readonly errors?: readonly FieldError[];

  constructor(detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}

/** The request is wrong as written (a query, path or body field, a cursor, a refused code): fix it and send again. */
export class InvalidInput extends DomainError {
  readonly kind = 'invalid_input';
  readonly transient = false;
  constructor(
    detail: string,
    override readonly errors?: readonly FieldError[],
    readonly code: 'validation_failed' | 'malformed_body' = 'validation_failed',
  ) {
    super(detail);
  }
}

/**
 * Well-formed, but refused by a rule (most need what is stored: a day after the athlete's today, a race
 * that has passed). `validation_failed` when the body breaks its own schema.
 */
export class Unprocessable extends DomainError {
  readonly kind = 'unprocessable';
  readonly transient = false;
  constructor(
    override readonly errors: readonly FieldError[],
    readonly code: 'unprocessable' | 'validation_failed' = 'unprocessable',
  ) {
    super(describeFieldErrors(errors));
  }
}

/** No one, or no longer anyone, is signed in: a missing, invalid or expired token or credential. */
export class Unauthenticated extends DomainError {
  readonly kind = 'unauthenticated';
  readonly transient = false;
  constructor(
    detail = 'A valid bearer token is required',
    readonly code: 'unauthorized' | 'invalid_credentials' = 'unauthorized',
  ) {
    super(detail);
  }
}

/** Signed in, but may not do this. */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'forbidden';
  readonly transient = false;
  constructor(detail = 'Not allowed') {
    super(detail);
  }
}

/** No such thing of this user's (or no such user any more). */
export class NotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'not_found';
  readonly transient = false;
  constructor(detail = 'Not found') {
    super(detail);
  }
}

/** Contradicts what is stored. With `retryAfterSeconds`, a contradiction that passes (another delivery in flight). */
export class Conflict extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'conflict';
  readonly transient: boolean;
  constructor(
    detail: string,
    override readonly retryAfterSeconds?: number,
  ) {
    super(detail);
    this.transient = retryAfterSeconds !== undefined;
  }
}

/** Too many attempts: come back after `retryAfterSeconds`. */
export class RateLimited extends DomainError {
  readonly kind = 'rate_limited';
  readonly code = 'rate_limited';
  readonly transient = true;
  constructor(
    override readonly retryAfterSeconds: number,
    detail = 'Too many attempts; try again later',
  ) {
    super(detail);
  }
}

/** Something we depend on is down or saturated, or not configured yet: come back after `retryAfterSeconds`. */
export class Unavailable extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'service_unavailable';
  readonly transient = true;
  constructor(
    detail = 'Temporarily unavailable; retry later',
    override readonly retryAfterSeconds = 30,
  ) {
    super(detail);
  }
}

/** A vendor we called failed, or answered what we cannot use. */
export class UpstreamFailed extends DomainError {
  readonly kind = 'upstream_failed';
  readonly code = 'bad_gateway';
  readonly transient = true;
}

/** An expected failure that the same input would meet again: a worker records and drops it instead of retrying. */
export const isPermanent = (error: unknown): error is DomainError => error instanceof DomainError && !error.transient;
