// A serverless Valkey cache for functions with 'cache' access (idempotency records, rate limits).
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import { CACHE_PORT, type Network } from './network';

export interface CacheProps {
  network: Network;
}

export class Cache extends Construct {
  public readonly cache: elasticache.CfnServerlessCache;
  /** Serverless ElastiCache only speaks TLS, hence `rediss://`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    const { network } = props;

    this.cache = new elasticache.CfnServerlessCache(this, 'Valkey', {
      serverlessCacheName: 'running-coach',
      description: 'RunningCoach idempotency and rate-limit state',
      engine: 'valkey',
      majorEngineVersion: '8',
      subnetIds: network.vpc.selectSubnets(network.functionSubnets).subnetIds,
      securityGroupIds: [network.cacheSecurityGroup.securityGroupId],
      // The cache holds small, short-lived keys; the caps stop a runaway loop from becoming a bill.
      cacheUsageLimits: {
        dataStorage: { maximum: 1, unit: 'GB' },
        ecpuPerSecond: { maximum: 5000 },
      },
    });

    this.url = `rediss://${this.cache.attrEndpointAddress}:${CACHE_PORT}`;
  }
}
