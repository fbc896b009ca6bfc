// API Gateway REQUEST authorizer for every `auth: 'user'` route. Functions behind it read the user id
// from requestContext.authorizer.userId and never parse Authorization themselves.
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { allowPolicy, authenticate } from '#shared/auth/authorize';
import { InvalidToken } from '#shared/auth/tokens';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { logger, withLambdaContext } from '#shared/logger';

export const handler = withLambdaContext(async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  // REST events keep the caller's header case.
  const authorization = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  try {
    const userId = await authenticate(getDb(), authorization ?? undefined, clock().now());
    return allowPolicy(userId, event.methodArn);
  } catch (error) {
    if (!(error instanceof InvalidToken)) throw error; // an outage is a 500, not a logout
    logger.info('token refused', { reason: error.reason, requestId: event.requestContext?.requestId });
    // The exact message API Gateway turns into 401.
    throw new Error('Unauthorized');
  }
});
