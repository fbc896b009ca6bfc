// Routes whose answer is too large to hold in memory (the account export) stream it: Lambda response
// streaming behind an API Gateway REST integration in STREAM mode (topology `stream: true`; lib/aws/api.ts).
// The handler is wrapped with the Lambda runtime's `awslambda.streamifyResponse` and writes the HTTP
// status and headers first (`HttpResponseStream.from`: a JSON prelude and 8 NUL bytes), then the body.
// Outside Lambda the same two functions come from `localStreaming` below, which writes the same bytes;
// lib/local/http-server.ts reads them back exactly as API Gateway does.
//
// Errors before the first byte are problem+json with their status, as in httpHandler; after it the
// status is already sent, so the stream is cut short (the client sees a truncated, invalid document).
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { HttpFunctionSpec, RouteAuth, RouteSchemas } from '#shared/topology-types';
import { errorFields, logger } from '#shared/logger';
import type { HttpRequest } from './handler';
import { answerHeaders, callerOf, failureAnswer, logRequest, openRequest, parseParts } from './request';

export interface HttpResponseMetadata {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  cookies?: string[];
}

export type StreamingHandler = (event: APIGatewayProxyEvent, responseStream: Writable, context: Context) => Promise<void>;

/** The part of the Lambda Node.js runtime's `awslambda` global that streaming uses. */
export interface StreamingRuntime {
  streamifyResponse(handler: StreamingHandler): StreamingHandler;
  HttpResponseStream: { from(stream: Writable, metadata: HttpResponseMetadata): Writable };
}

/** How the Lambda runtime marks a streaming handler (and how the local runtime recognises one). */
export const STREAMING_HANDLER = Symbol.for('aws.lambda.runtime.handler.streaming');
/** What separates the metadata prelude from the body in an HTTP integration response stream. */
export const PRELUDE_DELIMITER = new Uint8Array(8);

export const localStreaming: StreamingRuntime = {
  streamifyResponse(handler) {
    Object.defineProperty(handler, STREAMING_HANDLER, { value: 'response' });
    return handler;
  },
  HttpResponseStream: {
    from(stream, metadata) {
      stream.write(JSON.stringify(metadata));
      stream.write(PRELUDE_DELIMITER);
      return stream;
    },
  },
};

// Outside Lambda, `awslambda` may still exist (@aws/lambda-invoke-store defines it for its InvokeStore),
// so the test is for the function itself.
function runtime(): StreamingRuntime {
  const lambda = (globalThis as unknown as { awslambda?: Partial<StreamingRuntime> }).awslambda;
  return typeof lambda?.streamifyResponse === 'function' && lambda.HttpResponseStream ? (lambda as StreamingRuntime) : localStreaming;
}

export interface StreamReply {
  headers?: Record<string, string>;
  /** Text or bytes, produced on demand; pulled with backpressure. */
  body: AsyncIterable<string | Uint8Array>;
}

/** Like httpHandler, for a GET route (no body) whose 200 answer is streamed. */
export function streamingHttpHandler<S extends RouteSchemas, A extends RouteAuth>(
  spec: HttpFunctionSpec<S, A>,
  fn: (request: HttpRequest<S, A>) => Promise<StreamReply>,
): StreamingHandler {
  const route = spec.trigger;
  if (!route.stream) throw new Error(`${route.method} ${route.path} streams its answer but its topology entry lacks stream: true`);
  if (route.schemas.body) throw new Error(`${route.method} ${route.path} streams its answer, so it takes no body`);
  const { HttpResponseStream, streamifyResponse } = runtime();

  return streamifyResponse(async (event, responseStream, context) => {
    if (context) logger.addContext(context);
    const core = openRequest(event, context);

    let iterator: AsyncIterator<string | Uint8Array>;
    let first: IteratorResult<string | Uint8Array>;
    let replyHeaders: Record<string, string>;
    try {
      const userId = callerOf(route, event);
      const { query, params } = parseParts(route.schemas, event);
      const reply = await fn({ body: undefined, query, params, userId, requestId: core.requestId, headers: core.headers, event } as HttpRequest<S, A>);
      replyHeaders = reply.headers ?? {};
      iterator = reply.body[Symbol.asyncIterator]();
      // Pull the first chunk before committing to 200: a failure this early still gets its status.
      first = await iterator.next();
    } catch (error) {
      const answer = failureAnswer(error, core, route, event);
      const out = HttpResponseStream.from(responseStream, { statusCode: answer.statusCode, headers: answer.headers });
      await pipeline(Readable.from([answer.body]), out);
      return;
    }

    const out = HttpResponseStream.from(responseStream, {
      statusCode: 200,
      headers: answerHeaders(core.requestId, { 'Content-Type': 'application/json', ...replyHeaders }),
    });
    async function* body() {
      if (!first.done) yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    }
    try {
      await pipeline(Readable.from(body()), out);
      logRequest(core, route, 200);
    } catch (error) {
      // The status is sent; all that is left is to cut the stream and say why in the log.
      const e = error as Error;
      logger.error('stream failed', { requestId: core.requestId, route: route.path, ...errorFields(e) });
      await iterator.return?.();
      throw error;
    }
  });
}
