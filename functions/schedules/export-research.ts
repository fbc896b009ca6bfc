// Monthly: the anonymized research dataset of the consenting athletes (shared/research/export.ts) into the
// research bucket.
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { logger } from '#shared/logger';
import { exportResearchDataset, type ResearchExportSummary } from '#shared/research/export';
import { researchSink } from '#shared/research/sink';

export const handler = async (): Promise<ResearchExportSummary> => {
  const now = clock().now();
  const summary = await exportResearchDataset(getDb(), researchSink(now), now);
  logger.info('research dataset exported', { location: summary.location, athletes: summary.athletes, rows: summary.rows });
  return summary;
};
