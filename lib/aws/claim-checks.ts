// Where an event too large for EventBridge (256 KB) waits while its claim check travels on the bus.
import { Duration, RemovalPolicy, Stack, type CfnResource } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { acknowledge } from './nag';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ClaimChecksProps {
  key: kms.IKey;
}

export class ClaimChecks extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly key: kms.IKey;
  /** Who read and wrote which claim (S3 server access logs). */
  public readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: ClaimChecksProps) {
    super(scope, id);
    this.key = props.key;

    // S3 delivers server access logs only into an SSE-S3 bucket; they hold request metadata (keys are
    // event digests), no health data.
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    acknowledge(this.accessLogs, {
      'AwsSolutions-S1': 'This is the access-log bucket: logging it into itself would loop',
      'HIPAA.Security-S3BucketLoggingEnabled': 'This is the access-log bucket: logging it into itself would loop',
      'HIPAA.Security-S3BucketReplicationEnabled': 'Access logs are kept a year in one region; losing a region loses logs of a service that is down with it',
      'HIPAA.Security-S3DefaultEncryptionKMS': 'S3 server access logging delivers only to SSE-S3 buckets',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'claim-checks/',
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      // One data key per object for a while instead of one KMS call per object.
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          // A claim is read within minutes; a week covers DLQ redrives and then the health data goes.
          expiration: Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    acknowledge(this.bucket, {
      'HIPAA.Security-S3BucketVersioningEnabled': 'A claim is written once and expires after 7 days; versions would keep health data past its expiry',
      'HIPAA.Security-S3BucketReplicationEnabled': 'Claims live minutes (7 days at most, for redrives); the durable copy is the database, backed up by Aurora',
    });
  }

  /** The bucket's logical id, as cdk-nag names it in IAM5 findings on grants to it. */
  logicalIdOfBucket(): string {
    return Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnResource);
  }
}
