import { QueryDefinition, StageConfig } from '@snaplake/core';
import { Stack, Stage, StageProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { stageStackName } from './stack-names';
import { DashboardStack } from './stacks/dashboard-stack';
import { DataLakeStorageStack } from './stacks/data-lake-storage-stack';
import { DisasterRecoveryStack, DrKeyStack } from './stacks/disaster-recovery-stack';
import { ExportPipelineStack } from './stacks/export-pipeline-stack';
import { FederatedQueryStack } from './stacks/federated-query-stack';
import { ScheduledQueryStack } from './stacks/scheduled-query-stack';

export interface SnaplakeStageProps extends StageProps {
  readonly project: string;
  readonly stage: StageConfig;
  /** The stage's scheduled queries (see `queriesForStage`). @default - none */
  readonly queries?: readonly QueryDefinition[];
}

/** One deployment stage (dev, staging, prod) with every snaplake stack inside, in its account and region. */
export class SnaplakeStage extends Stage {
  readonly storage: DataLakeStorageStack;
  readonly exportPipeline: ExportPipelineStack;
  /** Only in stages that configure federated queries. */
  readonly federatedQuery?: FederatedQueryStack;
  /** Only in stages with scheduled queries (SQL files in the queries folder). */
  readonly scheduledQueries?: ScheduledQueryStack;
  /** Only in stages with `disasterRecovery`: the copy workflow, and a key stack per destination region. */
  readonly disasterRecovery?: DisasterRecoveryStack;
  readonly drKeys: DrKeyStack[] = [];
  /** The stage's CloudWatch dashboard, `<project>-<stage>`. */
  readonly dashboard: DashboardStack;

  constructor(scope: Construct, id: string, props: SnaplakeStageProps) {
    super(scope, id, { ...props, env: { account: props.stage.account, region: props.stage.region } });
    const stackName = (name: string) => stageStackName(props.project, props.stage.name, name);
    this.storage = new DataLakeStorageStack(this, 'Storage', { project: props.project, stage: props.stage, stackName: stackName('storage') });
    this.exportPipeline = new ExportPipelineStack(this, 'ExportPipeline', {
      project: props.project,
      stage: props.stage,
      stackName: stackName('export-pipeline'),
      exportBucket: this.storage.exportBucket,
      dataKey: this.storage.dataKey,
    });
    if (props.stage.federatedQueries.length > 0) {
      this.federatedQuery = new FederatedQueryStack(this, 'FederatedQuery', {
        stackName: stackName('federated-query'),
        federatedQueries: props.stage.federatedQueries,
      });
    }
    const queries = props.queries ?? [];
    if (queries.length > 0) {
      this.scheduledQueries = new ScheduledQueryStack(this, 'ScheduledQueries', {
        stackName: stackName('scheduled-queries'),
        project: props.project,
        stageName: props.stage.name,
        queries,
        resultsBucket: this.storage.queryResultsBucket,
        exportBucket: this.storage.exportBucket,
        dataKey: this.storage.dataKey,
        notifications: this.exportPipeline.notifications,
        notificationsKey: this.exportPipeline.notificationsKey,
        connectors: this.federatedQuery?.connectors,
      });
    }
    const dr = props.stage.disasterRecovery;
    if (dr) {
      this.drKeys = dr.destinationRegions.map((region) => new DrKeyStack(this, `DrKey-${region}`, {
        stackName: stackName(`dr-key-${region}`),
        env: { account: props.stage.account, region },
        project: props.project,
        stageName: props.stage.name,
      }));
      this.disasterRecovery = new DisasterRecoveryStack(this, 'DisasterRecovery', {
        stackName: stackName('disaster-recovery'),
        project: props.project,
        stageName: props.stage.name,
        config: dr,
        databases: props.stage.databases,
        notifications: this.exportPipeline.notifications,
        notificationsKey: this.exportPipeline.notificationsKey,
      });
      // The copy keys must exist before the first copy; they are found by alias, so no value crosses regions.
      for (const keys of this.drKeys) this.disasterRecovery.addStackDependency(keys);
    }

    // Last, so it sees every alarm and dead-letter queue of the stage.
    const stacks: Stack[] = [this.exportPipeline, this.scheduledQueries, this.disasterRecovery].filter((stack) => stack !== undefined);
    const all = stacks.flatMap((stack) => stack.node.findAll());
    this.dashboard = new DashboardStack(this, 'Dashboard', {
      stackName: stackName('dashboard'),
      project: props.project,
      stageName: props.stage.name,
      databases: props.stage.databases.map((db) => db.identifier),
      disasterRecovery: dr,
      queryNames: queries.map((q) => q.name),
      deadLetterQueues: all.filter((c): c is sqs.Queue => c instanceof sqs.Queue),
      alarms: all.filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm),
    });
  }
}
