// A local stand-in for Strava's OAuth and activity API, serving the sample payloads: tokens that expire
// and rotate on refresh, activities only for a current access token, rate-limit headers on every answer,
// and 429s on demand. Listens on 127.0.0.1 with a free port; point STRAVA_API_URL (or a StravaHttp) at `url`.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sample } from './vendor-samples';

export interface FakeStravaRequest {
  method: string;
  path: string;
  form?: Record<string, string>;
  authorization?: string;
}

export interface FakeStravaOptions {
  clientId?: string;
  clientSecret?: string;
  /** The athlete a valid authorization code connects. */
  athleteId?: number;
  /** Access token lifetime, seconds (Strava: 6 h). */
  accessTokenSeconds?: number;
  now?: () => Date;
}

export interface FakeStrava {
  url: string;
  requests: FakeStravaRequest[];
  /** Activities by id (the samples preloaded); set one to serve it, delete one for a 404. */
  activities: Map<string, Record<string, unknown>>;
  /**
   * Whose activity it is (served as `athlete.id`). Unset: the asking token's athlete, so the samples
   * belong to whoever connected. Set one to stage another athlete's public activity.
   */
  owners: Map<string, number>;
  /** The athlete revoked our access: every token issued for them stops working (as after a real deauthorization). */
  revokeAthlete(athleteId: number): void;
  /** A code the OAuth endpoint accepts once, connecting `athleteId` (default: the one from the options). */
  issueCode(code?: string, athleteId?: number): string;
  /** The next `count` API calls answer 429 with these usage headers ("15min,daily"). */
  rateLimitNext(count?: number, usage?: string): void;
  /** Every issued access token expires now (the next API call is refused until a refresh). */
  expireAccessTokens(): void;
  refreshCount(): number;
  deauthorized: string[];
  close(): Promise<void>;
}

const LIMIT = '200,2000';

export async function startFakeStrava(options: FakeStravaOptions = {}): Promise<FakeStrava> {
  const clientId = options.clientId ?? '4711';
  const clientSecret = options.clientSecret ?? 'fake-client-secret';
  const athleteId = options.athleteId ?? 134815;
  const lifetime = options.accessTokenSeconds ?? 6 * 3600;
  const now = options.now ?? (() => new Date());

  const requests: FakeStravaRequest[] = [];
  const codes = new Map<string, number>(); // code -> athlete
  const accessTokens = new Map<string, number>(); // token -> expires (epoch s)
  const tokenAthletes = new Map<string, number>(); // access or refresh token -> athlete
  const owners = new Map<string, number>();
  // Valid refresh tokens: each is spent by its refresh, which issues the next (Strava rotates them).
  const refreshTokens = new Set<string>();
  let refreshes = 0;
  let usage = 0;
  let limited = 0;
  let limitedUsage = '201,1500';
  const deauthorized: string[] = [];
  const activities = new Map<string, Record<string, unknown>>();
  for (const file of ['strava-activity-run.json', 'strava-activity-manual-no-hr.json']) {
    const activity = sample(file);
    activities.set(String(activity.id), activity);
  }

  const issueTokens = (athlete: number) => {
    const access = `access-${randomBytes(8).toString('hex')}`;
    const refreshToken = `refresh-${randomBytes(8).toString('hex')}`;
    refreshTokens.add(refreshToken);
    tokenAthletes.set(access, athlete);
    tokenAthletes.set(refreshToken, athlete);
    const expiresAt = Math.floor(now().getTime() / 1000) + lifetime;
    accessTokens.set(access, expiresAt);
    return { token_type: 'Bearer', access_token: access, refresh_token: refreshToken, expires_at: expiresAt, expires_in: lifetime };
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const readForm = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  };
  const validAccess = (authorization: string | undefined) => {
    const token = authorization?.replace(/^Bearer /, '') ?? '';
    const expires = accessTokens.get(token);
    return expires !== undefined && expires > now().getTime() / 1000;
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const form = method === 'POST' ? await readForm(req) : undefined;
    requests.push({ method, path: url.pathname, form, authorization: req.headers.authorization });

    if (method === 'POST' && url.pathname === '/oauth/token') {
      if (form?.client_id !== clientId || form?.client_secret !== clientSecret) {
        return send(res, 401, { message: 'Authorization Error', errors: [{ resource: 'Application', field: 'client_id', code: 'invalid' }] });
      }
      if (form.grant_type === 'authorization_code') {
        const athlete = form.code ? codes.get(form.code) : undefined;
        if (athlete === undefined)
          return send(res, 400, { message: 'Bad Request', errors: [{ resource: 'AuthorizationCode', field: 'code', code: 'invalid' }] });
        codes.delete(form.code!);
        return send(res, 200, { ...issueTokens(athlete), athlete: { ...(sample('strava-token-response.json').athlete as object), id: athlete } });
      }
      if (form.grant_type === 'refresh_token') {
        if (!form.refresh_token || !refreshTokens.delete(form.refresh_token))
          return send(res, 400, { message: 'Bad Request', errors: [{ resource: 'RefreshToken', field: 'refresh_token', code: 'invalid' }] });
        refreshes += 1;
        return send(res, 200, issueTokens(tokenAthletes.get(form.refresh_token) ?? athleteId));
      }
      return send(res, 400, { message: 'Bad Request' });
    }
    if (method === 'POST' && url.pathname === '/oauth/deauthorize') {
      if (!form?.access_token || !accessTokens.delete(form.access_token)) return send(res, 401, { message: 'Authorization Error' });
      deauthorized.push(form.access_token);
      return send(res, 200, { access_token: form.access_token });
    }
    if (method === 'GET' && url.pathname === '/api/v3/athlete') {
      if (!validAccess(req.headers.authorization)) return send(res, 401, { message: 'Authorization Error' });
      return send(res, 200, { id: tokenAthletes.get(req.headers.authorization!.replace(/^Bearer /, '')) });
    }
    const activity = /^\/api\/v3\/activities\/(\d+)$/.exec(url.pathname);
    if (method === 'GET' && activity) {
      if (limited > 0) {
        limited -= 1;
        return send(res, 429, { message: 'Rate Limit Exceeded' }, { 'X-RateLimit-Limit': LIMIT, 'X-RateLimit-Usage': limitedUsage });
      }
      usage += 1;
      const headers = { 'X-RateLimit-Limit': LIMIT, 'X-RateLimit-Usage': `${usage},${usage}` };
      if (!validAccess(req.headers.authorization)) return send(res, 401, { message: 'Authorization Error' }, headers);
      const found = activities.get(activity[1]!);
      if (!found) return send(res, 404, { message: 'Record Not Found' }, headers);
      const asker = tokenAthletes.get(req.headers.authorization!.replace(/^Bearer /, ''));
      return send(res, 200, { ...found, athlete: { id: owners.get(activity[1]!) ?? asker } }, headers);
    }
    send(res, 404, { message: 'Record Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    activities,
    owners,
    deauthorized,
    revokeAthlete(id) {
      for (const [token, athlete] of tokenAthletes) {
        if (athlete !== id) continue;
        accessTokens.delete(token);
        refreshTokens.delete(token);
      }
    },
    issueCode(code = `code-${randomBytes(6).toString('hex')}`, athlete = athleteId) {
      codes.set(code, athlete);
      return code;
    },
    rateLimitNext(count = 1, usageHeader = '201,1500') {
      limited = count;
      limitedUsage = usageHeader;
    },
    expireAccessTokens() {
      for (const token of accessTokens.keys()) accessTokens.set(token, 0);
    },
    refreshCount: () => refreshes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
