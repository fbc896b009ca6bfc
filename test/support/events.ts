// Builders for Lambda events in handler tests.
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

export function apiEvent(overrides: Partial<APIGatewayProxyEvent> & { userId?: string } = {}): APIGatewayProxyEvent {
  const { userId, ...rest } = overrides;
  return {
    resource: '/',
    path: '/',
    httpMethod: 'GET',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      authorizer: userId ? { userId, principalId: userId } : null,
    } as unknown as APIGatewayProxyEvent['requestContext'],
    ...rest,
  };
}

export function jsonEvent(method: string, body: unknown, extra: Partial<APIGatewayProxyEvent> & { userId?: string } = {}): APIGatewayProxyEvent {
  return apiEvent({
    httpMethod: method,
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...extra,
  });
}

export const lambdaContext = { awsRequestId: 'test-request', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
