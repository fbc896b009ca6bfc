// Services throw plain domain errors; the HTTP edge is the one place that gives them a status. These pin the
// answers byte for byte as they were when services threw HttpErrors, and the worker's retry-or-drop rule.
import { describe, expect, it } from 'vitest';
import {
  Conflict,
  type DomainError,
  type ErrorKind,
  Forbidden,
  InvalidInput,
  isPermanent,
  NotFound,
  RateLimited,
  Unauthenticated,
  Unavailable,
  Unprocessable,
  UpstreamFailed,
} from '#shared/errors';
import { PROBLEM_CODES, STATUS_OF_KIND } from '#shared/http/errors';
import { toProblem } from '#shared/http/problem';
import { DeliveryInProgress, IntakeUnavailable } from '#shared/webhooks/intake';
import { VendorNotConfigured } from '#shared/vendors/credentials';

const answer = (error: unknown) => {
  const { problem, headers } = toProblem(error, 'req-1', '/api/v1/things');
  return { body: JSON.stringify(problem), headers };
};

const body = (code: string, title: string, status: number, detail: string, errors?: unknown) =>
  JSON.stringify({
    type: `urn:runningcoach:problem:${code}`,
    code,
    title,
    status,
    detail,
    instance: '/api/v1/things',
    requestId: 'req-1',
    ...(errors ? { errors } : {}),
  });

describe('domain errors at the HTTP edge', () => {
  const field = [{ field: 'query.from', message: 'from must be at most 366 days before to' }];
  const cases: Array<[string, DomainError, string, Record<string, string>]> = [
    [
      'invalid input',
      new InvalidInput('Ask for at most 366 days at a time', field),
      body('validation_failed', 'Bad Request', 400, 'Ask for at most 366 days at a time', field),
      {},
    ],
    [
      'a body that is not JSON',
      new InvalidInput('The body is not valid JSON', [{ field: 'body', message: 'the body is not valid JSON' }], 'malformed_body'),
      body('malformed_body', 'Bad Request', 400, 'The body is not valid JSON', [{ field: 'body', message: 'the body is not valid JSON' }]),
      {},
    ],
    [
      'a rule that refuses',
      new Unprocessable([
        { field: 'body.date', message: 'date must not be after your local today (2026-03-01)' },
        { field: 'body.rpe', message: 'rpe is out of range' },
      ]),
      body('unprocessable', 'Unprocessable Content', 422, 'date must not be after your local today (2026-03-01); rpe is out of range', [
        { field: 'body.date', message: 'date must not be after your local today (2026-03-01)' },
        { field: 'body.rpe', message: 'rpe is out of range' },
      ]),
      {},
    ],
    [
      'a body that breaks its schema',
      new Unprocessable([{ field: 'body', message: 'the body is required' }], 'validation_failed'),
      body('validation_failed', 'Unprocessable Content', 422, 'the body is required', [{ field: 'body', message: 'the body is required' }]),
      {},
    ],
    ['no token', new Unauthenticated(), body('unauthorized', 'Unauthorized', 401, 'A valid bearer token is required'), { 'WWW-Authenticate': 'Bearer' }],
    [
      'wrong credentials',
      new Unauthenticated('Email or password is incorrect'),
      body('unauthorized', 'Unauthorized', 401, 'Email or password is incorrect'),
      { 'WWW-Authenticate': 'Bearer' },
    ],
    ['not allowed', new Forbidden('The verify token does not match'), body('forbidden', 'Forbidden', 403, 'The verify token does not match'), {}],
    ['nothing of yours', new NotFound('No such activity'), body('not_found', 'Not Found', 404, 'No such activity'), {}],
    [
      'a contradiction',
      new Conflict('An account with this email already exists'),
      body('conflict', 'Conflict', 409, 'An account with this email already exists'),
      {},
    ],
    [
      'a delivery in flight',
      new DeliveryInProgress(),
      body('conflict', 'Conflict', 409, 'Another delivery of this event is being processed; retry shortly'),
      { 'Retry-After': '2' },
    ],
    [
      'too many attempts',
      new RateLimited(12.2, 'Too many failed sign-in attempts; try again later'),
      body('rate_limited', 'Too Many Requests', 429, 'Too many failed sign-in attempts; try again later'),
      { 'Retry-After': '13' },
    ],
    [
      'a dependency down',
      new Unavailable(),
      body('service_unavailable', 'Service Unavailable', 503, 'Temporarily unavailable; retry later'),
      { 'Retry-After': '30' },
    ],
    [
      'an event not recorded',
      new IntakeUnavailable(),
      body('service_unavailable', 'Service Unavailable', 503, 'The event could not be recorded; retry later'),
      { 'Retry-After': '5' },
    ],
    [
      'a vendor not configured',
      new VendorNotConfigured('Strava'),
      body('service_unavailable', 'Service Unavailable', 503, 'Strava is not configured'),
      { 'Retry-After': '30' },
    ],
    [
      'a vendor that failed',
      new UpstreamFailed('Strava could not be reached; try again later'),
      body('bad_gateway', 'Bad Gateway', 502, 'Strava could not be reached; try again later'),
      {},
    ],
  ];

  it.each(cases)('%s: its status, code, title, detail and headers', (_, error, expected, headers) => {
    expect(answer(error)).toEqual({ body: expected, headers });
  });

  it('a Retry-After is whole seconds and never 0', () => {
    expect(answer(new Unavailable('Busy; retry', 0.2)).headers).toEqual({ 'Retry-After': '1' });
    expect(answer(new RateLimited(0)).headers).toEqual({ 'Retry-After': '1' });
  });

  it('gives every kind a status and every code a documented entry', () => {
    const kinds = Object.keys(STATUS_OF_KIND) as ErrorKind[];
    expect(new Set(cases.map(([, e]) => e.kind))).toEqual(new Set(kinds));
    for (const [, error] of cases) expect(PROBLEM_CODES).toHaveProperty(error.code);
  });

  it('hides an unexpected error behind a 500', () => {
    expect(answer(new Error('postgres://secret'))).toEqual({
      body: body('internal_error', 'Internal Server Error', 500, 'Something went wrong on our side'),
      headers: {},
    });
  });
});

describe('retry or drop, by kind (the queue worker)', () => {
  it('drops what the same input would meet again', () => {
    for (const error of [
      new InvalidInput('bad cursor'),
      new Unprocessable([{ field: 'date', message: 'in the future' }]),
      new Unauthenticated(),
      new Forbidden(),
      new NotFound('No such user'),
      new Conflict('already exists'),
    ]) {
      expect(isPermanent(error), error.name).toBe(true);
    }
  });

  it('retries what may pass: a wait, an outage, a vendor, a delivery in flight, and anything unexpected', () => {
    for (const error of [
      new RateLimited(5),
      new Unavailable(),
      new VendorNotConfigured('Strava'),
      new UpstreamFailed('Strava'),
      new DeliveryInProgress(),
      new Error('connection reset'),
      Object.assign(new Error('deadlock detected'), { code: '40P01' }),
    ]) {
      expect(isPermanent(error), error.name).toBe(false);
    }
  });
});
