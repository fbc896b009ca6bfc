// Errors API Gateway answers by itself (no route, throttled, authorizer said no, body too large, the
// integration timed out) leave in the same RFC 9457 problem+json shape as errors from our handlers
// (shared/http/problem.ts), so the app parses one error format.
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { CODE_OF_STATUS, problemType, type ProblemCode } from '#shared/http/errors';
import { SECURITY_HEADERS } from '#shared/http/handler';
import { PROBLEM_CONTENT_TYPE } from '#shared/http/problem';

interface GatewayProblem {
  type: apigateway.ResponseType;
  /** Absent: API Gateway's own status stands, and the body cannot state it. */
  status?: number;
  title: string;
  /** Absent: API Gateway's message. */
  detail?: string;
  headers?: Record<string, string>;
}

/**
 * Each listed response keeps API Gateway's status except MISSING_AUTHENTICATION_TOKEN, which is how
 * API Gateway answers an unknown route. The DEFAULT_* rows catch types we do not list (API keys, WAF,
 * SigV4: none in use); their templates are plain substitution, not VTL, so they cannot name a status.
 */
export const GATEWAY_PROBLEMS: readonly GatewayProblem[] = [
  { type: apigateway.ResponseType.DEFAULT_4XX, title: 'Request rejected' },
  { type: apigateway.ResponseType.DEFAULT_5XX, title: 'Gateway error' },
  { type: apigateway.ResponseType.BAD_REQUEST_BODY, status: 400, title: 'Bad Request' },
  { type: apigateway.ResponseType.BAD_REQUEST_PARAMETERS, status: 400, title: 'Bad Request' },
  {
    type: apigateway.ResponseType.UNAUTHORIZED,
    status: 401,
    title: 'Unauthorized',
    detail: 'A valid bearer token is required',
    headers: { 'WWW-Authenticate': 'Bearer' },
  },
  // A bad or expired token should make the authorizer throw 'Unauthorized' (the 401 above, so the app
  // refreshes); a Deny policy means a valid token that may not do this, which 403 says.
  { type: apigateway.ResponseType.ACCESS_DENIED, status: 403, title: 'Forbidden', detail: 'Not allowed' },
  {
    type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: 404,
    title: 'Not Found',
    detail: 'No route matches this method and path',
  },
  { type: apigateway.ResponseType.RESOURCE_NOT_FOUND, status: 404, title: 'Not Found' },
  { type: apigateway.ResponseType.REQUEST_TOO_LARGE, status: 413, title: 'Content Too Large' },
  { type: apigateway.ResponseType.UNSUPPORTED_MEDIA_TYPE, status: 415, title: 'Unsupported Media Type' },
  // Throttling is per second (the stage's rate limit): a second is the wait that helps.
  { type: apigateway.ResponseType.THROTTLED, status: 429, title: 'Too Many Requests', headers: { 'Retry-After': '1' } },
  // The authorizer could not decide (its database is down, it timed out): the token may be fine, so not a
  // 401 (the app would sign the user out) but a retryable 503. The local runtime answers the same.
  {
    type: apigateway.ResponseType.AUTHORIZER_FAILURE,
    status: 503,
    title: 'Service Unavailable',
    detail: 'Authorization is temporarily unavailable; retry later',
    headers: { 'Retry-After': '5' },
  },
  { type: apigateway.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, status: 500, title: 'Internal Server Error' },
  { type: apigateway.ResponseType.INTEGRATION_FAILURE, status: 504, title: 'Gateway Timeout' },
  // Handlers answer 503 themselves a second before their timeout; this is the backstop.
  { type: apigateway.ResponseType.INTEGRATION_TIMEOUT, status: 503, title: 'Service Unavailable', headers: { 'Retry-After': '5' } },
];

/** Gateway templates substitute `$context` variables only; `messageString` arrives already quoted. */
function problemBody(problem: GatewayProblem): string {
  const fallback: ProblemCode = problem.type === apigateway.ResponseType.DEFAULT_5XX ? 'gateway_error' : 'request_rejected';
  const code = (problem.status !== undefined && CODE_OF_STATUS[problem.status]) || fallback;
  const members = [
    `"type":"${problemType(code)}"`,
    `"code":"${code}"`,
    `"title":${JSON.stringify(problem.title)}`,
    ...(problem.status === undefined ? [] : [`"status":${problem.status}`]),
    `"detail":${problem.detail === undefined ? '$context.error.messageString' : JSON.stringify(problem.detail)}`,
    `"requestId":"$context.requestId"`,
  ];
  return `{${members.join(',')}}`;
}

export function addProblemResponses(api: apigateway.RestApi): void {
  for (const problem of GATEWAY_PROBLEMS) {
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'Content-Type': PROBLEM_CONTENT_TYPE,
      // Without it a browser client sees a CORS failure instead of the problem.
      'Access-Control-Allow-Origin': '*',
      ...problem.headers,
    };
    api.addGatewayResponse(`Problem${problem.type.responseType}`, {
      type: problem.type,
      ...(problem.status !== undefined && { statusCode: String(problem.status) }),
      // Header values are mapping expressions: a literal must be single-quoted; the request id is not one.
      responseHeaders: { ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, `'${value}'`])), 'X-Request-Id': 'context.requestId' },
      templates: { 'application/json': problemBody(problem) },
    });
  }
}
