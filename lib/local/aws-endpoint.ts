// A loopback endpoint that speaks the AWS JSON protocol for the calls our handlers make (EventBridge
// PutEvents, SQS SendMessage and ChangeMessageVisibility), so the real SDK clients run unchanged and
// land in the in-process bus and queues. The local runtime points AWS_ENDPOINT_URL_EVENTBRIDGE / _SQS here.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalBus } from './bus';
import type { LocalQueue } from './queue';

export interface AwsEndpoint {
  url: string;
  close(): Promise<void>;
}

/**
 * Test-only outages of the emulated AWS calls: each counts the calls still to fail (Infinity until set back
 * to 0). A failing PutEvents answers as EventBridge does when it cannot take entries (200, every entry
 * InternalFailure); a failing SendMessage answers 500 InternalError, which the SDK retries and then throws.
 */
export interface AwsFaults {
  putEvents: number;
  sendMessage: number;
  /** Calls failed on purpose so far. */
  injected: { putEvents: number; sendMessage: number };
}

export const noFaults = (): AwsFaults => ({ putEvents: 0, sendMessage: 0, injected: { putEvents: 0, sendMessage: 0 } });

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startAwsEndpoint(bus: LocalBus, queues: Map<string, LocalQueue>, listenPort = 0, faults: AwsFaults = noFaults()): Promise<AwsEndpoint> {
  const server: Server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    let input: Record<string, unknown> = {};
    try {
      input = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    } catch {
      /* answered below as a bad request */
    }
    const reply = (status: number, contentType: string, body: unknown) => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(JSON.stringify(body));
    };
    if (target === 'AWSEvents.PutEvents') {
      if (faults.putEvents > 0) {
        faults.putEvents -= 1;
        faults.injected.putEvents += 1;
        const entries = ((input.Entries as unknown[]) ?? []).map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'injected fault' }));
        return reply(200, 'application/x-amz-json-1.1', { Entries: entries, FailedEntryCount: entries.length });
      }
      const entries = bus.putEvents((input.Entries as never[]) ?? []);
      const failed = entries.filter((e) => e.ErrorCode).length;
      return reply(200, 'application/x-amz-json-1.1', { Entries: entries, FailedEntryCount: failed });
    }
    if (target === 'AmazonSQS.SendMessage') {
      if (faults.sendMessage > 0) {
        faults.sendMessage -= 1;
        faults.injected.sendMessage += 1;
        return reply(500, 'application/x-amz-json-1.0', { __type: 'com.amazonaws.sqs#InternalError', message: 'injected fault' });
      }
      const name =
        String(input.QueueUrl ?? '')
          .split('/')
          .pop() ?? '';
      const queue = queues.get(name);
      if (!queue)
        return reply(400, 'application/x-amz-json-1.0', { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
      // Delays run on the queue's time scale, like its visibility timeouts.
      const id = queue.send(String(input.MessageBody ?? ''), Number(input.DelaySeconds ?? 0) * 1000 * (queue.options.timeScale ?? 1));
      return reply(200, 'application/x-amz-json-1.0', { MessageId: id, MD5OfMessageBody: '' });
    }
    if (target === 'AmazonSQS.ChangeMessageVisibility') {
      // Workers use it to put a message back with a delay (shared/events/retry-later.ts).
      const name =
        String(input.QueueUrl ?? '')
          .split('/')
          .pop() ?? '';
      const queue = queues.get(name);
      if (!queue)
        return reply(400, 'application/x-amz-json-1.0', { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
      const timeout = Number(input.VisibilityTimeout);
      if (!Number.isInteger(timeout) || timeout < 0 || timeout > 43_200) {
        return reply(400, 'application/x-amz-json-1.0', { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: 'VisibilityTimeout must be 0-43200.' });
      }
      if (!queue.changeVisibility(String(input.ReceiptHandle ?? ''), timeout)) {
        return reply(400, 'application/x-amz-json-1.0', {
          __type: 'com.amazonaws.sqs#ReceiptHandleIsInvalid',
          message: 'The receipt handle is not valid for the current receive.',
        });
      }
      return reply(200, 'application/x-amz-json-1.0', {});
    }
    return reply(400, 'application/x-amz-json-1.1', { __type: 'UnknownOperationException', message: `local runtime does not emulate ${target}` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
