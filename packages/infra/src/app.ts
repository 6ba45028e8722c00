import { SnaplakeConfig } from '@snaplake/core';
import { App } from 'aws-cdk-lib';
import { SnaplakeStage } from './snaplake-stage';

/** Builds the CDK app: one stage per configured stage, named after it (Dev, Staging, Prod). */
export function buildApp(config: SnaplakeConfig, outdir?: string): { app: App; stages: SnaplakeStage[] } {
  const app = new App({ outdir });
  const stages = config.stages.map((stage) => new SnaplakeStage(app, capitalize(stage.name), { project: config.project, stage }));
  return { app, stages };
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
