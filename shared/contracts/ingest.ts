// GET /api/v1/ingest/rejections: what a vendor sent that we refused, and why, so the athlete can fix it
// at the source (a wrong distance, an unplugged HR strap reading 300 bpm).
import { z } from 'zod';
import { activityTypes, ingestVendors } from '../db/schema';

export const IngestRejection = z.object({
  id: z.uuid(),
  vendor: z.enum(ingestVendors),
  externalId: z.string().nullable(),
  reason: z.string(),
  /** The value the reason is about (durationMinutes, avgHr, distanceMeters, startTime...). */
  field: z.string().nullable(),
  type: z.enum(activityTypes).nullable(),
  startTime: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type IngestRejection = z.infer<typeof IngestRejection>;

export const IngestRejectionList = z.object({ rejections: z.array(IngestRejection) });
