import { StageConfig } from '@snaplake/core';
import { Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { wildcardOnArnOf } from '../nag';
import { SnaplakeFunction } from '../snaplake-function';

export interface ExportPipelineStackProps extends StackProps {
  readonly stage: StageConfig;
  readonly exportBucket: s3.IBucket;
  readonly dataKey: kms.IKey;
}

/** Exports snapshots of the configured databases to the export bucket. */
export class ExportPipelineStack extends Stack {
  /** The role RDS assumes to write an export into the bucket. */
  readonly exportRole: iam.Role;
  readonly startExport: SnaplakeFunction;

  constructor(scope: Construct, id: string, props: ExportPipelineStackProps) {
    super(scope, id, props);
    this.exportRole = new iam.Role(this, 'ExportRole', {
      assumedBy: new iam.ServicePrincipal('export.rds.amazonaws.com'),
      description: 'Assumed by RDS to write snapshot exports into the export bucket',
    });
    this.exportRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [props.exportBucket.bucketArn],
    }));
    this.exportRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
      resources: [props.exportBucket.arnForObjects('*')],
    }));
    Validations.of(this.exportRole).acknowledge({
      id: wildcardOnArnOf(props.exportBucket, '/*'),
      reason: 'RDS names the objects of an export itself; the role may write only inside the export bucket.',
    });

    this.startExport = new SnaplakeFunction(this, 'StartExport', {
      handler: 'start-export',
      description: 'Starts the export of one snapshot, or joins the export already running for it',
      environment: {
        EXPORT_BUCKET_NAME: props.exportBucket.bucketName,
        EXPORT_ROLE_ARN: this.exportRole.roleArn,
        EXPORT_KMS_KEY_ARN: props.dataKey.keyArn,
      },
    });
    this.exportRole.grantPassRole(this.startExport.role);
    const rdsArn = (resource: string) => `arn:${this.partition}:rds:${this.region}:${this.account}:${resource}`;
    this.startExport.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:StartExportTask'],
      resources: [rdsArn('snapshot:*'), rdsArn('cluster-snapshot:*')],
    }));
    this.startExport.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['rds:DescribeExportTasks'],
      resources: ['*'],
    }));
    Validations.of(this.startExport.role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:${this.region}:${this.account}:snapshot:*]`,
        reason: 'Snapshot names are made by RDS at snapshot time; the function may export snapshots of this account and region only.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:${this.region}:${this.account}:cluster-snapshot:*]`,
        reason: 'Cluster snapshot names are made by RDS at snapshot time; the function may export those of this account and region only.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'rds:DescribeExportTasks cannot be scoped to a resource; it only reads export status.',
      },
    );
    this.startExport.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:CreateGrant', 'kms:DescribeKey'],
      resources: [props.dataKey.keyArn],
    }));
  }
}
