// What differs between a development and a production deployment, read once from CDK context
// (`-c stage=prod -c domainName=... -c certificateArn=... -c hostedZoneId=... -c alarmEmail=...`).
// Everything else in the stack is the same in both stages, so dev rehearses what prod runs.
import type { Node } from 'constructs';

export type StageName = 'dev' | 'prod';

export interface CustomDomain {
  domainName: string;
  certificateArn: string;
  /** When given, the stack creates the alias record in this Route 53 zone. */
  hostedZoneId?: string;
}

export interface StageConfig {
  name: StageName;
  /** One NAT per zone in prod, so a zone outage does not cut the vendor APIs off; one in dev. */
  natGateways: number;
  database: {
    backupRetentionDays: number;
    deletionProtection: boolean;
    /** A reader in a second zone: Aurora fails over to it in about 30 s instead of rebuilding a writer. */
    reader: boolean;
    maxCapacityAcu: number;
  };
  /** Absent: the API answers on its execute-api URL only (TLS 1.2, see README). */
  domain?: CustomDomain;
  /** Absent: alarms still go to the topic; nobody is subscribed until an operator adds someone. */
  alarmEmail?: string;
}

const STAGES: Record<StageName, Omit<StageConfig, 'name' | 'domain' | 'alarmEmail'>> = {
  dev: { natGateways: 1, database: { backupRetentionDays: 7, deletionProtection: false, reader: false, maxCapacityAcu: 4 } },
  prod: { natGateways: 2, database: { backupRetentionDays: 14, deletionProtection: true, reader: true, maxCapacityAcu: 16 } },
};

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context '${key}' must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/** The stage from context; `dev` when none is given, so `cdk synth` works with no arguments. */
export function stageFromContext(node: Node): StageConfig {
  const name = text(node, 'stage') ?? 'dev';
  if (name !== 'dev' && name !== 'prod') throw new Error(`context 'stage' must be 'dev' or 'prod', got '${name}'`);
  const domainName = text(node, 'domainName');
  const certificateArn = text(node, 'certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new Error("context 'domainName' and 'certificateArn' go together: give both or neither");
  }
  const hostedZoneId = text(node, 'hostedZoneId');
  if (hostedZoneId && !domainName) throw new Error("context 'hostedZoneId' needs 'domainName' and 'certificateArn'");
  const alarmEmail = text(node, 'alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new Error(`context 'alarmEmail' is not an email address: '${alarmEmail}'`);
  }
  return {
    name,
    ...STAGES[name],
    ...(domainName && certificateArn && { domain: { domainName, certificateArn, ...(hostedZoneId && { hostedZoneId }) } }),
    ...(alarmEmail && { alarmEmail }),
  };
}
