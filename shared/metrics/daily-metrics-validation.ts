// Every candidate day crosses DailyMetricsCandidate once, whoever sent it (the app's check-in, a vendor's
// wellness summary); a 422 names each field the way the caller's input spells it.
import { DailyMetricsCandidate } from '#shared/contracts/metrics';
import { Unprocessable, type FieldError } from '#shared/errors';
import { parseFields } from '#shared/field-errors';

/** How a 422 names field `field` of candidate `index`. */
export type FieldName = (index: number, field: string) => string;

/**
 * The candidates that parse, with their positions. With `skip` false any invalid one refuses the whole call
 * with a 422 naming every invalid field; with `skip` true the invalid ones are left out.
 */
export function validateCandidates(
  candidates: readonly DailyMetricsCandidate[],
  name: FieldName,
  skip: boolean,
): { candidate: DailyMetricsCandidate; index: number }[] {
  const errors: FieldError[] = [];
  const valid = candidates.flatMap((candidate, index) => {
    const parsed = parseFields(DailyMetricsCandidate, candidate, 'day');
    if ('data' in parsed) return [{ candidate: parsed.data, index }];
    for (const error of parsed.errors) errors.push({ field: name(index, error.field.slice('day.'.length)), message: error.message });
    return [];
  });
  if (errors.length > 0 && !skip) throw new Unprocessable(errors);
  return valid;
}
