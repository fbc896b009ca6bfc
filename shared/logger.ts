// One logger per process. Log lines carry ids, routes, counts and timings: never health data or bodies.
// Every Lambda entry point hands its context to the logger (httpHandler through Powertools'
// injectLambdaContext, the others through withLambdaContext), so every line an invocation writes, in a
// handler or a service below it, carries function_request_id (the Lambda request id) and the function name.
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'running-coach' });

/** Wraps a Lambda handler so the logger knows the invocation's context (request id, function name, cold start). */
export function withLambdaContext<E, R>(handler: (event: E, context: Context) => Promise<R>): (event: E, context: Context) => Promise<R> {
  return (event, context) => {
    if (context) logger.addContext(context);
    return handler(event, context);
  };
}

/**
 * What a log line may say about an error: its name and code, and its message and stack unless it comes
 * from the database, whose messages can quote the offending input value (health data, never logged).
 */
export function errorFields(error: unknown): Record<string, unknown> {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; stack?: unknown } | null | undefined;
  const fromDatabase = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code);
  return {
    errorName: e?.name,
    errorCode: e?.code,
    ...(fromDatabase ? {} : { errorMessage: typeof e?.message === 'string' ? e.message.slice(0, 300) : undefined, stack: e?.stack }),
  };
}
