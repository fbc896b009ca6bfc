// GET /api/v1/me/export: the shape of the streamed document (shared/account/export.ts writes it). Rows keep
// their table's columns in camelCase, so a column added to a table is exported without touching this file.
import * as z from 'zod';

const Row = z.record(z.string(), z.unknown());

/** The top-level arrays, in document order (shared/account/export.ts EXPORT_SECTIONS names the same). */
export const EXPORT_SECTION_NAMES = [
  'vendorConnections',
  'activities',
  'dailyMetrics',
  'trainingPlans',
  'scheduledWorkouts',
  'planChanges',
  'rollingStats',
  'loadSeries',
  'riskAlerts',
  'pendingTasks',
  'notifications',
  'ingestRejections',
  'sessions',
  'failedSignIns',
  'syncChanges',
  'syncCounters',
  'syncMutations',
] as const;

export const AccountExport = z
  .object({
    format: z.literal('running-coach-export/1'),
    exportedAt: z.iso.datetime(),
    account: Row,
    ...Object.fromEntries(EXPORT_SECTION_NAMES.map((name) => [name, z.array(Row)])),
  })
  .meta({
    id: 'AccountExport',
    examples: [
      {
        format: 'running-coach-export/1',
        exportedAt: '2024-05-01T06:31:12.000Z',
        account: { id: '5f0c6a9e-7b1c-4c59-9d0e-0c7b8f0e1a11', email: 'ana@example.com', timeZone: 'Europe/Paris' },
        ...Object.fromEntries(EXPORT_SECTION_NAMES.map((name) => [name, []])),
      },
    ],
  });
