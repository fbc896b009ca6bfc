// The one calendar date of the API: YYYY-MM-DD, a real day, not before 1900 (years before are typos,
// 0000 is not even a PostgreSQL date, and they would overflow the date arithmetic). The JSON Schema says
// all three: `format: date` and a pattern for the year.
import * as z from 'zod';

export const CalendarDate = z.iso
  .date()
  .refine((d) => d >= '1900-01-01', 'must not be before 1900-01-01')
  .meta({ pattern: '^(19|[2-9][0-9])[0-9]{2}-', examples: ['2024-05-01'] });
