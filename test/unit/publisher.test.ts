import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DetailType } from '#shared/events/catalogue';
import { PublishError, eventBridgePublisher } from '#shared/events/publisher';

const eventBridge = mockClient(EventBridgeClient);
const userId = '5f0c6a9e-7b1c-4c59-9d0e-0c7b8f0e1a11';
const logged = (date: string) => ({ detailType: DetailType.DailyMetricLogged, detail: { userId, date } });

describe('publishing events', () => {
  beforeEach(() => eventBridge.reset());

  it('sends catalogue events to our bus with our source', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    await eventBridgePublisher.publish([logged('2026-11-01')]);
    expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        { Source: 'runningcoach', DetailType: 'DailyMetricLogged', EventBusName: 'running-coach', Detail: JSON.stringify({ userId, date: '2026-11-01' }) },
      ],
    });
  });

  it('splits more than ten events into several calls', async () => {
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_: unknown, i: number) => ({ EventId: String(i) })) }));
    await eventBridgePublisher.publish(Array.from({ length: 23 }, (_, i) => logged(`2026-11-${String((i % 28) + 1).padStart(2, '0')}`)));
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
  });

  it('retries only the entries that failed', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'InternalFailure' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    await eventBridgePublisher.publish([logged('2026-11-01'), logged('2026-11-02')]);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(JSON.parse(calls[1]!.args[0].input.Entries![0]!.Detail!).date).toBe('2026-11-02');
  });

  it('throws instead of losing an event that keeps failing', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });
    await expect(eventBridgePublisher.publish([logged('2026-11-01')])).rejects.toBeInstanceOf(PublishError);
    expect(eventBridge.commandCalls(PutEventsCommand).length).toBe(4);
  });

  it('refuses an event that breaks its schema before sending anything', async () => {
    await expect(
      eventBridgePublisher.publish([{ detailType: DetailType.DailyMetricLogged, detail: { userId: 'nope', date: 'x' } as never }]),
    ).rejects.toThrow();
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
