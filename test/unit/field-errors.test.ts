// Validation messages read as sentences for a person, one per field, in the words the document uses.
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { CreateActivityBody, ListActivitiesQuery, UpdateActivityBody } from '#shared/contracts/activities';
import { RegisterBody } from '#shared/contracts/auth';
import { DateRangeQuery, LogDailyMetricsBody } from '#shared/contracts/metrics';
import { UpdateMeBody } from '#shared/contracts/me';
import { parseFields } from '#shared/field-errors';

const errorsOf = (schema: z.ZodType, value: unknown, prefix = 'body') => {
  const result = parseFields(schema, value, prefix);
  if ('data' in result) throw new Error('expected a refusal');
  return result.errors;
};

describe('a refused field', () => {
  it('is named with what it must be, from its schema', () => {
    expect(errorsOf(UpdateActivityBody, { rpe: 3.5 })).toEqual([{ field: 'body.rpe', message: 'rpe must be a whole number from 1 to 10' }]);
    expect(errorsOf(UpdateActivityBody, { rpe: 11 })).toEqual([{ field: 'body.rpe', message: 'rpe must be a whole number from 1 to 10' }]);
    expect(errorsOf(UpdateActivityBody, { type: 'flying' })[0]!.message).toMatch(/^type must be one of run, .+ or other$/);
    expect(errorsOf(CreateActivityBody, { startTime: '2024-05-01T07:30:00', durationMinutes: 0 })).toEqual([
      { field: 'body.startTime', message: 'startTime must be a date and time with its UTC offset, such as 2024-05-01T07:30:00+02:00' },
      { field: 'body.durationMinutes', message: 'durationMinutes must be a number greater than 0 and at most 1440' },
    ]);
    expect(errorsOf(RegisterBody, { email: 'not-an-address', password: 'short' })).toEqual([
      { field: 'body.email', message: 'email must be an email address' },
      { field: 'body.password', message: 'password must be text of 10 to 1024 characters' },
    ]);
    expect(errorsOf(UpdateMeBody, { baselines: { restingHr: 'fifty' } })).toEqual([
      { field: 'body.baselines.restingHr', message: 'baselines.restingHr must be a whole number from 25 to 120, or null' },
    ]);
  });

  it('says what is missing and what is not a field', () => {
    expect(errorsOf(CreateActivityBody, { durationMinutes: 30, pace: 5 })).toEqual([
      { field: 'body.startTime', message: 'startTime is required' },
      { field: 'body.pace', message: 'pace is not a field this accepts' },
    ]);
    expect(errorsOf(UpdateActivityBody, {})).toEqual([{ field: 'body', message: 'the body must give at least one of rpe, feeling, notes or type' }]);
  });

  it('is reported once: a second complaint that follows from the first is left out', () => {
    expect(errorsOf(LogDailyMetricsBody, { date: '0000-13-45' })).toEqual([{ field: 'body.date', message: 'date must be a date written YYYY-MM-DD' }]);
    expect(errorsOf(LogDailyMetricsBody, { date: '1899-12-31' })).toEqual([{ field: 'body.date', message: 'date must not be before 1900-01-01' }]);
    // A range with an invalid bound is not also "out of order".
    expect(errorsOf(DateRangeQuery, { from: '2024-02-30', to: '2024-01-01' }, 'query')).toEqual([
      { field: 'query.from', message: 'from must be a date written YYYY-MM-DD' },
    ]);
    expect(errorsOf(ListActivitiesQuery, { from: '2024-03-02', to: '2024-03-01' }, 'query')).toEqual([
      { field: 'query.from', message: 'from must not be after to' },
    ]);
  });
});
