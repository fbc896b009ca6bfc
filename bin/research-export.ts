// `npm run research:export -- --out DIR`: the anonymized research dataset on demand, against DATABASE_URL or
// the embedded database in PGLITE_DATA_DIR (npm start keeps it in .data/pglite).
import { parseArgs } from 'node:util';
import { getDb } from '#shared/db/connection';
import { exportResearchDataset } from '#shared/research/export';
import { DirectorySink } from '#shared/research/sink';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
if (!values.out) {
  console.error('usage: npm run research:export -- --out DIR   (DATABASE_URL or PGLITE_DATA_DIR picks the database)');
  process.exit(2);
}
const db = getDb();
try {
  const summary = await exportResearchDataset(db, new DirectorySink(values.out), new Date());
  console.log(JSON.stringify(summary, null, 2));
} finally {
  await db.destroy();
}
