import { StageConfig } from '@snaplake/core';
import { Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { snaplakeWorkgroup } from '../athena-workgroup';

export interface DataLakeStorageStackProps extends StackProps {
  readonly project: string;
  readonly stage: StageConfig;
}


/**
 * Where exports land and are queried: a customer-managed key (exports require one), the export bucket
 * with its access logs, and the stage's Athena workgroup with its encrypted results bucket.
 */
export class DataLakeStorageStack extends Stack {
  readonly dataKey: kms.Key;
  readonly exportBucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  readonly queryResultsBucket: s3.Bucket;
  readonly workgroup: athena.CfnWorkGroup;

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
    this.exportBucket = this.dataBucket('Exports', 'exports/', Duration.days(props.stage.exportRetentionDays));
    this.queryResultsBucket = this.dataBucket('QueryResults', 'query-results/', Duration.days(30));
    this.workgroup = snaplakeWorkgroup(this, 'Workgroup', {
      name: `${props.project}-${props.stage.name}`,
      description: `snaplake ${props.stage.name}: queries of the exported data lake`,
      resultsBucket: this.queryResultsBucket,
      resultsPrefix: 'athena/',
      key: this.dataKey,
      enforceConfiguration: true,
    });
  }

  /** A private bucket encrypted with the stage key, TLS only, logged, whose objects expire. */
  private dataBucket(id: string, logsPrefix: string, expiration: Duration): s3.Bucket {
    return new s3.Bucket(this, id, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: logsPrefix,
      lifecycleRules: [{ expiration, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
  }
}
