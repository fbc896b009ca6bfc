// IAM authentication tokens for RDS / RDS Proxy: a SigV4-presigned `rds-db:connect` URL, valid 15
// minutes, used as the password of one new connection. Signed here with node:crypto from the Lambda's
// own credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) rather than with
// @aws-sdk/rds-signer, whose default credential chain (SSO, STS, INI, IMDS clients) is ~300 KB of bundle
// and a slower cold start for credentials Lambda already puts in the environment. The test checks the
// token against @aws-sdk/rds-signer's for the same inputs (test/unit/db-connection.test.ts).
import { type AwsCredentials, amzDate as formatAmzDate, signature, uriEncode as encode, sha256Hex } from '#shared/sigv4';

export type { AwsCredentials } from '#shared/sigv4';
export { credentialsFromEnv } from '#shared/sigv4';

export interface IamTokenRequest {
  host: string;
  port: number;
  user: string;
  region: string;
}

/** How long a token opens connections; RDS accepts at most 15 minutes. */
export const IAM_TOKEN_TTL_SECONDS = 900;

/** The token for a connection opened at `now`, signed with `credentials` (credentialsFromEnv in Lambda). */
export function iamAuthToken(request: IamTokenRequest, credentials: AwsCredentials, now: Date): string {
  const service = 'rds-db';
  const amzDate = formatAmzDate(now);
  const scope = `${amzDate.slice(0, 8)}/${request.region}/${service}/aws4_request`;
  const host = `${request.host}:${request.port}`;
  const query: Record<string, string> = {
    Action: 'connect',
    DBUser: request.user,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(IAM_TOKEN_TTL_SECONDS),
    ...(credentials.sessionToken && { 'X-Amz-Security-Token': credentials.sessionToken }),
    'X-Amz-SignedHeaders': 'host',
  };
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((key) => `${encode(key)}=${encode(query[key]!)}`)
    .join('&');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${host}`, '', 'host', sha256Hex('')].join('\n');
  const signed = { ...query, 'X-Amz-Signature': signature(credentials, amzDate, request.region, service, canonicalRequest).signature };
  return `${host}/?${Object.keys(signed)
    .sort()
    .map((key) => `${encode(key)}=${encode(signed[key as keyof typeof signed]!)}`)
    .join('&')}`;
}
