// AWS Signature Version 4 with node:crypto, for the two AWS calls a function makes without the SDK: the
// database's IAM token (a presigned URL, shared/db/iam-token.ts) and reading a secret (a signed POST,
// shared/secrets.ts). The SDK's client and credential chain cost ~300 KB of bundle and a slower cold start
// for credentials Lambda already puts in the environment. Both signers are checked against the SDK's own
// for the same inputs (test/unit/db-connection.test.ts, test/unit/secrets.test.ts).
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

export interface SignableRequest {
  method: string;
  host: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
}

/** The request's headers plus host, x-amz-date, x-amz-security-token and authorization (all headers signed). */
export function signHeaders(request: SignableRequest, credentials: AwsCredentials, now: Date = new Date()): Record<string, string> {
  const date = amzDate(now);
  const headers: Record<string, string> = {
    ...request.headers,
    host: request.host,
    'x-amz-date': date,
    ...(credentials.sessionToken && { 'x-amz-security-token': credentials.sessionToken }),
  };
  const names = Object.keys(headers).sort();
  const canonicalRequest = [
    request.method,
    request.path,
    '',
    ...names.map((name) => `${name}:${headers[name]!.trim().replace(/\s+/g, ' ')}`),
    '',
    names.join(';'),
    sha256Hex(request.body),
  ].join('\n');
  const signed = signature(credentials, date, request.region, request.service, canonicalRequest);
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${signed.scope}, SignedHeaders=${names.join(';')}, Signature=${signed.signature}`,
  };
}
