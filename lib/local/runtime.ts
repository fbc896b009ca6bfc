// The whole topology in one Node process: HTTP routes (with the authorizer), the event bus and its
// rules, one queue + DLQ per worker, and the schedules. Used by `npm start` and by end-to-end tests.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayRequestAuthorizerEvent, Context, ScheduledEvent } from 'aws-lambda';
import { config, resetConfig } from '#shared/config';
import { getDb, setDb, type Db } from '#shared/db/connection';
import { migrateToLatest } from '#shared/db/migrate';
import { EVENT_SOURCE } from '#shared/events/catalogue';
import {
  isHttp,
  isQueue,
  isSchedule,
  rateToMs,
  visibilityTimeoutSeconds,
  type FunctionSpec,
  type HttpFunctionSpec,
  type QueueTrigger,
} from '#shared/topology-types';
import { openApiDocument } from '#lib/openapi';
import { noFaults, startAwsEndpoint, type AwsEndpoint, type AwsFaults } from './aws-endpoint';
import { LocalBus } from './bus';
import { createHttpServer, type LocalRoute } from './http-server';
import { LocalQueue } from './queue';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The port of this process's first AWS endpoint (see startLocalRuntime). */
let awsEndpointPort: number | undefined;

export interface LocalRuntimeOptions {
  topology: Record<string, FunctionSpec>;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Use this database instead of the one the environment names. */
  db?: Db;
  /** Multiplies visibility timeouts, batching windows and message delays; tests use a small factor to see retries quickly. */
  timeScale?: number;
  /** Start the schedule timers (off in tests, which call runSchedule). */
  schedules?: boolean;
  log?: (line: string) => void;
}

export interface LocalRuntime {
  url: string;
  bus: LocalBus;
  /** Switches that make the emulated PutEvents / SendMessage fail (test/resilience). */
  faults: AwsFaults;
  /** Worker queues by function name. */
  queues: Map<string, LocalQueue>;
  invoke(name: string, event: unknown): Promise<unknown>;
  runSchedule(name: string): Promise<unknown>;
  /** Resolves when every queue is empty (work that publishes more work is followed through). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

function lambdaContext(name: string, spec: FunctionSpec): Context {
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Lambda stops an invocation at its timeout; so does the local runtime. */
async function withTimeout<T>(name: string, seconds: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} timed out after ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? ((line: string) => console.log(`[local] ${line}`));
  const timeScale = options.timeScale ?? 1;
  const entries = Object.entries(options.topology);

  // Queues and bus first: the AWS endpoint must exist before any handler builds its SDK clients.
  const queues = new Map<string, LocalQueue>();
  // Like Lambda, a function's module is loaded on its first invocation (its cold start), so `npm start`
  // is ready as soon as the database is; the entry files are checked to exist up front.
  const handlers = new Map<string, Promise<Handler>>();
  const loadHandler = (name: string): Promise<Handler> => {
    let loaded = handlers.get(name);
    if (!loaded) {
      const spec = options.topology[name];
      if (!spec) return Promise.reject(new Error(`no function ${name}`));
      loaded = import(pathToFileURL(path.join(REPO_ROOT, spec.entry)).href).then((mod: { handler?: Handler }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${spec.entry} does not export a handler`);
        return mod.handler;
      });
      handlers.set(name, loaded);
    }
    return loaded;
  };
  const invoke = async (name: string, event: unknown) => {
    const spec = options.topology[name];
    if (!spec) throw new Error(`no function ${name}`);
    const handler = await loadHandler(name);
    return withTimeout(name, spec.timeoutSeconds, handler(event, lambdaContext(name, spec)));
  };
  for (const [name, spec] of entries) {
    if (!isQueue(spec)) continue;
    queues.set(
      name,
      new LocalQueue({
        name,
        batchSize: spec.trigger.batchSize,
        maxReceiveCount: spec.trigger.maxReceiveCount,
        visibilityTimeoutMs: visibilityTimeoutSeconds(spec) * 1000 * timeScale,
        maxBatchingWindowMs: (spec.trigger.maxBatchingWindowSeconds ?? 0) * 1000 * timeScale,
        invoke: (event) => invoke(name, event),
        log,
        timeScale,
      }),
    );
  }
  const busName = process.env.EVENT_BUS_NAME ?? 'running-coach';
  const bus = new LocalBus(
    busName,
    entries
      .filter(([, s]) => isQueue(s))
      .map(([name, s]) => ({
        name,
        source: EVENT_SOURCE,
        detailTypes: (s as FunctionSpec<QueueTrigger>).trigger.detailTypes,
        target: queues.get(name)!,
      })),
    log,
  );
  // The SDK clients are built once per process and keep the endpoint they saw first: a runtime started after
  // another one (the season simulator's scenarios, one after the other) listens where the first one did.
  // (Were that port still taken, by a runtime still running, a fresh one is used as before.)
  const faults = noFaults();
  const endpoint: AwsEndpoint = await startAwsEndpoint(bus, queues, awsEndpointPort ?? 0, faults).catch(() => startAwsEndpoint(bus, queues, 0, faults));
  awsEndpointPort = Number(new URL(endpoint.url).port);

  Object.assign(process.env, {
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint.url,
    AWS_ENDPOINT_URL_SQS: endpoint.url,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    EVENT_BUS_NAME: busName,
  });
  for (const name of queues.keys()) process.env[`QUEUE_URL_${name.toUpperCase()}`] = `${endpoint.url}/000000000000/${name}`;
  resetConfig();

  if (options.db) setDb(options.db);
  await migrateToLatest(getDb());

  for (const [, spec] of entries) {
    if (!existsSync(path.join(REPO_ROOT, spec.entry))) throw new Error(`topology entry ${spec.entry} does not exist`);
  }

  const authorizerName = entries.find(([, s]) => s.trigger.kind === 'authorizer')?.[0];
  const routes: LocalRoute[] = entries
    .filter(([, s]) => isHttp(s))
    .map(([name, s]) => ({
      name,
      trigger: (s as HttpFunctionSpec).trigger,
      invoke: (e) => invoke(name, e),
      // A streaming handler (awslambda.streamifyResponse) takes the response stream as its second argument.
      invokeStream: async (e, sink) => {
        const handler = (await loadHandler(name)) as unknown as (event: unknown, stream: Writable, context: Context) => Promise<unknown>;
        return withTimeout(name, s.timeoutSeconds, handler(e, sink, lambdaContext(name, s)));
      },
    }));
  const server: Server = createHttpServer({
    routes,
    authorize: authorizerName ? (e: APIGatewayRequestAuthorizerEvent) => invoke(authorizerName, e) : undefined,
    corsOrigin: config().CORS_ALLOW_ORIGIN,
    log,
    openApi: () => openApiDocument(options.topology),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const scheduledEvent = (name: string): ScheduledEvent => ({
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'local',
    resources: [`arn:aws:events:local:000000000000:rule/${name}`],
    detail: {},
  });
  const runSchedule = async (name: string) => {
    const result = await invoke(name, scheduledEvent(name));
    log(`schedule ${name}: ran`);
    return result;
  };
  const timers: NodeJS.Timeout[] = [];
  if (options.schedules ?? true) {
    for (const [name, spec] of entries) {
      if (!isSchedule(spec)) continue;
      // Node's timers hold at most 2^31 - 1 ms (24.8 days); a longer rate would fire every millisecond.
      const every = Math.min(rateToMs(spec.trigger.expression), 2 ** 31 - 1);
      timers.push(setInterval(() => void runSchedule(name).catch((e: Error) => log(`schedule ${name} failed: ${e.message}`)), every));
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    bus,
    faults,
    queues,
    invoke,
    runSchedule,
    async drain() {
      while ([...queues.values()].some((q) => q.depth > 0)) {
        await Promise.all([...queues.values()].map((q) => q.drained()));
      }
    },
    async close() {
      for (const t of timers) clearInterval(t);
      for (const q of queues.values()) q.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await endpoint.close();
    },
  };
}
