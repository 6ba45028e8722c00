import { WORKFLOW_ERRORS } from '@snaplake/core';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { wildcardOnArnOf } from '../../nag';
import { SnaplakeFunction } from '../../snaplake-function';
import { CATCH_ALL, invokeFunction } from '../../workflow-tasks';

export interface ExportCatalogProps {
  readonly stageName: string;
  readonly exportBucket: s3.IBucket;
  readonly dataKey: kms.IKey;
  /** Glue databases are named `<prefix>_<db identifier>_<database>`. */
  readonly glueDatabasePrefix: string;
  readonly exportRetentionDays: number;
}

/** How a COMPLETE export gets into the Glue catalog: one step of the workflow, and what the completion notice says of it. */
export interface ExportCatalog {
  /** The function the catalog step invokes. */
  readonly function: SnaplakeFunction;
  /** Only with catalog: 'crawler'. */
  readonly crawler?: glue.CfnCrawler;
  /** The fields the completion notification adds about the catalog. */
  readonly notificationFields: Record<string, string>;
  /** The step cataloguing the export at `$.export` of the snapshot at `$.snapshot`, with its result at `$.catalog`. */
  catalogStep(onFailure: sfn.IChainable): sfn.TaskStateBase;
}

const glueArn = (stack: Stack, resource: string) => `arn:${stack.partition}:glue:${stack.region}:${stack.account}:${resource}`;

/** The stage's wildcard on its own Glue databases, acknowledged for every role that creates them. */
function databaseWildcard(stack: Stack, glueDatabasePrefix: string) {
  return {
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:${stack.region}:${stack.account}:database/${glueDatabasePrefix}_*]`,
    reason: 'One Glue database per exported source database is created at run time, all under this stage\'s prefix.',
  };
}

/**
 * catalog: 'metadata': a function catalogs the export from its own metadata, with a history partition
 * per export. Built in the workflow's scope, so its resources keep their logical ids.
 */
export class MetadataCatalog implements ExportCatalog {
  readonly function: SnaplakeFunction;
  readonly notificationFields = { 'tables.$': '$.catalog.tableCount', 'skippedByCatalog.$': '$.catalog.skipped' };

  constructor(private readonly scope: Construct, props: ExportCatalogProps) {
    const stack = Stack.of(scope);
    const fn = this.function = new SnaplakeFunction(scope, 'RegisterCatalog', {
      handler: 'register-catalog',
      description: 'Catalogs a complete export in Glue from its own metadata, with a history partition per export',
      timeout: Duration.minutes(15),
      memorySize: 512,
      environment: {
        EXPORT_BUCKET_NAME: props.exportBucket.bucketName,
        GLUE_DATABASE_PREFIX: props.glueDatabasePrefix,
        EXPORT_RETENTION_DAYS: String(props.exportRetentionDays),
      },
    });
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.exportBucket.bucketArn] }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.exportBucket.arnForObjects('*')] }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.dataKey.keyArn] }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [
        'glue:CreateDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:CreateTable', 'glue:UpdateTable', 'glue:DeleteTable',
        'glue:GetPartitions', 'glue:BatchCreatePartition', 'glue:BatchDeletePartition',
      ],
      resources: [
        glueArn(stack, 'catalog'),
        glueArn(stack, `database/${props.glueDatabasePrefix}_*`),
        glueArn(stack, `table/${props.glueDatabasePrefix}_*/*`),
      ],
    }));
    Validations.of(fn.role).acknowledge(
      { id: wildcardOnArnOf(props.exportBucket, '/*'), reason: 'The function reads export metadata files, whose names RDS makes per export.' },
      databaseWildcard(stack, props.glueDatabasePrefix),
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:${stack.region}:${stack.account}:table/${props.glueDatabasePrefix}_*/*]`,
        reason: 'Tables mirror the exported tables, known only at run time; limited to this stage\'s databases.',
      },
    );
  }

  catalogStep(onFailure: sfn.IChainable): sfn.TaskStateBase {
    return invokeFunction(this.scope, 'Register catalog', this.function, {
      'exportTaskIdentifier.$': '$.export.exportTaskIdentifier',
      'databaseIdentifier.$': '$.snapshot.databaseIdentifier',
      'engine.$': '$.snapshot.engine',
      'snapshotTime.$': '$.snapshot.snapshotTime',
      'exportOnly.$': '$.snapshot.exportOnly',
    }, '$.catalog').addCatch(onFailure, CATCH_ALL);
  }
}

/**
 * catalog: 'crawler', the classic design: one Glue crawler for the stage, pointed at each completed
 * export's prefix by a function. Built in the workflow's scope, so its resources keep their logical ids.
 */
export class CrawlerCatalog implements ExportCatalog {
  /** Points the crawler at one export and starts it. */
  readonly function: SnaplakeFunction;
  readonly crawler: glue.CfnCrawler;
  readonly notificationFields = { 'crawler.$': '$.catalog' };

  constructor(private readonly scope: Construct, props: ExportCatalogProps) {
    const stack = Stack.of(scope);
    const crawlerName = `${props.glueDatabasePrefix.replace(/_/g, '-')}-exports`;
    const role = new iam.Role(scope, 'CrawlerRole', {
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description: 'Assumed by the Glue crawler to read exports and write their tables',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.exportBucket.bucketArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.exportBucket.arnForObjects('*')] }));
    // "If the crawler reads Amazon S3 data encrypted with AWS KMS, then the role must have decrypt permissions" (AWS Glue, crawler security settings).
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.dataKey.keyArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [
        'glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:CreateTable', 'glue:UpdateTable',
        'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition', 'glue:BatchCreatePartition', 'glue:UpdatePartition', 'glue:BatchUpdatePartition',
      ],
      resources: [glueArn(stack, 'catalog'), glueArn(stack, `database/${props.glueDatabasePrefix}_*`), glueArn(stack, `table/${props.glueDatabasePrefix}_*/*`)],
    }));
    const crawlerLogs = `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:/aws-glue/crawlers*`;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
      resources: [crawlerLogs],
    }));
    const securityConfiguration = new glue.CfnSecurityConfiguration(scope, 'CrawlerSecurity', {
      name: `${crawlerName}-security`,
      encryptionConfiguration: {
        cloudWatchEncryption: { cloudWatchEncryptionMode: 'SSE-KMS', kmsKeyArn: props.dataKey.keyArn },
        s3Encryptions: [{ s3EncryptionMode: 'SSE-KMS', kmsKeyArn: props.dataKey.keyArn }],
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: props.dataKey.keyArn },
      },
    });
    // Crawler logs are encrypted with the stage key: CloudWatch Logs must be allowed to use it.
    props.dataKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`));
    this.crawler = new glue.CfnCrawler(scope, 'Crawler', {
      name: crawlerName,
      role: role.roleArn,
      databaseName: `${props.glueDatabasePrefix}_crawled`,
      description: `snaplake ${props.stageName}: crawls one completed export at a time`,
      targets: { s3Targets: [{ path: props.exportBucket.s3UrlForObject() }] },
      crawlerSecurityConfiguration: securityConfiguration.name,
      schemaChangePolicy: { updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' },
      recrawlPolicy: { recrawlBehavior: 'CRAWL_EVERYTHING' },
    });
    this.crawler.addResourceDependency(securityConfiguration);

    const starter = this.function = new SnaplakeFunction(scope, 'StartCrawler', {
      handler: 'start-crawler',
      description: 'Points the stage crawler at one completed export and starts it',
      environment: { CRAWLER_NAME: crawlerName, EXPORT_BUCKET_NAME: props.exportBucket.bucketName, GLUE_DATABASE_PREFIX: props.glueDatabasePrefix },
    });
    starter.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['glue:UpdateCrawler', 'glue:StartCrawler'],
      resources: [glueArn(stack, `crawler/${crawlerName}`)],
    }));
    starter.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['glue:CreateDatabase'],
      resources: [glueArn(stack, 'catalog'), glueArn(stack, `database/${props.glueDatabasePrefix}_*`)],
    }));
    Validations.of(starter.role).acknowledge(databaseWildcard(stack, props.glueDatabasePrefix));
    Validations.of(role).acknowledge(
      databaseWildcard(stack, props.glueDatabasePrefix),
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:${stack.region}:${stack.account}:table/${props.glueDatabasePrefix}_*/*]`,
        reason: 'The crawler creates tables named after the exported tables, known only at run time; limited to this stage\'s databases.',
      },
      { id: wildcardOnArnOf(props.exportBucket, '/*'), reason: 'The crawler reads the Parquet files of an export, whose names RDS makes.' },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${stack.region}:${stack.account}:log-group:/aws-glue/crawlers*]`,
        reason: 'Glue writes crawler logs to its own fixed log group and streams named per run.',
      },
    );
  }

  catalogStep(onFailure: sfn.IChainable): sfn.TaskStateBase {
    return invokeFunction(this.scope, 'Start crawler', this.function, {
      'exportTaskIdentifier.$': '$.export.exportTaskIdentifier',
      'databaseIdentifier.$': '$.snapshot.databaseIdentifier',
    }, '$.catalog')
      // One crawler serves the stage: an export waits while it crawls another.
      .addRetry({
        errors: [WORKFLOW_ERRORS.crawlerBusy],
        interval: Duration.minutes(1),
        backoffRate: 1.5,
        maxAttempts: 10,
        maxDelay: Duration.minutes(15),
        jitterStrategy: sfn.JitterType.FULL,
      })
      .addCatch(onFailure, CATCH_ALL);
  }
}
