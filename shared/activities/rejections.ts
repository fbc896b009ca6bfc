// What vendors sent that we refused (GET /ingest/rejections): the latest verdict per vendor item,
// written by the activity service (store.ts storeRejections) and cleared when a good version arrives.
import type { IngestRejection } from '#shared/contracts/ingest';
import type { Conn } from '#shared/db/connection';
import { activityTypes, type ActivityType } from '#shared/db/schema';

const PAGE = 100;

export async function listRejections(db: Conn, userId: string): Promise<IngestRejection[]> {
  const rows = await db
    .selectFrom('ingest_rejections')
    .select(['id', 'vendor', 'external_id', 'reason', 'payload_summary', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(PAGE)
    .execute();
  return rows.map((r) => {
    const summary = r.payload_summary;
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    const type = text(summary.type);
    const startTime = text(summary.startTime);
    return {
      id: r.id,
      vendor: r.vendor,
      externalId: r.external_id,
      reason: r.reason,
      field: text(summary.field),
      type: type !== null && (activityTypes as readonly string[]).includes(type) ? (type as ActivityType) : null,
      startTime: startTime !== null && !Number.isNaN(Date.parse(startTime)) ? new Date(startTime).toISOString() : null,
      createdAt: r.created_at.toISOString(),
    };
  });
}
