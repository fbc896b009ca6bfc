// Compiled by `npm run typecheck` against the generated client/api.d.ts: a change to the API that would
// break the app's calls breaks the build here first. It is how the app is expected to use the types.
import type { components, operations, paths } from './api';

export type Activity = components['schemas']['Activity'];
export type Problem = components['schemas']['Problem'];
export type CreateActivityBody = paths['/api/v1/activities']['post']['requestBody']['content']['application/json'];
type CreateActivityResponses = operations['createActivity']['responses'];

/** A new entry answers 201 with a Location; a retry of a known externalId answers 200 with the same shape. */
export function recorded(
  status: 200 | 201,
  body: CreateActivityResponses[200]['content']['application/json'] | CreateActivityResponses[201]['content']['application/json'],
): Activity {
  return status === 201 ? body : { ...body };
}

export const firstRun: CreateActivityBody = { startTime: '2024-05-01T07:30:00+02:00', durationMinutes: 52, rpe: 6, type: 'run' };

/** Clients switch on the stable problem code, never on the title. */
export function shouldRefresh(problem: Problem): boolean {
  return problem.code === 'unauthorized';
}

export function loadOf(report: operations['getTrainingLoad']['responses'][200]['content']['application/json']): number[] {
  return report.days.map((day: components['schemas']['LoadDay']) => day.load);
}

// Statuses without a body are typed as such: DELETE /me answers 204, never 200 with content.
export type EraseAnswer = keyof operations['deleteMe']['responses'];
export const erased: Extract<EraseAnswer, 204> = 204;
