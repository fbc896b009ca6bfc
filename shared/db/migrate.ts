// Migrations run from a script, the local runtime's start and the deploy trigger; never on a request path.
import { Migrator, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { migrations } from '#migrations/index';
import type { Db } from './connection';

const provider: MigrationProvider = { getMigrations: async () => migrations };

export function migrator(db: Db): Migrator {
  return new Migrator({
    db,
    provider,
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    // Migrations are numbered when a change is planned and land in the order changes are finished: a database
    // that already ran a later number still takes an earlier one that arrives after it. Each migration touches
    // only what it owns, so their order between independent changes does not matter.
    allowUnorderedMigrations: true,
  });
}

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const result = await migrator(db).migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}
