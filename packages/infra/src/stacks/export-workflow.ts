import { CatalogMode, DatabaseConfig, ExportPrice, metricNamespace, ServerlessV1RestoreConfig } from '@snaplake/core';
import { Duration, Validations } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { wildcardOnArnOf } from '../nag';
import { AsyncFailures, retryPublishing, workflowRole } from '../service-access';
import { SnaplakeFunction } from '../snaplake-function';
import { CATCH_ALL, invokeFunction } from '../workflow-tasks';
import { CrawlerCatalog, ExportCatalog, MetadataCatalog } from './export/export-catalog';
import { PartnerDelivery } from './export/partner-delivery';
import { ServerlessV1Detour } from './export/serverless-v1-detour';
import { SnapshotExport } from './export/snapshot-export';

export interface ExportWorkflowProps {
  readonly stageName: string;
  readonly exportBucket: s3.IBucket;
  readonly dataKey: kms.IKey;
  readonly exportRole: iam.IRole;
  readonly notifications: sns.ITopic;
  /** Glue databases are named `<prefix>_<db identifier>_<database>`. */
  readonly glueDatabasePrefix: string;
  /** `<project>-<stage>`: makes export task ids (unique per account and region) distinct per project and stage. */
  readonly exportIdScope: string;
  readonly exportRetentionDays: number;
  readonly databases: readonly DatabaseConfig[];
  /** `exportOnly` per database identifier (ExportOnly of StartExportTask). @default - every database is exported whole */
  readonly exportScopes?: Readonly<Record<string, readonly string[]>>;
  /** The price per GB the completion notification and metrics estimate the export's charge with. */
  readonly exportPrice: ExportPrice;
  /** `metadata`: catalog from the export's own metadata; `crawler`: start a Glue crawler over the export. */
  readonly catalog: CatalogMode;
  /** Export Aurora Serverless v1 snapshots through a temporary cluster. @default - such snapshots are rejected */
  readonly serverlessV1Restore?: ServerlessV1RestoreConfig;
  /** @default Duration.minutes(5) */
  readonly snapshotPollInterval?: Duration;
  /** @default Duration.minutes(5) */
  readonly exportPollInterval?: Duration;
  /** The alarmed dead-letter queue (and its key) of what runs outside the workflow: the sweeper's schedule and its failures. */
  readonly failures: AsyncFailures;
}

/**
 * The export workflow of a stage: resolve the snapshot (waiting while it is still being created),
 * start or join its export, wait for it with Wait states, catalog it when COMPLETE, and notify.
 * A failed or cancelled export notifies with the cause and leaves the catalog untouched.
 *
 * Each concern owns its functions, permissions and steps: {@link SnapshotExport} (resolve, start, wait),
 * {@link ExportCatalog} (the metadata catalog or the crawler), {@link ServerlessV1Detour} and
 * {@link PartnerDelivery}. This construct holds the reporting (metrics and notifications) and the
 * state machine, whose definition reads top to bottom in {@link definition}.
 */
export class ExportWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly resolveSnapshot: SnaplakeFunction;
  readonly startExport: SnaplakeFunction;
  readonly describeExport: SnaplakeFunction;
  /** Catalogs from the export's metadata (catalog: 'metadata'), or starts the crawler (catalog: 'crawler'). */
  readonly registerCatalog: SnaplakeFunction;
  /** Emits each export's per-database metrics (freshness, GB, duration, tables, charge, failures). */
  readonly reportExport: SnaplakeFunction;
  /** Only with catalog: 'crawler'. */
  readonly crawler?: glue.CfnCrawler;
  /** Only when a database has `delivery`: copies complete exports to partners. */
  readonly deliver?: SnaplakeFunction;
  /** Only with `serverlessV1Restore`: the detour steps and the hourly sweeper. */
  readonly detour?: SnaplakeFunction;
  readonly sweeper?: SnaplakeFunction;

  private readonly snapshotExport: SnapshotExport;
  private readonly catalog: ExportCatalog;
  private readonly serverlessV1Detour?: ServerlessV1Detour;
  private readonly partnerDelivery?: PartnerDelivery;

  constructor(scope: Construct, id: string, props: ExportWorkflowProps) {
    super(scope, id);
    // Every part builds its resources in this construct's scope: their construct paths, and so their logical ids, stay put.
    this.snapshotExport = new SnapshotExport(this, { ...props, serverlessV1Restore: props.serverlessV1Restore !== undefined });
    this.resolveSnapshot = this.snapshotExport.resolveSnapshot;
    this.startExport = this.snapshotExport.startExport;
    this.describeExport = this.snapshotExport.describeExport;

    this.catalog = props.catalog === 'crawler' ? new CrawlerCatalog(this, props) : new MetadataCatalog(this, props);
    this.registerCatalog = this.catalog.function;
    this.crawler = this.catalog.crawler;

    this.reportExport = new SnaplakeFunction(this, 'ReportExport', {
      handler: 'report-export',
      description: 'Emits an export\'s per-database metrics and estimates its charge for the notification',
      environment: { METRICS_NAMESPACE: metricNamespace(props.stageName, 'exports'), EXPORT_PRICE: JSON.stringify(props.exportPrice) },
    });
    if (props.serverlessV1Restore) {
      this.serverlessV1Detour = new ServerlessV1Detour(this, props.serverlessV1Restore);
      this.detour = this.serverlessV1Detour.function;
    }
    const deliveries = props.databases.filter((db) => db.delivery !== undefined);
    if (deliveries.length > 0) {
      this.partnerDelivery = new PartnerDelivery(this, { ...props, databases: deliveries });
      this.deliver = this.partnerDelivery.function;
    }

    // A fixed name, so the sweeper's permission can name this workflow's executions.
    const stateMachineName = `${props.glueDatabasePrefix.replace(/_/g, '-')}-exports`;
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      role: workflowRole(this, 'Role'),
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition(props)),
      timeout: Duration.hours(24),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
      comment: `snaplake ${props.stageName}: export snapshots to S3 and catalog them`,
    });
    this.sweeper = this.serverlessV1Detour?.addSweeper(stateMachineName, props.failures);
    this.partnerDelivery?.acknowledgeChildExecutions(this.stateMachine);
    Validations.of(this.stateMachine.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Step Functions log delivery and X-Ray tracing actions take no resource ARN (set by the CDK).' },
      ...[...this.snapshotExport.functions, this.registerCatalog, this.reportExport, this.deliver, this.detour]
        .filter((fn): fn is SnaplakeFunction => fn !== undefined)
        .map((fn) => ({
          id: wildcardOnArnOf(fn.function, ':*'),
          reason: 'The workflow invokes versions of its own functions (set by the CDK).',
        })),
    );
  }

  /**
   * Resolve the snapshot (waiting while RDS creates it); take the Serverless v1 detour when it is one;
   * start or join its export and wait for it; once COMPLETE, catalog it, report it, deliver it to
   * partners, notify, and remove temporary resources. Every failure is counted, notified, and cleaned up.
   * Each part makes its states in the order of the workflow and chains them once what follows exists
   * (`continueWith`): the order the steps are made in is the order of the rendered definition.
   */
  private definition(props: ExportWorkflowProps): sfn.IChainable {
    const notify = (name: string, message: Record<string, unknown>) => retryPublishing(new tasks.SnsPublish(this, name, {
      topic: props.notifications,
      message: sfn.TaskInput.fromObject(message),
      subject: `snaplake ${props.stageName}: ${name.toLowerCase()}`,
      resultPath: sfn.JsonPath.DISCARD,
    }));

    // The failure path: every failure counts for its database first; a failure to count never hides the notification.
    const failed = new sfn.Fail(this, 'Failed', { error: 'ExportFailed', causePath: '$.error.Cause' });
    const publishFailure = notify('Notify failure', {
      'event': 'export-failed',
      'stage': props.stageName,
      'execution.$': '$$.Execution.Id',
      'error.$': '$.error.Error',
      'cause.$': '$.error.Cause',
      'request.$': '$.request',
    });
    // Temporary resources of a Serverless v1 detour are removed on every failure path too.
    publishFailure.next(this.serverlessV1Detour?.cleanUpAfterFailure(failed) ?? failed);
    const onFailure = invokeFunction(this, 'Record failure', this.reportExport, { 'outcome': 'failed', 'state.$': '$' }, sfn.JsonPath.DISCARD)
      .addCatch(publishFailure, { errors: ['States.ALL'], resultPath: '$.recordError' });
    onFailure.next(publishFailure);

    const notifyStarted = notify('Notify started', {
      'event': 'export-started',
      'stage': props.stageName,
      'snapshot.$': '$.snapshot',
      'exportTaskIdentifier.$': '$.export.exportTaskIdentifier',
      'joined.$': '$.export.joined',
    });
    const pollInterval = (interval?: Duration) => interval ?? Duration.minutes(5);

    // 1. Resolve the snapshot, waiting while RDS still creates it.
    const resolving = this.snapshotExport.resolveSteps(pollInterval(props.snapshotPollInterval), onFailure);
    // 2. Start its export (or join the one running) and wait for it to end.
    const exporting = this.snapshotExport.exportSteps(notifyStarted, pollInterval(props.exportPollInterval), onFailure);
    // 3. Once COMPLETE: catalog, report (counted only once catalogued: the freshness alarm watches this count), and only
    //    then deliver (a partner never receives an export that is not COMPLETE); notify, and remove temporary resources.
    const catalog = this.catalog.catalogStep(onFailure);
    const report = invokeFunction(this, 'Report export', this.reportExport, {
      'outcome': 'completed', 'snapshot.$': '$.snapshot', 'export.$': '$.export', 'catalog.$': '$.catalog', 'startedAt.$': '$$.Execution.StartTime',
    }, '$.report').addCatch(onFailure, CATCH_ALL);
    const delivery = this.partnerDelivery?.steps(onFailure);
    const notifyCompleted = notify('Notify completed', {
      'event': 'export-completed',
      'stage': props.stageName,
      'startedAt.$': '$$.Execution.StartTime',
      'snapshot.$': '$.snapshot',
      'exportTaskIdentifier.$': '$.export.exportTaskIdentifier',
      'totalExtractedDataInGB.$': '$.export.totalExtractedDataInGB',
      'skippedByExport.$': '$.export.warningMessage',
      'cost.$': '$.report',
      ...this.catalog.notificationFields,
    });
    const exported = new sfn.Succeed(this, 'Exported');
    const finish = notifyCompleted.next(this.serverlessV1Detour?.cleanUpAfterExport(exported, onFailure) ?? exported);
    const reported = sfn.Chain.start(catalog).next(report);
    const exportIt = exporting.continueWith((delivery ? reported.next(delivery) : reported).next(finish));

    // What is exported: the snapshot itself, or for Aurora Serverless v1 a snapshot of a temporary cluster.
    const exportTheSnapshot = this.snapshotExport.exportTheSnapshot(exportIt);
    const whenAvailable = this.serverlessV1Detour?.steps({
      findExport: this.startExport, exportTheSnapshot, joinExisting: notifyStarted, startExport: exportIt, onFailure,
    }) ?? exportTheSnapshot;
    return resolving.continueWith(whenAvailable);
  }
}
