// The VPC and who may reach whom inside it. Functions join through a "clients" security group per
// backing service rather than one group each, so the database and cache each need one ingress rule
// however many functions the topology grows to. AWS APIs are reached through endpoints inside the VPC;
// the NAT gateways carry only vendor API calls (Strava, Garmin).
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export const DATABASE_PORT = 5432;
export const CACHE_PORT = 6379;

/** AWS APIs our functions call, reached privately (no NAT hop, no internet path for health data). */
export const INTERFACE_ENDPOINTS = {
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  EventBridge: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
  Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
  Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
} as const;

export interface NetworkProps {
  natGateways: number;
  /** Encrypts the flow-log group. */
  logsKey: kms.IKey;
}

export class Network extends Construct {
  public readonly vpc: ec2.Vpc;
  /** Where functions run: private, with a NAT route to AWS APIs and vendor APIs. */
  public readonly functionSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  /** Where the database runs: no route to or from the internet. */
  public readonly databaseSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  public readonly databaseSecurityGroup: ec2.SecurityGroup;
  public readonly cacheSecurityGroup: ec2.SecurityGroup;
  /** The RDS Proxy: the only door to the database for request-time functions. */
  public readonly databaseProxySecurityGroup: ec2.SecurityGroup;
  /** Worn by functions with 'database' access: they reach the proxy, not the cluster. */
  public readonly databaseClients: ec2.SecurityGroup;
  /** The interface endpoints (Secrets Manager, EventBridge, SQS, KMS). */
  public readonly endpointSecurityGroup: ec2.SecurityGroup;
  /** Worn by the migration ('databaseOwner' access) and the owner-secret rotation: straight to the cluster. */
  public readonly databaseOwners: ec2.SecurityGroup;
  /** Worn by functions with 'cache' access. */
  public readonly cacheClients: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      // prod: one per zone; dev: one (a zone outage cuts vendor calls, an accepted trade for half the cost).
      natGateways: props.natGateways,
      subnetConfiguration: [
        // Only the NAT gateways live here, on Elastic IPs: nothing launched gets a public address.
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'functions', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      // Claim checks travel to S3 without paying for the NAT gateway.
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      flowLogs: {
        All: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'FlowLogs', {
              retention: logs.RetentionDays.ONE_YEAR,
              encryptionKey: props.logsKey,
              removalPolicy: RemovalPolicy.RETAIN,
            }),
          ),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
    });
    acknowledge(this.vpc.node.findChild('All'), {
      'HIPAA.Security-IAMNoInlinePolicy': 'The flow log role’s own policy: write to the one flow-log group, created by CDK for this role only',
    });
    for (const subnet of this.vpc.publicSubnets) {
      acknowledge(subnet, {
        'HIPAA.Security-VPCNoUnrestrictedRouteToIGW':
          'The public subnets hold only the NAT gateways, whose route to the internet gateway carries vendor API calls (Strava, Garmin)',
      });
    }

    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: this.vpc,
      description: 'Aurora cluster: reachable only from database clients',
      allowAllOutbound: false,
    });
    this.cacheSecurityGroup = new ec2.SecurityGroup(this, 'CacheSecurityGroup', {
      vpc: this.vpc,
      description: 'Valkey cache: reachable only from cache clients',
      allowAllOutbound: false,
    });
    this.databaseProxySecurityGroup = new ec2.SecurityGroup(this, 'DatabaseProxySecurityGroup', {
      vpc: this.vpc,
      description: 'RDS Proxy: reachable only from database clients',
      allowAllOutbound: false,
    });
    this.databaseClients = new ec2.SecurityGroup(this, 'DatabaseClients', {
      vpc: this.vpc,
      description: 'Functions with database access (through the proxy)',
    });
    this.databaseOwners = new ec2.SecurityGroup(this, 'DatabaseOwners', {
      vpc: this.vpc,
      description: 'The migration trigger: owner access to the cluster',
    });
    this.cacheClients = new ec2.SecurityGroup(this, 'CacheClients', {
      vpc: this.vpc,
      description: 'Functions with cache access',
    });

    // Endpoints answer HTTPS from our functions' groups only (not the whole VPC range).
    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface endpoints: HTTPS from functions in the VPC',
      allowAllOutbound: false,
    });
    for (const [group, description] of [
      [this.databaseClients, 'database clients'],
      [this.cacheClients, 'cache clients'],
      [this.databaseOwners, 'the migration and the owner-secret rotation'],
    ] as const) {
      this.endpointSecurityGroup.addIngressRule(group, ec2.Port.tcp(443), `AWS APIs from ${description}`);
    }
    for (const [name, service] of Object.entries(INTERFACE_ENDPOINTS)) {
      // Private DNS: the SDK's default endpoint names resolve to the endpoint, no client change.
      this.vpc.addInterfaceEndpoint(name, {
        service,
        subnets: this.functionSubnets,
        privateDnsEnabled: true,
        securityGroups: [this.endpointSecurityGroup],
        open: false,
      });
    }

    this.databaseProxySecurityGroup.addIngressRule(this.databaseClients, ec2.Port.tcp(DATABASE_PORT), 'PostgreSQL from database clients');
    this.databaseSecurityGroup.addIngressRule(this.databaseOwners, ec2.Port.tcp(DATABASE_PORT), 'PostgreSQL from the migration');
    this.cacheSecurityGroup.addIngressRule(this.cacheClients, ec2.Port.tcp(CACHE_PORT), 'Valkey (TLS) from cache clients');
  }
}
