import { getTrainingLoad as spec } from '#lib/topology';
import { clock } from '#shared/clock';
import { getDb } from '#shared/db/connection';
import { httpHandler } from '#shared/http/handler';
import { loadReport } from '#shared/metrics/load-report';

export const handler = httpHandler(spec, async ({ query, userId }) => loadReport(getDb(), userId, query, clock().now()));
