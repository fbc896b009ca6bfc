// What each entry of a spec's `access` list means in AWS: the environment the handler reads
// (shared/config.ts), the network reach, and the IAM grant. Keyed by `Access`, so a new kind of access
// does not compile until it is wired here.
import { Stack, type CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Access } from '#shared/topology-types';
import type { Cache } from './cache';
import type { ClaimChecks } from './claim-checks';
import { APP_DB_USER } from '#shared/db/roles';
import { DATABASE_NAME, type Database } from './data';
import type { Events } from './events';
import type { VpcPlacement } from './function';
import { DB_POOL_MAX } from './concurrency';
import { acknowledge } from './nag';
import { DATABASE_PORT, type Network } from './network';
import type { ResearchData } from './research-data';
import type { AppSecrets } from './secrets';

/**
 * Since Node.js 20 the Lambda runtime no longer trusts Amazon's private CAs by default; the RDS
 * server certificate chains to one of them, and shared/db verifies it (rejectUnauthorized).
 */
const LAMBDA_AMAZON_CA_BUNDLE = '/var/runtime/ca-cert.pem';

export interface SharedResources {
  network: Network;
  database: Database;
  secrets: AppSecrets;
  cache: Cache;
  claimChecks: ClaimChecks;
  events: Events;
  researchData: ResearchData;
}

interface Wiring {
  environment: Record<string, string>;
  /** Joins the function to the VPC wearing this group; no group keeps it outside the VPC. */
  securityGroup?: ec2.ISecurityGroup;
  grant(grantee: iam.IGrantable): void;
}

/** How one function is wired: known before it is built (environment, placement), applied after (grants). */
export interface FunctionAccess {
  environment: Record<string, string>;
  placement?: VpcPlacement;
  grant(grantee: iam.IGrantable): void;
}

export class AccessWiring {
  private readonly wiring: Record<Access, Wiring>;

  constructor(private readonly resources: SharedResources) {
    const { network, database, secrets, cache, claimChecks, events, researchData } = resources;
    this.wiring = {
      // Through the proxy as the application role, with an IAM token per new connection (shared/db/connection.ts).
      database: {
        environment: {
          DATABASE_HOST: database.proxy.endpoint,
          DATABASE_PORT: String(DATABASE_PORT),
          DATABASE_NAME,
          DATABASE_USER: APP_DB_USER,
          // Stated here because lib/aws/concurrency.ts sizes the workers with it.
          DB_POOL_MAX: String(DB_POOL_MAX),
          NODE_EXTRA_CA_CERTS: LAMBDA_AMAZON_CA_BUNDLE,
        },
        securityGroup: network.databaseClients,
        grant: (grantee) => database.grantAppConnect(grantee),
      },
      // The owner, straight to the writer with the rotated owner secret: the migration trigger only.
      databaseOwner: {
        environment: { DATABASE_SECRET_ARN: database.ownerSecret.secretArn, NODE_EXTRA_CA_CERTS: LAMBDA_AMAZON_CA_BUNDLE },
        securityGroup: network.databaseOwners,
        grant: (grantee) => database.ownerSecret.grantRead(grantee),
      },
      bus: {
        environment: { EVENT_BUS_NAME: events.bus.eventBusName },
        grant: (grantee) => events.bus.grantPutEventsTo(grantee),
      },
      jwtKeys: {
        environment: { JWT_SECRET_ARN: secrets.jwtKeys.secretArn },
        grant: (grantee) => secrets.jwtKeys.grantRead(grantee),
      },
      vendorSecrets: {
        environment: {
          VENDOR_SECRET_ARN: secrets.vendorCredentials.secretArn,
          VENDOR_TOKEN_KEY_SECRET_ARN: secrets.vendorTokenKey.secretArn,
        },
        grant: (grantee) => {
          secrets.vendorCredentials.grantRead(grantee);
          secrets.vendorTokenKey.grantRead(grantee);
        },
      },
      cache: {
        environment: { REDIS_URL: cache.url },
        securityGroup: network.cacheClients,
        // Reach is the whole permission: the serverless cache has no IAM data-plane grant to give.
        grant: () => undefined,
      },
      claimChecks: {
        environment: { CLAIM_CHECK_BUCKET: claimChecks.bucket.bucketName },
        // Put and get objects, nothing else (no list, no delete: the lifecycle rule expires them).
        grant: (grantee) => {
          grantee.grantPrincipal.addToPrincipalPolicy(
            new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: [claimChecks.bucket.arnForObjects('*')] }),
          );
          grantee.grantPrincipal.addToPrincipalPolicy(
            new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [claimChecks.key.keyArn] }),
          );
          acknowledge(grantee as unknown as IConstruct, {
            [`AwsSolutions-IAM5[Resource::<${claimChecks.logicalIdOfBucket()}.Arn>/*]`]:
              'Claim-check object keys are derived from each event (vendor, type, digest), so no narrower prefix exists; only Put and Get are allowed',
          });
        },
      },
      researchData: {
        environment: { RESEARCH_BUCKET: researchData.bucket.bucketName },
        // Write only: the exporter never reads a dataset back. PutObject and the key's data keys, nothing else.
        grant: (grantee) => {
          grantee.grantPrincipal.addToPrincipalPolicy(
            new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [researchData.bucket.arnForObjects('*')] }),
          );
          grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey'], resources: [researchData.key.keyArn] }));
          acknowledge(grantee as unknown as IConstruct, {
            [`AwsSolutions-IAM5[Resource::<${Stack.of(researchData).getLogicalId(researchData.bucket.node.defaultChild as CfnResource)}.Arn>/*]`]:
              'Each monthly export writes new object names (a dated prefix with its files and manifest); PutObject only',
          });
        },
      },
    };
  }

  for(access: readonly Access[]): FunctionAccess {
    const wirings = [...new Set(access)].map((kind) => this.wiring[kind]);
    const securityGroups = wirings.flatMap((w) => (w.securityGroup ? [w.securityGroup] : []));
    const { network } = this.resources;
    return {
      environment: Object.assign({}, ...wirings.map((w) => w.environment)),
      ...(securityGroups.length > 0 && {
        placement: { vpc: network.vpc, subnets: network.functionSubnets, securityGroups },
      }),
      grant: (grantee) => wirings.forEach((w) => w.grant(grantee)),
    };
  }
}
