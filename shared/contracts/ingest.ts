// GET /api/v1/ingest/rejections: what a vendor sent that we refused, and why, so the athlete can fix it
// at the source (a wrong distance, an unplugged HR strap reading 300 bpm).
import * as z from 'zod';
import { activityTypes, ingestVendors } from '#shared/db/schema';

export const IngestRejection = z
  .object({
    id: z.uuid(),
    vendor: z.enum(ingestVendors),
    externalId: z.string().nullable(),
    reason: z.string(),
    /** The value the reason is about (durationMinutes, avgHr, distanceMeters, startTime...). */
    field: z.string().nullable(),
    type: z.enum(activityTypes).nullable(),
    startTime: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'IngestRejection', examples: [rejectionExample()] });
export type IngestRejection = z.infer<typeof IngestRejection>;

export const IngestRejectionList = z
  .object({ rejections: z.array(IngestRejection) })
  .meta({ id: 'IngestRejectionList', examples: [{ rejections: [rejectionExample()] }] });

function rejectionExample() {
  return {
    id: '9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d',
    vendor: 'garmin',
    externalId: '12345678901',
    reason: 'An average heart rate of 300 bpm is not possible: it must be between 25 and 250.',
    field: 'avgHr',
    type: 'run',
    startTime: '2024-05-01T05:30:00.000Z',
    createdAt: '2024-05-01T06:31:12.000Z',
  };
}
