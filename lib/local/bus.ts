// An in-process EventBridge bus: the same rules as the AWS stack (source + detail-type patterns from the
// topology), each delivering the event envelope to its worker's queue.
import { randomUUID } from 'node:crypto';
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { LocalQueue } from './queue';

export interface BusRule {
  name: string;
  source: string;
  detailTypes: readonly string[];
  target: LocalQueue;
}

export interface PublishedEvent {
  id: string;
  source: string;
  detailType: string;
  detail: unknown;
  time: string;
}

export class LocalBus {
  readonly published: PublishedEvent[] = [];

  constructor(
    readonly name: string,
    private readonly rules: BusRule[],
    private readonly log: (line: string) => void,
  ) {}

  putEvents(entries: PutEventsRequestEntry[]): PutEventsResultEntry[] {
    return entries.map((entry) => {
      if (entry.EventBusName && entry.EventBusName !== this.name) {
        return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${entry.EventBusName} does not exist.` };
      }
      if (!entry.Source || !entry.DetailType || !entry.Detail) {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Source, DetailType and Detail are required' };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      const id = randomUUID();
      const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const envelope = {
        version: '0',
        id,
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: '000000000000',
        time,
        region: 'local',
        resources: entry.Resources ?? [],
        detail,
      };
      this.published.push({ id, source: entry.Source, detailType: entry.DetailType, detail, time });
      const matched = this.rules.filter((r) => r.source === entry.Source && r.detailTypes.includes(entry.DetailType!));
      for (const rule of matched) rule.target.send(JSON.stringify(envelope));
      this.log(`bus: ${entry.DetailType} ${id} -> ${matched.map((r) => r.name).join(', ') || '(no rule)'}`);
      return { EventId: id };
    });
  }
}
