// Strava's HTTP API, the calls we make: OAuth token exchange and refresh, and reading one activity.
// No database here (connections.ts stores tokens; strava/client.ts combines the two). The base URL is
// configuration so tests talk to a local fake (test/support/fake-strava.ts).
// https://developers.strava.com/docs/authentication/ and https://developers.strava.com/docs/rate-limits/
import * as z from 'zod';
import { StravaActivity, stravaId } from './activity';
import { parseRateLimit } from './rate-limit';

/** POST /oauth/token (authorization_code or refresh_token). Each refresh may rotate the refresh token. */
export const StravaTokenResponse = z.object({
  token_type: z.string().max(32),
  access_token: z.string().min(1).max(1024),
  refresh_token: z.string().min(1).max(1024),
  /** Epoch seconds. */
  expires_at: z.int().positive(),
  expires_in: z.int().optional(),
  athlete: z.looseObject({ id: stravaId }).optional(),
});
export type StravaTokenResponse = z.infer<typeof StravaTokenResponse>;

/** Strava said "too many requests" (or its budget is spent): try again after `retryAfterSeconds`. */
export class RateLimited extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    readonly vendor: 'strava' = 'strava',
  ) {
    super(`${vendor} rate limit reached; retry in ${retryAfterSeconds} s`);
    this.name = 'RateLimited';
  }
}

/** The athlete's token is not (or no longer) accepted: refresh it, or the athlete revoked our access. */
export class StravaUnauthorized extends Error {
  constructor(what: string) {
    super(`Strava refused our credentials for ${what}`);
    this.name = 'StravaUnauthorized';
  }
}

/** Strava refused the request itself (bad OAuth code, unknown client): retrying will not help. */
export class StravaRejected extends Error {
  constructor(
    readonly status: number,
    what: string,
  ) {
    super(`Strava answered ${status} to ${what}`);
    this.name = 'StravaRejected';
  }
}

/** Strava failed or answered something we cannot read: worth retrying later. */
export class StravaUnavailable extends Error {
  constructor(
    what: string,
    readonly status?: number,
  ) {
    super(`Strava is unavailable for ${what}${status ? ` (${status})` : ''}`);
    this.name = 'StravaUnavailable';
  }
}

export interface StravaHttp {
  /** e.g. https://www.strava.com (tests: the fake's URL). */
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface StravaClientCredentials {
  clientId: string;
  clientSecret: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** `now` is the caller's time: a 429 waits until the spent window resets, counted from it. */
async function call(http: StravaHttp, now: Date, what: string, path: string, init: RequestInit): Promise<Response> {
  const doFetch = http.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(`${http.baseUrl.replace(/\/+$/, '')}${path}`, { ...init, signal: AbortSignal.timeout(http.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
  } catch {
    throw new StravaUnavailable(what);
  }
  if (res.status === 429) {
    const limit = parseRateLimit(res.headers, now, 429);
    const retryAfter = Number(res.headers.get('retry-after'));
    await res.body?.cancel();
    throw new RateLimited(Math.max(1, limit.backoffSeconds, Number.isFinite(retryAfter) ? retryAfter : 0));
  }
  return res;
}

async function json(res: Response, what: string): Promise<unknown> {
  try {
    return (await res.json()) as unknown;
  } catch {
    throw new StravaUnavailable(`${what}: unreadable response`, res.status);
  }
}

async function tokenRequest(http: StravaHttp, now: Date, what: string, form: Record<string, string>): Promise<StravaTokenResponse> {
  const res = await call(http, now, what, '/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  if (res.status === 401) throw new StravaUnauthorized(what);
  if (res.status >= 400 && res.status < 500) {
    await res.body?.cancel();
    throw new StravaRejected(res.status, what);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new StravaUnavailable(what, res.status);
  }
  const parsed = StravaTokenResponse.safeParse(await json(res, what));
  if (!parsed.success) throw new StravaUnavailable(`${what}: unexpected response`, res.status);
  return parsed.data;
}

/** Reads our client credentials again (the vendor secret); undefined when they are not configured. */
export type ReloadClientCredentials = () => Promise<StravaClientCredentials | undefined>;

/**
 * A token-endpoint request with our client credentials. Strava answers 401 there only when it refuses those (a
 * bad code or refresh token is a 400): an operator may have rotated the client secret. So on a 401 the
 * credentials are read again (`reload`; the secret reader allows that at most once a minute) and, when they
 * changed, the request is made once more with the new ones.
 */
export async function withClientCredentials<T>(
  client: StravaClientCredentials,
  reload: ReloadClientCredentials | undefined,
  request: (client: StravaClientCredentials) => Promise<T>,
): Promise<T> {
  try {
    return await request(client);
  } catch (error) {
    if (!(error instanceof StravaUnauthorized) || !reload) throw error;
    const fresh = await reload();
    if (!fresh || (fresh.clientId === client.clientId && fresh.clientSecret === client.clientSecret)) throw error;
    return request(fresh);
  }
}

/** Connect: the OAuth code from the app's redirect for tokens (the answer includes the athlete). */
export function exchangeStravaCode(http: StravaHttp, client: StravaClientCredentials, code: string, now: Date): Promise<StravaTokenResponse> {
  return tokenRequest(http, now, 'the authorization code', {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code,
    grant_type: 'authorization_code',
  });
}

/** Access tokens live 6 h; each refresh may also rotate the refresh token. */
export function refreshStravaToken(http: StravaHttp, client: StravaClientCredentials, refreshToken: string, now: Date): Promise<StravaTokenResponse> {
  return tokenRequest(http, now, 'a token refresh', {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    refresh_token: refreshToken,
    grant_type: 'refresh_token',
  });
}

export type StravaActivityLookup = { status: 'found'; activity: StravaActivity } | { status: 'not-found' } | { status: 'hidden' };

/**
 * GET /api/v3/activities/{id}: the activity, or why not: 'not-found' (404: deleted since the event, the only
 * answer that confirms a delete event) or 'hidden' (403: it exists but this athlete's token may not read it,
 * e.g. private without the activity:read_all scope). Either way there is nothing to ingest.
 */
export async function fetchStravaActivity(http: StravaHttp, accessToken: string, activityId: string, now: Date): Promise<StravaActivityLookup> {
  if (!/^\d{1,20}$/.test(activityId)) throw new StravaRejected(400, `activity id ${activityId}`);
  const what = `activity ${activityId}`;
  const res = await call(http, now, what, `/api/v3/activities/${activityId}`, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  if (res.status === 401) {
    await res.body?.cancel();
    throw new StravaUnauthorized(what);
  }
  if (res.status === 404 || res.status === 403) {
    await res.body?.cancel();
    return { status: res.status === 404 ? 'not-found' : 'hidden' };
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new StravaUnavailable(what, res.status);
  }
  const parsed = StravaActivity.safeParse(await json(res, what));
  if (!parsed.success) throw new StravaUnavailable(`${what}: unexpected response`, res.status);
  return { status: 'found', activity: parsed.data };
}

/** GET /api/v3/athlete: true while the token works; StravaUnauthorized once the athlete revoked us. */
export async function stravaTokenWorks(http: StravaHttp, accessToken: string, now: Date): Promise<true> {
  const what = 'the athlete';
  const res = await call(http, now, what, '/api/v3/athlete', { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  await res.body?.cancel();
  if (res.status === 401) throw new StravaUnauthorized(what);
  if (!res.ok) throw new StravaUnavailable(what, res.status);
  return true;
}

/** Revokes our access at Strava (the athlete disconnected here); Strava then stops sending their events. */
export async function deauthorizeStrava(http: StravaHttp, accessToken: string, now: Date): Promise<void> {
  const what = 'a deauthorization';
  const res = await call(http, now, what, '/oauth/deauthorize', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ access_token: accessToken }).toString(),
  });
  await res.body?.cancel();
  if (res.status === 401) throw new StravaUnauthorized(what);
  if (!res.ok) throw new StravaUnavailable(what, res.status);
}
