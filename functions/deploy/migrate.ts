// Runs once per deployment (CDK Trigger): the only place the production schema changes, and the only
// function that logs in as the schema owner (DATABASE_SECRET_ARN); elsewhere (npm run migrate) the usual database.
import { config } from '#shared/config';
import { getDb } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';
import { createOwnerDb } from '#shared/db/owner-connection';
import { logger, withLambdaContext } from '#shared/logger';

export const handler = withLambdaContext(async (): Promise<{ applied: string[] }> => {
  const secretArn = config().DATABASE_SECRET_ARN;
  const db = secretArn ? createOwnerDb(secretArn) : getDb();
  try {
    const result = await migrateToLatest(db);
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    logger.info('migrations applied', { applied });
    return { applied };
  } finally {
    if (secretArn) await db.destroy();
  }
});
