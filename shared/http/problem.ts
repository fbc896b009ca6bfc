// RFC 9457 problem details: the only shape an error leaves the API in.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { HttpError, type FieldError } from './errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export function problemResponse(
  problem: Problem,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: problem.status,
    headers: { ...headers, 'Content-Type': PROBLEM_CONTENT_TYPE },
    body: JSON.stringify(problem),
  };
}

/** A typed error becomes its problem; pg constraint errors that slipped past validation keep a 4xx. */
export function toProblem(error: unknown, requestId: string, instance?: string): { problem: Problem; headers: Record<string, string> } {
  if (error instanceof HttpError) {
    return {
      problem: {
        type: 'about:blank',
        title: error.title,
        status: error.status,
        detail: error.message,
        instance,
        requestId,
        ...(error.extra.errors ? { errors: error.extra.errors } : {}),
      },
      headers: error.extra.headers ?? {},
    };
  }
  const pgCode = (error as { code?: unknown } | null)?.code;
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  if (pgCode === '23505') {
    return { problem: { type: 'about:blank', title: 'Conflict', status: 409, detail: 'The resource already exists', instance, requestId }, headers: {} };
  }
  if (pgCode === '23514' || pgCode === '22007' || pgCode === '22008' || pgCode === '22003') {
    const field = typeof constraint === 'string' ? constraint : 'body';
    return {
      problem: {
        type: 'about:blank',
        title: 'Unprocessable Content',
        status: 422,
        detail: `A value is out of range (${field})`,
        instance,
        requestId,
        errors: [{ field, message: 'out of range' }],
      },
      headers: {},
    };
  }
  return {
    problem: { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'Something went wrong on our side', instance, requestId },
    headers: {},
  };
}
