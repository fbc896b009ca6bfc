// IAM authentication tokens for RDS / RDS Proxy: a SigV4-presigned `rds-db:connect` URL, valid 15
// minutes, used as the password of one new connection. Signed here with node:crypto from the Lambda's
// own credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) rather than with
// @aws-sdk/rds-signer, whose default credential chain (SSO, STS, INI, IMDS clients) is ~300 KB of bundle
// and a slower cold start for credentials Lambda already puts in the environment. The test checks the
// token against @aws-sdk/rds-signer's for the same inputs (test/unit/db-connection.test.ts).
import { createHash, createHmac } from 'node:crypto';

export interface IamTokenRequest {
  host: string;
  port: number;
  user: string;
  region: string;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** How long a token opens connections; RDS accepts at most 15 minutes. */
export const IAM_TOKEN_TTL_SECONDS = 900;

export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsCredentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are needed to sign a database token');
  return { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) };
}

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const hmac = (key: Buffer | string, value: string) => createHmac('sha256', key).update(value, 'utf8').digest();

/** The token for a connection opened at `now`, signed with `credentials` (credentialsFromEnv in Lambda). */
export function iamAuthToken(request: IamTokenRequest, credentials: AwsCredentials, now: Date): string {
  const service = 'rds-db';
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, ''); // 20260131T120000Z
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${request.region}/${service}/aws4_request`;
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
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${host}`, '', 'host', sha256('')].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = [day, request.region, service, 'aws4_request'].reduce<Buffer | string>(
    (key, part) => hmac(key, part),
    `AWS4${credentials.secretAccessKey}`,
  );
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  const signed = { ...query, 'X-Amz-Signature': signature };
  return `${host}/?${Object.keys(signed)
    .sort()
    .map((key) => `${encode(key)}=${encode(signed[key as keyof typeof signed]!)}`)
    .join('&')}`;
}
