// `npm run responders`: the weekly responder job on demand, against DATABASE_URL or the embedded database
// (PGLITE_DATA_DIR). Prints how many athletes were judged and the classes.
import { getDb } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';
import { classifyResponders } from '#shared/responders/classify';

const db = getDb();
try {
  await migrateToLatest(db);
  const summary = await classifyResponders(db, new Date());
  console.log(JSON.stringify(summary));
} finally {
  await db.destroy();
}
