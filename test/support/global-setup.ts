// With TEST_DATABASE_URL: migrate one template database per run; each test file clones it (fast and isolated).
export default async function setup(): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return;
  const { createDb } = await import('../../shared/db/connection');
  const { migrateToLatest } = await import('../../shared/db/migrate');
  const { TEMPLATE_DB, adminQuery, withDatabase } = await import('./db');
  await adminQuery(serverUrl, `drop database if exists ${TEMPLATE_DB} with (force)`);
  await adminQuery(serverUrl, `create database ${TEMPLATE_DB}`);
  const db = createDb({ url: withDatabase(serverUrl, TEMPLATE_DB), poolMax: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}
