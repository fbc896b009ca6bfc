// `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database).
import { getDb } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';

const db = getDb();
try {
  const result = await migrateToLatest(db);
  const applied = (result.results ?? []).map((r) => `${r.migrationName}: ${r.status}`);
  console.log(applied.length > 0 ? applied.join('\n') : 'schema is up to date');
} finally {
  await db.destroy();
}
