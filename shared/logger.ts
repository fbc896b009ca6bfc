// One logger per process. Log lines carry ids, routes, counts and timings: never health data or bodies.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'running-coach' });
