// One logger per process. Log lines carry ids, routes, counts and timings: never health data or bodies.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'running-coach' });

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
