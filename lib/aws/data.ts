// The single source of truth for training state: Aurora PostgreSQL Serverless v2 in isolated subnets,
// behind an RDS Proxy that only IAM can open. Functions connect through the proxy as the application
// role (DML on the product tables, migration 0011) with 15-minute IAM tokens; no function holds a
// database password. Only the deploy-time migration logs in as the owner, straight to the writer.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { APP_DB_USER, OWNER_DB_USER } from '#shared/db/roles';
import { acknowledge, IAM4 } from './nag';
import { DATABASE_PORT, type Network } from './network';
import type { StageConfig } from './stage';

/** Name of the application database inside the cluster; lands in the secret as `dbname`. */
export const DATABASE_NAME = 'running_coach';

/**
 * The proxy's share of the cluster's max_connections. Aurora Serverless v2 sizes max_connections from
 * the minimum ACU: at 0.5 ACU it is 189 (AWS table, "Maximum connections for Aurora Serverless v2").
 * lib/aws/concurrency.ts sizes the workers so that their pools fit in this share.
 */
export const PROXY_MAX_CONNECTIONS_PERCENT = 80;
export const CLUSTER_MAX_CONNECTIONS_AT_MIN_ACU = 189;

export interface DatabaseProps {
  network: Network;
  stage: StageConfig;
  dataKey: kms.IKey;
  secretsKey: kms.IKey;
  logsKey: kms.IKey;
}

export class Database extends Construct {
  public readonly cluster: rds.DatabaseCluster;
  public readonly proxy: rds.DatabaseProxy;
  /** Owner credentials {host, port, username, password, dbname}: the migration trigger only. */
  public readonly ownerSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { network, stage } = props;
    const clusterIdentifier = `running-coach-${stage.name}`;

    // Created here rather than by RDS so that it is encrypted with our key and has a retention.
    const postgresLogs = new logs.LogGroup(this, 'PostgresLogs', {
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
      retention: logs.RetentionDays.THREE_MONTHS,
      encryptionKey: props.logsKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const instance = { autoMinorVersionUpgrade: true, enablePerformanceInsights: true, performanceInsightEncryptionKey: props.dataKey };
    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      clusterIdentifier,
      // 17 is the closest Aurora offers to the PostgreSQL 18 that embedded PGlite runs locally.
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_7 }),
      writer: rds.ClusterInstance.serverlessV2('Writer', instance),
      readers: stage.database.reader ? [rds.ClusterInstance.serverlessV2('Reader', { ...instance, scaleWithWriter: true })] : [],
      // Stays warm at 0.5 ACU: pausing at 0 would make the first request after idle wait ~15 s.
      serverlessV2MinCapacity: 0.5,
      serverlessV2MaxCapacity: stage.database.maxCapacityAcu,
      credentials: rds.Credentials.fromGeneratedSecret(OWNER_DB_USER, { encryptionKey: props.secretsKey }),
      defaultDatabaseName: DATABASE_NAME,
      port: DATABASE_PORT,
      vpc: network.vpc,
      vpcSubnets: network.databaseSubnets,
      securityGroups: [network.databaseSecurityGroup],
      storageEncrypted: true,
      storageEncryptionKey: props.dataKey,
      iamAuthentication: true,
      parameters: { 'rds.force_ssl': '1' },
      cloudwatchLogsExports: ['postgresql'],
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.dataKey,
      monitoringInterval: Duration.seconds(60),
      backup: { retention: Duration.days(stage.database.backupRetentionDays) },
      deletionProtection: stage.database.deletionProtection,
      copyTagsToSnapshot: true,
    });
    this.cluster.node.addDependency(postgresLogs);

    if (!this.cluster.secret) throw new Error('the Aurora cluster was expected to generate its credentials secret');
    this.ownerSecret = this.cluster.secret;
    // The owner's password changes every 30 days; the migration reads the secret at each deployment.
    this.cluster.addRotationSingleUser({
      automaticallyAfter: Duration.days(30),
      vpcSubnets: network.functionSubnets,
      securityGroup: network.databaseOwners,
    });
    acknowledge(this.cluster, {
      [IAM4.rdsMonitoring]: 'The AWS-managed enhanced-monitoring policy lets RDS write OS metrics to its own log group only',
      'HIPAA.Security-RDSInBackupPlan': `Aurora's continuous backups (point-in-time restore, ${stage.database.backupRetentionDays} days, encrypted with the data key) are the backup; an AWS Backup plan would copy the same snapshots`,
      ...(!stage.database.deletionProtection && {
        'AwsSolutions-RDS10': 'dev stage only: a development cluster is torn down with its stack (a final snapshot is kept); prod has deletion protection',
        'HIPAA.Security-RDSInstanceDeletionProtectionEnabled':
          'dev stage only: a development cluster is torn down with its stack (a final snapshot is kept); prod has deletion protection',
      }),
    });

    const proxyRole = new iam.Role(this, 'ProxyRole', {
      assumedBy: new iam.ServicePrincipal('rds.amazonaws.com'),
      description: 'RDS Proxy: opens IAM-authenticated connections to the cluster as the application role',
    });
    // End-to-end IAM: the proxy logs in to the cluster with its own token, so no password exists for
    // the application role at all, nothing to rotate or leak.
    this.cluster.grantConnect(proxyRole, APP_DB_USER);
    acknowledge(proxyRole, {
      'HIPAA.Security-IAMNoInlinePolicy': 'The proxy role’s own policy: rds-db:connect to this cluster as the application role, nothing else',
    });
    this.proxy = new rds.DatabaseProxy(this, 'Proxy', {
      proxyTarget: rds.ProxyTarget.fromCluster(this.cluster),
      vpc: network.vpc,
      vpcSubnets: network.databaseSubnets,
      securityGroups: [network.databaseProxySecurityGroup],
      defaultAuthScheme: rds.DefaultAuthScheme.IAM_AUTH,
      iamAuth: true,
      requireTLS: true,
      role: proxyRole,
      maxConnectionsPercent: PROXY_MAX_CONNECTIONS_PERCENT,
      // A Lambda pool keeps its connection between invocations; the proxy reclaims idle ones.
      idleClientTimeout: Duration.minutes(15),
      borrowTimeout: Duration.seconds(10),
      debugLogging: false,
    });

    // CDK writes the cluster port as a token ({IndirectPort}) in the ingress rules it adds for the proxy
    // and the rotation; nag cannot resolve it and assumes any port. Both rules admit one security group on 5432.
    for (const rule of network.databaseSecurityGroup.node.children) {
      if (!rule.node.id.startsWith('from ')) continue;
      acknowledge(rule, {
        'HIPAA.Security-EC2RestrictedCommonPorts': 'Ingress from one security group (proxy or rotation) on the PostgreSQL port only, written as a token',
        'HIPAA.Security-EC2RestrictedSSH': 'Ingress from one security group (proxy or rotation) on the PostgreSQL port only, written as a token',
      });
    }
  }

  /** Lets a function open proxy connections as the application role. */
  grantAppConnect(grantee: iam.IGrantable): void {
    this.proxy.grantConnect(grantee, APP_DB_USER);
  }
}
