// A stand-in for Secrets Manager's GetSecretValue on 127.0.0.1, so tests exercise the real reader
// (shared/secrets.ts: signing, HTTP, errors, cache) without AWS. `use()` points the process at it through
// AWS_ENDPOINT_URL_SECRETS_MANAGER and fake credentials; `restore()` undoes that.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resetConfig } from '#shared/config';
import { setSecretStore } from '#shared/secrets';

export interface FakeSecretsManager {
  url: string;
  /** Sets (or rotates) a secret's SecretString. */
  put(secretId: string, value: string): void;
  /** The next `count` requests fail with this error type and status. */
  failNext(errorType: string, status: number, count?: number): void;
  /** Every request, in order: the secret asked for and the headers it came with. */
  requests: Array<{ secretId: string; headers: http.IncomingHttpHeaders }>;
  reads(secretId?: string): number;
  /** Environment and reader point at this server. */
  use(): void;
  restore(): void;
  close(): Promise<void>;
}

const VARIABLES = ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

export async function fakeSecretsManager(): Promise<FakeSecretsManager> {
  const values = new Map<string, string>();
  const failures: Array<{ errorType: string; status: number }> = [];
  const requests: FakeSecretsManager['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const reply = (status: number, payload: object, errorType?: string) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...(errorType && { 'x-amzn-errortype': `${errorType}:` }) });
        res.end(JSON.stringify(payload));
      };
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue' || !String(req.headers.authorization).startsWith('AWS4-HMAC-SHA256 ')) {
        return reply(400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
      }
      const { SecretId: secretId } = JSON.parse(body) as { SecretId: string };
      requests.push({ secretId, headers: req.headers });
      const failure = failures.shift();
      if (failure) return reply(failure.status, { __type: `com.amazonaws.secretsmanager#${failure.errorType}`, message: 'scripted' }, failure.errorType);
      const value = values.get(secretId);
      if (value === undefined) return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      return reply(200, { ARN: secretId, Name: secretId, SecretString: value, VersionId: 'v' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  return {
    url,
    requests,
    put: (secretId, value) => void values.set(secretId, value),
    failNext: (errorType, status, count = 1) => {
      for (let i = 0; i < count; i++) failures.push({ errorType, status });
    },
    reads: (secretId) => requests.filter((r) => secretId === undefined || r.secretId === secretId).length,
    use() {
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        AWS_SESSION_TOKEN: 'session-token',
      });
      resetConfig();
      setSecretStore(undefined);
    },
    restore() {
      for (const name of VARIABLES) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      resetConfig();
      setSecretStore(undefined);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
