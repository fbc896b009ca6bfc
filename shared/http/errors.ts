// Expected failures are typed errors with a status; one place (problem.ts) turns them into RFC 9457
// problem+json. Anything else is a 500 that reveals nothing but a request id.

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
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? title);
    this.name = new.target.name;
  }
}

export class BadRequest extends HttpError {
  constructor(detail: string, errors?: FieldError[]) {
    super(400, 'Bad Request', detail, { errors });
  }
}

export class Unauthorized extends HttpError {
  constructor(detail = 'A valid bearer token is required') {
    super(401, 'Unauthorized', detail, { headers: { 'WWW-Authenticate': 'Bearer' } });
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
    super(413, 'Payload Too Large', `The request body exceeds ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaType extends HttpError {
  constructor(detail = 'Send the body as application/json') {
    super(415, 'Unsupported Media Type', detail);
  }
}

export class Unprocessable extends HttpError {
  constructor(errors: FieldError[]) {
    super(422, 'Unprocessable Content', describeFieldErrors(errors), { errors });
  }
}

export class TooManyRequests extends HttpError {
  constructor(retryAfterSeconds: number, detail = 'Too many attempts; try again later') {
    super(429, 'Too Many Requests', detail, { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}

export class ServiceUnavailable extends HttpError {
  constructor(detail = 'Temporarily unavailable; retry later') {
    super(503, 'Service Unavailable', detail);
  }
}

/** "body.sleepQuality: Too big: expected number to be <=10; body.date: Invalid date" */
export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('; ');
}
