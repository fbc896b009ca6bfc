// Daily: answers to offline mutations older than 35 days go (the promise to the app is 30).
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { pruneSyncResults } from '#shared/sync/push';

export const handler = async (): Promise<{ syncResults: number }> => ({ syncResults: await pruneSyncResults(getDb(), clock().now()) });
