// AWS Signature Version 4 with node:crypto, for the database's IAM token (a presigned URL,
// shared/db/iam-token.ts), which needs no SDK client: @aws-sdk/rds-signer's credential chain costs ~300 KB of
// bundle and a slower cold start for credentials Lambda already puts in the environment. The token is checked
// against rds-signer's for the same inputs (test/unit/db-connection.test.ts). The environment's credentials
// also stand in for the SDK's default chain in Lambda bundles (lib/aws/env-credentials.ts).
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The execution role's credentials, which Lambda puts in the environment of every function. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsCredentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are needed to sign an AWS request');
  return { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) };
}

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export const uriEncode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
export const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const hmac = (key: Buffer | string, value: string) => createHmac('sha256', key).update(value, 'utf8').digest();

/** 20260131T120000Z */
export const amzDate = (now: Date) =>
  now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The credential scope and the signature of `stringToSign`'s last line under it. */
export function signature(credentials: AwsCredentials, date: string, region: string, service: string, canonicalRequest: string) {
  const day = date.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = [day, region, service, 'aws4_request'].reduce<Buffer | string>((k, part) => hmac(k, part), `AWS4${credentials.secretAccessKey}`);
  return { scope, signature: createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex') };
}
