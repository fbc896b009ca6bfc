// Configuration is read from the environment once, validated, and frozen; a bad value fails at cold
// start with the variable's name instead of deep inside a request.
import { z } from 'zod';

const Env = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Real PostgreSQL (local or CI). Absent and no secret: embedded PGlite. */
  DATABASE_URL: z.url().optional(),
  /** In AWS: Secrets Manager secret with {host, port, username, password, dbname}. */
  DATABASE_SECRET_ARN: z.string().min(1).optional(),
  /** Where embedded PGlite keeps its files; absent means in memory. */
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(20).default(2),
  EVENT_BUS_NAME: z.string().min(1).default('running-coach'),
  CORS_ALLOW_ORIGIN: z.string().min(1).default('*'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
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
