import { StageConfig } from '@snaplake/core';
import { Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DataLakeStorageStack } from './stacks/data-lake-storage-stack';
import { ExportPipelineStack } from './stacks/export-pipeline-stack';
import { FederatedQueryStack } from './stacks/federated-query-stack';

export interface SnaplakeStageProps extends StageProps {
  readonly project: string;
  readonly stage: StageConfig;
}

/** One deployment stage (dev, staging, prod) with every snaplake stack inside, in its account and region. */
export class SnaplakeStage extends Stage {
  readonly storage: DataLakeStorageStack;
  readonly exportPipeline: ExportPipelineStack;
  /** Only in stages that configure federated queries. */
  readonly federatedQuery?: FederatedQueryStack;

  constructor(scope: Construct, id: string, props: SnaplakeStageProps) {
    super(scope, id, { ...props, env: { account: props.stage.account, region: props.stage.region } });
    const stackName = (name: string) => `${props.project}-${props.stage.name}-${name}`;
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
  }
}
