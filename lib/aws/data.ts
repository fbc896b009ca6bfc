// The single source of truth for training state: Aurora PostgreSQL Serverless v2 in isolated subnets.
import { Duration } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DATABASE_PORT, type Network } from './network';

/** Name of the application database inside the cluster; lands in the secret as `dbname`. */
export const DATABASE_NAME = 'running_coach';

export interface DatabaseProps {
  network: Network;
}

export class Database extends Construct {
  public readonly cluster: rds.DatabaseCluster;
  /** Generated credentials {host, port, username, password, dbname}, read by shared/db/connection.ts. */
  public readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { network } = props;

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      // 17 is the closest Aurora offers to the PostgreSQL 18 that embedded PGlite runs locally.
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_7 }),
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      // Stays warm at 0.5 ACU: pausing at 0 would make the first request after idle wait ~15 s.
      serverlessV2MinCapacity: 0.5,
      serverlessV2MaxCapacity: 4,
      credentials: rds.Credentials.fromGeneratedSecret('coach_admin'),
      defaultDatabaseName: DATABASE_NAME,
      port: DATABASE_PORT,
      vpc: network.vpc,
      vpcSubnets: network.databaseSubnets,
      securityGroups: [network.databaseSecurityGroup],
      storageEncrypted: true,
      backup: { retention: Duration.days(7) },
      // Off while the product is pre-launch; the default SNAPSHOT removal policy still keeps the data.
      deletionProtection: false,
    });

    if (!this.cluster.secret) throw new Error('the Aurora cluster was expected to generate its credentials secret');
    this.secret = this.cluster.secret;
  }
}
