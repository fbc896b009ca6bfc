import * as z from 'zod';

export const HealthResponse = z.object({ status: z.literal('ok'), db: z.literal('ok') }).meta({ id: 'Health', examples: [{ status: 'ok', db: 'ok' }] });
