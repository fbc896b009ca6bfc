// Every secret a function reads (JWT keys, vendor credentials, the database owner) goes through one reader
// with one policy:
//   - a value is read once and kept for SECRET_TTL_MS, so a change (a rotation, an operator's edit) arrives
//     within a quarter of an hour without a deploy, at one Secrets Manager call per secret per container;
//   - a failed read is not remembered: the next use tries again;
//   - a user that finds the value stale (PostgreSQL refuses the password, a token names an unknown key)
//     calls refresh(): the secret is read again at once, then at most once per REFRESH_FLOOR_MS, because
//     such a failure can be provoked from outside (tokens with made-up key ids) and must not turn into a
//     Secrets Manager call per request. `use()` wraps the pattern: run, and on a stale failure refresh and
//     run once more.
// In AWS the value comes from Secrets Manager's GetSecretValue through @aws-sdk/client-secrets-manager (the
// product's chosen client); in Lambda bundles its credential chain is the environment's alone
// (lib/aws/env-credentials.ts). The store is a port: tests and the local runtime hand in their own.
import { GetSecretValueCommand, SecretsManagerClient, SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { config } from './config';
import type { AwsCredentials } from './sigv4';

export const SECRET_TTL_MS = 15 * 60_000;
export const REFRESH_FLOOR_MS = 60_000;

/** Port: where a secret's text comes from. */
export interface SecretStore {
  /** The secret's current SecretString. */
  read(secretId: string): Promise<string>;
}

/** Secrets Manager answered with an error (the type, e.g. ResourceNotFoundException, and the HTTP status). */
export class SecretReadFailed extends Error {
  override name = 'SecretReadFailed';
  constructor(
    readonly errorType: string,
    readonly status: number,
  ) {
    super(`Secrets Manager GetSecretValue failed: ${errorType} (HTTP ${status})`);
  }
}

export interface SecretsManagerStoreOptions {
  region: string;
  /** Default https://secretsmanager.<region>.amazonaws.com (the VPC endpoint's private DNS answers for it). */
  endpoint?: string;
  /** Default: the SDK's chain (in Lambda, the execution role's credentials from the environment). */
  credentials?: () => AwsCredentials;
  timeoutMs?: number;
}

/**
 * GetSecretValue with the SDK client: two attempts in all (the SDK's standard strategy retries throttles,
 * 5xx and network errors, not a refusal), each given `timeoutMs`.
 */
export function secretsManagerStore(options: SecretsManagerStoreOptions): SecretStore {
  const credentials = options.credentials;
  const client = new SecretsManagerClient({
    region: options.region,
    maxAttempts: 2,
    requestHandler: { requestTimeout: options.timeoutMs ?? 3_000 },
    ...(options.endpoint && { endpoint: options.endpoint }),
    ...(credentials && { credentials: async () => credentials() }),
  });
  return {
    async read(secretId) {
      let secretString: string | undefined;
      try {
        secretString = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
      } catch (error) {
        if (error instanceof SecretsManagerServiceException) throw new SecretReadFailed(error.name, error.$metadata.httpStatusCode ?? 0);
        throw error;
      }
      // Binary secrets are not used here; say so rather than parse nothing.
      if (typeof secretString !== 'string') throw new SecretReadFailed('NoSecretString', 200);
      return secretString;
    },
  };
}

interface Entry {
  value: Promise<string>;
  readAt: number;
  /** When refresh() last read it; undefined until the first refresh. */
  refreshedAt?: number;
}

/** The cache and its policy (see the top of this file). */
export class SecretReader {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: () => SecretStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The secret's text, from the cache while it is younger than SECRET_TTL_MS. */
  get(secretId: string): Promise<string> {
    const entry = this.entries.get(secretId);
    if (entry && this.now() - entry.readAt < SECRET_TTL_MS) return entry.value;
    return this.read(secretId, entry?.refreshedAt);
  }

  /** The value failed its user: read it again now, unless a refresh already did within REFRESH_FLOOR_MS. */
  refresh(secretId: string): Promise<string> {
    const entry = this.entries.get(secretId);
    if (entry?.refreshedAt !== undefined && this.now() - entry.refreshedAt < REFRESH_FLOOR_MS) return entry.value;
    const value = this.read(secretId, this.now());
    // A failed refresh keeps the previous value for others (still the best known) and still counts
    // against the floor, so an outage does not become a read per request.
    value.catch(() => {
      if (entry && !this.entries.has(secretId)) this.entries.set(secretId, { ...entry, refreshedAt: this.now() });
    });
    return value;
  }

  /** Runs `fn` with the secret; if it fails in a way `isStale` recognizes, refreshes the secret and runs it once more. */
  async use<T>(secretId: string, fn: (secret: string) => Promise<T>, isStale: (error: unknown) => boolean): Promise<T> {
    try {
      return await fn(await this.get(secretId));
    } catch (error) {
      if (!isStale(error)) throw error;
      return fn(await this.refresh(secretId));
    }
  }

  /** Drops every cached value (tests, and the local runtime after it changed the environment). */
  forget(): void {
    this.entries.clear();
  }

  private read(secretId: string, refreshedAt: number | undefined): Promise<string> {
    const value = this.store().read(secretId);
    const entry: Entry = { value, readAt: this.now(), ...(refreshedAt !== undefined && { refreshedAt }) };
    this.entries.set(secretId, entry);
    value.catch(() => {
      if (this.entries.get(secretId) === entry) this.entries.delete(secretId);
    });
    return value;
  }
}

let store: SecretStore | undefined;

function storeFromEnvironment(): SecretStore {
  const c = config();
  return secretsManagerStore({ region: c.AWS_REGION, endpoint: c.AWS_ENDPOINT_URL_SECRETS_MANAGER });
}

const shared = new SecretReader(() => (store ??= storeFromEnvironment()));

/** The process-wide reader (one cache per Lambda container). */
export function secrets(): SecretReader {
  return shared;
}

/** Tests and the local runtime hand in their own store; undefined returns to the environment's. Clears the cache. */
export function setSecretStore(next: SecretStore | undefined): void {
  store = next;
  shared.forget();
}
