import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { batchWorker } from '#shared/events/batch-worker';
import { queueWorker } from '#shared/events/consumer';
import { httpHandler } from '#shared/http/handler';
import { errorFields, logger, withLambdaContext } from '#shared/logger';
import { fixtureFunctions } from '#test/fixtures/topology';
import { apiEvent, lambdaContext } from '#test/support/events';

describe('what a log line says about an error', () => {
  it('keeps a database error to its name and code: its message can quote the health value that failed', () => {
    const pgError = Object.assign(new Error('invalid input syntax for type smallint: "400 bpm"'), { code: '22P02' });
    const fields = JSON.stringify(errorFields(pgError));
    expect(fields).toContain('22P02');
    expect(fields).not.toContain('400 bpm');
  });

  it('keeps the message and stack of our own errors, for debugging', () => {
    const fields = errorFields(new Error('vendor credentials missing'));
    expect(fields.errorMessage).toBe('vendor credentials missing');
    expect(String(fields.stack)).toContain('logger.test.ts');
  });
});

describe('log lines written during an invocation', () => {
  /** The JSON lines the logger writes while `work` runs, at level INFO. */
  async function linesDuring(work: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
    const written: string[] = [];
    const level = logger.getLevelName();
    logger.setLogLevel('INFO');
    const capture = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
    try {
      await work();
    } finally {
      for (const spy of spies) spy.mockRestore();
      logger.setLogLevel(level);
    }
    return written
      .flatMap((w) => w.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  const context = (awsRequestId: string) =>
    ({ ...lambdaContext, awsRequestId, functionName: 'fn', memoryLimitInMB: '128', invokedFunctionArn: 'arn:aws:lambda:local:0:function:fn' }) as Context;

  it('carry the Lambda request id from a queue worker, and the next invocation its own', async () => {
    const worker = queueWorker(fixtureFunctions.recorder, async () => undefined);
    const unparseable = { Records: [{ messageId: 'm-1', body: 'not json', attributes: {} }] } as unknown as SQSEvent;
    const first = await linesDuring(() => worker(unparseable, context('req-worker-1')));
    expect(first.find((l) => l.message === 'message failed')).toMatchObject({ function_request_id: 'req-worker-1', function_name: 'fn' });
    const second = await linesDuring(() => worker(unparseable, context('req-worker-2')));
    expect(second.find((l) => l.message === 'message failed')).toMatchObject({ function_request_id: 'req-worker-2' });
  });

  it('carry it from a batch worker, an HTTP handler and a plain handler wrapped with withLambdaContext', async () => {
    const batch = batchWorker(fixtureFunctions.recorder, async () => new Set<string>());
    const batchLines = await linesDuring(() =>
      batch({ Records: [{ messageId: 'm-2', body: '{}', attributes: {} }] } as unknown as SQSEvent, context('req-batch')),
    );
    expect(batchLines.find((l) => l.message === 'message failed')).toMatchObject({ function_request_id: 'req-batch' });

    const http = httpHandler(fixtureFunctions.health, async () => ({ status: 'ok' as const, db: 'ok' as const }));
    const httpLines = await linesDuring(() => http(apiEvent({ httpMethod: 'GET', path: '/api/v1/health' }), context('req-http')));
    expect(httpLines.find((l) => l.message === 'request')).toMatchObject({ function_request_id: 'req-http' });

    const scheduled = withLambdaContext(async () => logger.info('service line'));
    const scheduledLines = await linesDuring(() => scheduled({}, context('req-schedule')));
    expect(scheduledLines.find((l) => l.message === 'service line')).toMatchObject({ function_request_id: 'req-schedule' });
  });
});
