// Configuration is read from the environment once, validated, and frozen; a bad value fails at cold
// start with the variable's name instead of deep inside a request.
import * as z from 'zod';

const Env = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Real PostgreSQL (local or CI). Absent and no secret: embedded PGlite. */
  DATABASE_URL: z.url().optional(),
  /** In AWS: the RDS Proxy endpoint; with DATABASE_USER, connections authenticate with IAM tokens. */
  DATABASE_HOST: z.string().min(1).optional(),
  DATABASE_PORT: z.coerce.number().int().min(1).max(65535).default(5432),
  DATABASE_NAME: z.string().min(1).default('running_coach'),
  DATABASE_USER: z.string().min(1).optional(),
  /** In AWS, the migration only: the owner's Secrets Manager secret {host, port, username, password, dbname}. */
  DATABASE_SECRET_ARN: z.string().min(1).optional(),
  /** Where embedded PGlite keeps its files; absent means in memory. */
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(20).default(2),
  /** A connection that takes longer fails the request with 503 (the database counts as unreachable). */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3_000),
  EVENT_BUS_NAME: z.string().min(1).default('running-coach'),
  CORS_ALLOW_ORIGIN: z.string().min(1).default('*'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** The AWS SDK's own variable for another Secrets Manager endpoint; here only tests set it (a fake server). */
  AWS_ENDPOINT_URL_SECRETS_MANAGER: z.url().optional(),
  // ---- accounts (issue 3): see shared/auth/keys.ts ----
  /** In AWS: Secrets Manager secret {signingKey, previousSigningKeys?} holding the JWT key seeds. */
  JWT_SECRET_ARN: z.string().min(1).optional(),
  /** Outside AWS: a JSON file with the same shape, created on first use (`npm start`). Neither: in memory. */
  JWT_KEYS_FILE: z.string().min(1).optional(),
  JWT_ISSUER: z.string().min(1).default('https://api.running-coach.app'),
  JWT_AUDIENCE: z.string().min(1).default('running-coach-app'),
  // ---- vendor webhooks and integrations (issue 5, webhook half): see shared/vendors/credentials.ts ----
  /** Redis/Valkey for idempotency records (rediss:// in AWS). Absent: an in-memory store (npm start, tests). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** S3 bucket for claim checks (events too large for EventBridge). Absent: CLAIM_CHECK_DIR, else in memory. */
  CLAIM_CHECK_BUCKET: z.string().min(1).optional(),
  CLAIM_CHECK_DIR: z.string().min(1).optional(),
  /** S3 bucket for the anonymized research dataset (KMS-encrypted, private). Absent: RESEARCH_DIR. */
  RESEARCH_BUCKET: z.string().min(1).optional(),
  RESEARCH_DIR: z.string().min(1).default('.data/research'),
  /** In AWS: Secrets Manager secret {stravaClientId, stravaClientSecret, stravaVerifyToken, stravaSubscriptionId?, garminConsumerKey?}. */
  VENDOR_SECRET_ARN: z.string().min(1).optional(),
  /** In AWS: Secrets Manager secret {key} from which the vendor-token encryption key is derived. */
  VENDOR_TOKEN_KEY_SECRET_ARN: z.string().min(1).optional(),
  /** Outside AWS: the same values from the environment. */
  STRAVA_API_URL: z.url().default('https://www.strava.com'),
  STRAVA_CLIENT_ID: z.string().min(1).optional(),
  STRAVA_CLIENT_SECRET: z.string().min(1).optional(),
  STRAVA_VERIFY_TOKEN: z.string().min(1).optional(),
  STRAVA_SUBSCRIPTION_ID: z.coerce.number().int().positive().optional(),
  GARMIN_CONSUMER_KEY: z.string().min(1).optional(),
  /** At least 32 characters; SHA-256 of it is the AES-256-GCM key for vendor tokens. */
  VENDOR_TOKEN_KEY: z.string().min(32).optional(),
});
export type Config = Readonly<z.infer<typeof Env>>;

let cached: Config | undefined;

export function config(): Config {
  if (!cached) {
    const parsed = Env.safeParse(process.env);
    if (!parsed.success) {
      const names = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`invalid environment: ${names}`);
    }
    cached = Object.freeze(parsed.data);
  }
  return cached;
}

/** For the local runtime and tests, which set variables after this module loaded. */
export function resetConfig(): void {
  cached = undefined;
}
