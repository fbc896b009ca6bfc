// The VPC and who may reach whom inside it. Functions join through a "clients" security group per
// backing service rather than one group each, so the database and cache each need one ingress rule
// however many functions the topology grows to.
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export const DATABASE_PORT = 5432;
export const CACHE_PORT = 6379;

export class Network extends Construct {
  public readonly vpc: ec2.Vpc;
  /** Where functions run: private, with a NAT route to AWS APIs and vendor APIs. */
  public readonly functionSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  /** Where the database runs: no route to or from the internet. */
  public readonly databaseSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  public readonly databaseSecurityGroup: ec2.SecurityGroup;
  public readonly cacheSecurityGroup: ec2.SecurityGroup;
  /** Worn by functions with 'database' access. */
  public readonly databaseClients: ec2.SecurityGroup;
  /** Worn by functions with 'cache' access. */
  public readonly cacheClients: ec2.SecurityGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      // One NAT gateway: a zone outage cuts egress, an accepted trade for a third of the cost.
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'functions', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      // Claim checks travel to S3 without paying for the NAT gateway.
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });

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
    this.databaseClients = new ec2.SecurityGroup(this, 'DatabaseClients', {
      vpc: this.vpc,
      description: 'Functions with database access',
    });
    this.cacheClients = new ec2.SecurityGroup(this, 'CacheClients', {
      vpc: this.vpc,
      description: 'Functions with cache access',
    });

    this.databaseSecurityGroup.addIngressRule(this.databaseClients, ec2.Port.tcp(DATABASE_PORT), 'PostgreSQL from database clients');
    this.cacheSecurityGroup.addIngressRule(this.cacheClients, ec2.Port.tcp(CACHE_PORT), 'Valkey (TLS) from cache clients');
  }
}
