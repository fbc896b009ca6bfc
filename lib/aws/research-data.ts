// The research bucket: the monthly anonymized dataset (shared/research/). Private, TLS only, encrypted with its
// own customer-managed key (rotated yearly), versioned, and kept no longer than a year: each export replaces
// the last for researchers, and an athlete who withdraws consent must drop out of what is on offer.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface ResearchDataProps {
  /** Where S3 writes who fetched which dataset (server access logs). */
  accessLogs: s3.IBucket;
}

export class ResearchData extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: ResearchDataProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: 'RunningCoach research dataset', removalPolicy: RemovalPolicy.RETAIN });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'research-data/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    acknowledge(this.bucket, {
      'HIPAA.Security-S3BucketReplicationEnabled':
        'The dataset is derived: the monthly export rebuilds it from the database (backed up by Aurora), so a second region would only be a second copy to withdraw consent from',
    });
  }
}
