// The configurations the audit tests synthesize, owned by the tests (never the example config or queries,
// which a user replaces): a typical stage, and a stage with every option on. Each is synthesized once per test file.
import { join } from 'node:path';
import { parseSnaplakeConfig, SnaplakeConfig } from '@snaplake/core';
import { Stack } from 'aws-cdk-lib';
import { buildApp, SnaplakeStage, stacksIn } from '../../src';

/** SQL files of the fixtures: a Glue query in every stage, a federated one in the `full` stage only. */
export const FIXTURE_QUERIES_DIR = join(__dirname, 'fixtures', 'queries');

const vpc = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcCidrBlock: '10.20.0.0/16',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  privateSubnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
};

/** A typical stage: snapshot-triggered and scheduled exports catalogued from metadata, an event-driven copy to another region. */
export const TYPICAL_CONFIG: SnaplakeConfig = parseSnaplakeConfig({
  project: 'snaplake',
  stages: [{
    name: 'typical',
    account: '111111111111',
    region: 'eu-west-1',
    exportRetentionDays: 30,
    notificationEmails: ['data@example.com'],
    databases: [
      { identifier: 'orders-db', kind: 'instance', engine: 'postgres', trigger: 'every-snapshot' },
      { identifier: 'billing', kind: 'cluster', engine: 'mysql', trigger: 'schedule', schedule: 'cron(0 4 * * ? *)' },
    ],
    disasterRecovery: { destinationRegions: ['eu-central-1'], databases: ['orders-db'], keepLast: 3, recoveryPointObjectiveHours: 26 },
  }],
});

/**
 * Every option on: crawler catalog, a PostgreSQL and a MySQL connector, the Serverless v1 restore with
 * its own key, deliveries (bucket with ACL and key; access point owned by the partner), scheduled copies
 * to two regions, scheduled queries on the lake and on the connector.
 */
export const EVERY_OPTION_CONFIG: SnaplakeConfig = parseSnaplakeConfig({
  project: 'snaplake',
  stages: [{
    name: 'full',
    account: '222222222222',
    region: 'eu-west-1',
    exportRetentionDays: 90,
    notificationEmails: ['data@example.com'],
    catalog: 'crawler',
    databases: [
      {
        identifier: 'orders-db', kind: 'instance', engine: 'postgres', trigger: 'every-snapshot', includeAwsBackupSnapshots: true,
        delivery: { destination: 'partner-lake', prefix: 'from-example/orders', kmsKeyArn: 'arn:aws:kms:eu-west-1:444444444444:key/0a1b2c3d-1111-2222-3333-444455556666', bucketOwnerEnforced: false },
      },
      {
        identifier: 'billing', kind: 'cluster', engine: 'mysql', trigger: 'schedule', schedule: 'cron(0 4 * * ? *)',
        delivery: { destination: 'arn:aws:s3:eu-west-1:555555555555:accesspoint/snaplake-in', prefix: '', bucketOwnerEnforced: true },
      },
    ],
    federatedQueries: [
      {
        functionName: 'orders-live', engine: 'postgresql', host: 'orders-db.c0example.eu-west-1.rds.amazonaws.com', databaseName: 'orders',
        secretName: 'athena/orders-readonly', catalogName: 'orders_live', vpc, createVpcEndpoints: false, analystsRoleArn: 'arn:aws:iam::222222222222:role/data-analysts',
      },
      {
        functionName: 'billing-live', engine: 'mysql', host: 'billing.cluster-c0example.eu-west-1.rds.amazonaws.com', databaseName: 'billing',
        secretName: 'athena/billing-readonly', vpc, createVpcEndpoints: false, analystsRoleArn: 'arn:aws:iam::222222222222:role/data-analysts',
      },
    ],
    disasterRecovery: {
      destinationRegions: ['eu-central-1', 'eu-north-1'], databases: ['orders-db', 'billing'], keepLast: 7, maxAgeDays: 35,
      recoveryPointObjectiveHours: 26, snapshotSchedule: 'cron(0 2 * * ? *)',
    },
    serverlessV1Restore: {
      engineVersions: { 'aurora-mysql': '8.0.mysql_aurora.3.05.2' }, subnetGroupName: 'snaplake-private', securityGroupIds: ['sg-0a1b2c3d4e5f60001'],
      kmsKeyArn: 'arn:aws:kms:eu-west-1:222222222222:key/9f8e7d6c-1111-2222-3333-444455556666', sweepAfterHours: 12,
    },
  }],
});

export interface SynthesizedFixture {
  readonly name: string;
  readonly config: SnaplakeConfig;
  readonly stage: SnaplakeStage;
  /** Every stack of the stage with its synthesized template. */
  readonly stacks: { stack: Stack; template: any }[];
}

/** Builds the app of a fixture with its queries and synthesizes every stack once. */
export function synthesize(name: string, config: SnaplakeConfig): SynthesizedFixture {
  const previous = process.env.SNAPLAKE_QUERIES_DIR;
  process.env.SNAPLAKE_QUERIES_DIR = FIXTURE_QUERIES_DIR;
  try {
    const stage = buildApp(config).stages[0]!;
    const assembly = stage.synth();
    const stacks = stacksIn(stage).map((stack) => ({ stack, template: assembly.getStackArtifact(stack.artifactId).template }));
    return { name, config, stage, stacks };
  } finally {
    if (previous === undefined) delete process.env.SNAPLAKE_QUERIES_DIR;
    else process.env.SNAPLAKE_QUERIES_DIR = previous;
  }
}
