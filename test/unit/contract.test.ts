// The contract checker behind useLocalRuntime() must catch each way an answer can break the document;
// a checker that passes everything would make the e2e suites' contract check a test that cannot fail.
import { describe, expect, it } from 'vitest';
import { functions } from '#lib/topology';
import { Contract, type ExchangeRequest, type ExchangeResponse } from '#test/support/contract';

const contract = new Contract(functions);
const base = 'http://127.0.0.1:1';
const bearer = { authorization: 'Bearer x' };
const json = (body: unknown, status = 200, headers: Record<string, string> = {}): ExchangeResponse => ({
  status,
  headers: { 'content-type': 'application/json', 'x-request-id': 'r1', ...headers },
  body: JSON.stringify(body),
});
const problem = (status: number, extra: Record<string, string> = {}): ExchangeResponse => ({
  status,
  headers: { 'content-type': 'application/problem+json', 'x-request-id': 'r1', ...extra },
  body: JSON.stringify({ type: 'urn:runningcoach:problem:validation_failed', code: 'validation_failed', title: 'Bad', status }),
});
const get = (path: string, headers: Record<string, string> = bearer): ExchangeRequest => ({ method: 'GET', url: `${base}${path}`, headers });
const post = (path: string, body: unknown, headers: Record<string, string> = bearer): ExchangeRequest => ({
  method: 'POST',
  url: `${base}${path}`,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const activity = {
  id: '0b6f4c1e-5d0a-4f7e-9a39-3c2b1d7e8f90',
  source: 'manual',
  externalId: null,
  type: 'run',
  startTime: '2024-05-01T05:30:00.000Z',
  localDate: '2024-05-01',
  durationMinutes: 52,
  distanceMeters: null,
  avgHr: null,
  maxHr: null,
  elevationGainMeters: null,
  rpe: 6,
  feeling: null,
  notes: null,
  internalLoad: 312,
  trimp: null,
  duplicateOf: null,
  fieldSources: {},
};
const newRun = { startTime: '2024-05-01T07:30:00+02:00', durationMinutes: 52 };

describe('the contract check', () => {
  it('passes an answer that keeps the document', () => {
    const verdict = contract.check(post('/api/v1/activities', newRun), json(activity, 201, { location: `/api/v1/activities/${activity.id}` }));
    expect(verdict).toEqual({ operation: 'createActivity', status: 201, problems: [] });
    expect(contract.check(get(`/api/v1/activities/${activity.id}`), json(activity)).problems).toEqual([]);
  });

  it('catches an undeclared status', () => {
    expect(contract.check({ method: 'DELETE', url: `${base}/api/v1/me`, headers: bearer }, json({}, 200)).problems[0]).toMatch(/status 200 is not declared/);
  });

  it('catches a body that breaks its schema, a wrong content type and a body on a 204', () => {
    expect(contract.check(get(`/api/v1/activities/${activity.id}`), json({ ...activity, rpe: 'six' })).problems[0]).toMatch(/^body: \/rpe must be/);
    expect(contract.check(get(`/api/v1/activities/${activity.id}`), json({ ...activity, localDate: '2024-02-30' })).problems[0]).toMatch(/format "date"/);
    expect(
      contract.check(get(`/api/v1/activities/${activity.id}`), { ...json(activity), headers: { 'content-type': 'text/plain', 'x-request-id': 'r' } })
        .problems[0],
    ).toMatch(/content type text\/plain/);
    expect(
      contract.check({ method: 'DELETE', url: `${base}/api/v1/me`, headers: bearer }, { status: 204, headers: { 'x-request-id': 'r' }, body: 'x' }).problems[0],
    ).toMatch(/declares no content/);
  });

  it('catches missing required headers: X-Request-Id everywhere, Location on 201, Retry-After on 429', () => {
    expect(contract.check(get('/api/v1/tasks'), { ...json({ tasks: [] }), headers: { 'content-type': 'application/json' } }).problems).toContain(
      'no X-Request-Id header',
    );
    expect(contract.check(post('/api/v1/activities', newRun), json(activity, 201)).problems).toContain('required header Location is missing');
    expect(contract.check(post('/api/v1/auth/login', { email: 'a@example.com', password: 'x' }, {}), problem(429)).problems).toContain(
      'required header Retry-After is missing',
    );
  });

  it('refuses a 400 or 422 to a request the document accepts, unless the test says why', () => {
    const refused = contract.check(post('/api/v1/activities', newRun), problem(422));
    expect(refused.problems[0]).toMatch(/refused with 422 a request the document accepts/);
    expect(contract.check({ ...post('/api/v1/activities', newRun), semantic: 'starts in the future' }, problem(422)).problems).toEqual([]);
    // The document refuses these too, so the 4xx is the document's own answer.
    expect(contract.check(post('/api/v1/activities', { ...newRun, rpe: 11 }), problem(422)).problems).toEqual([]);
    expect(contract.check(get('/api/v1/metrics/load?from=2024-02-30&to=2024-03-01'), problem(400)).problems).toEqual([]);
    expect(contract.check(get('/api/v1/metrics/load?from=2024-03-01&to=2024-03-02'), problem(400)).problems[0]).toMatch(/document accepts/);
  });

  it('holds unrouted answers and preflights to the problem shape and a request id', () => {
    expect(contract.check(get('/api/v1/nowhere'), problem(404)).problems).toEqual([]);
    expect(contract.check(get('/api/v1/nowhere'), json({ error: 'no' }, 404)).problems).toContain('not application/problem+json');
    expect(contract.check({ method: 'PUT', url: `${base}/api/v1/me`, headers: bearer }, problem(405)).problems).toEqual(['a 405 without an Allow header']);
    expect(contract.check({ method: 'PUT', url: `${base}/api/v1/nowhere`, headers: bearer }, problem(405)).problems[0]).toMatch(/not 404$/);
    expect(contract.check({ method: 'OPTIONS', url: `${base}/api/v1/me`, headers: {} }, { status: 204, headers: {}, body: '' }).problems).toEqual([
      'no X-Request-Id header',
    ]);
  });
});
