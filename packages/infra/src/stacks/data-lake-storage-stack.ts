import { StageConfig } from '@snaplake/core';
import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface DataLakeStorageStackProps extends StackProps {
  readonly stage: StageConfig;
}

/** Where exports land: a customer-managed key (exports require one) and the export bucket with its access logs. */
export class DataLakeStorageStack extends Stack {
  readonly dataKey: kms.Key;
  readonly exportBucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataLakeStorageStackProps) {
    super(scope, id, props);
    this.dataKey = new kms.Key(this, 'DataKey', {
      description: `snaplake ${props.stage.name}: encrypts snapshot exports and their catalog`,
      enableKeyRotation: true,
    });
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the server access logs of the export bucket; logging it into itself would loop.',
    });
    this.exportBucket = new s3.Bucket(this, 'Exports', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'exports/',
      lifecycleRules: [{ expiration: Duration.days(props.stage.exportRetentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
  }
}
