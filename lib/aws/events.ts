// The product's own event bus; workers' rules listen here, schedules stay on the default bus.
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

/** Also the default of EVENT_BUS_NAME in shared/config.ts, which the local runtime uses. */
export const EVENT_BUS_NAME = 'running-coach';

export class Events extends Construct {
  public readonly bus: events.EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: EVENT_BUS_NAME });
  }
}
