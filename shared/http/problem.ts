// RFC 9457 problem details: the only shape an error leaves the API in.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { isDatabaseUnavailable } from '#shared/db/outage';
import { DomainError, type FieldError, Unavailable } from '#shared/errors';
import { HttpError, headersOf, problemType, STATUS_OF_KIND, type ProblemCode } from './errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  /** `urn:runningcoach:problem:<code>`. */
  type: string;
  /** One of PROBLEM_CODES (shared/http/errors.ts): what a client switches on. */
  code: ProblemCode;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

/** An API Gateway proxy result whose headers are all text (what the streaming prelude takes, too). */
export interface ProblemAnswer extends APIGatewayProxyResult {
  headers: Record<string, string>;
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): ProblemAnswer {
  return {
    statusCode: problem.status,
    headers: { ...headers, 'Content-Type': PROBLEM_CONTENT_TYPE },
    body: JSON.stringify(problem),
  };
}

/** A typed error becomes its problem; pg constraint errors that slipped past validation keep a 4xx. */
export function toProblem(error: unknown, requestId: string, instance?: string): { problem: Problem; headers: Record<string, string> } {
  if (!(error instanceof DomainError || error instanceof HttpError) && isDatabaseUnavailable(error)) {
    error = new Unavailable('The database is unavailable; retry later', 5);
  }
  if (error instanceof DomainError) {
    const { status, title } = STATUS_OF_KIND[error.kind];
    return {
      problem: {
        type: problemType(error.code),
        code: error.code,
        title,
        status,
        detail: error.message,
        instance,
        requestId,
        ...(error.errors ? { errors: [...error.errors] } : {}),
      },
      headers: headersOf(error),
    };
  }
  if (error instanceof HttpError) {
    return {
      problem: { type: problemType(error.code), code: error.code, title: error.title, status: error.status, detail: error.message, instance, requestId },
      headers: {},
    };
  }
  const pgCode = (error as { code?: unknown } | null)?.code;
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  if (pgCode === '23505') {
    return {
      problem: { type: problemType('conflict'), code: 'conflict', title: 'Conflict', status: 409, detail: 'The resource already exists', instance, requestId },
      headers: {},
    };
  }
  if (pgCode === '40001' || pgCode === '40P01') {
    // A serialization failure or deadlock under load: nothing was written, and the same request will succeed.
    return toProblem(new Unavailable('Busy; retry', 1), requestId, instance);
  }
  if (pgCode === '23514' || pgCode === '22007' || pgCode === '22008' || pgCode === '22003') {
    const field = typeof constraint === 'string' ? constraint : 'body';
    return {
      problem: {
        type: problemType('unprocessable'),
        code: 'unprocessable',
        title: 'Unprocessable Content',
        status: 422,
        detail: `A value is out of range (${field})`,
        instance,
        requestId,
        errors: [{ field, message: `${field} is out of range` }],
      },
      headers: {},
    };
  }
  return {
    problem: {
      type: problemType('internal_error'),
      code: 'internal_error',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side',
      instance,
      requestId,
    },
    headers: {},
  };
}
