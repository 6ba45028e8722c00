import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryDefinitionError } from '@snaplake/core';
import { Match } from 'aws-cdk-lib/assertions';
import { definitionOf, runLocally } from './local-workflow';
import { FIXTURES_DIR, fixtureConfigPath, synthesized } from './synthesized';
import { loadSnaplakeConfig } from '../src/config';
import { loadQueries, queriesForStage } from '../src/queries';

function queriesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'queries-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('loadQueries', () => {
  test('every query file of the folder loads, with {project} and {stage} filled in', () => {
    const queries = loadQueries('prod', 'snaplake', join(FIXTURES_DIR, 'federated-queries', 'queries'));
    expect(queries.map((q) => [q.name, q.catalog, q.database])).toEqual([
      ['lake_orders', 'AwsDataCatalog', 'snaplake_prod_orders_db_shop'],
      ['live_orders', 'orders_live', 'public'],
    ]);
  });

  test('{project} with a hyphen names the Glue database snaplake made, and the grant follows it (issue 14 #13)', () => {
    const dir = queriesDir({ 'a.sql': '-- name: a\n-- schedule: rate(1 hour)\n-- database: {project}_{stage}_orders_db_shop\n-- workgroup: {project}-{stage}-scheduled\nSELECT 1' });
    const [query] = loadQueries('prod', 'my-lake', dir);
    expect(query).toMatchObject({ database: 'my_lake_prod_orders_db_shop', workgroup: 'my-lake-prod-scheduled' });
  });

  test('a query limited to some stages is left out of the others', () => {
    const dir = queriesDir({ 'a.sql': '-- name: a\n-- schedule: rate(1 hour)\n-- database: db\n-- stages: prod\nSELECT 1' });
    expect(loadQueries('dev', 'p', dir)).toEqual([]);
    expect(loadQueries('prod', 'p', dir).map((q) => q.name)).toEqual(['a']);
  });

  test('two files with one name fail naming both files', () => {
    const dir = queriesDir({
      'a.sql': '-- name: same\n-- schedule: rate(1 hour)\n-- database: db\nSELECT 1',
      'b.sql': '-- name: same\n-- schedule: rate(1 hour)\n-- database: db\nSELECT 2',
    });
    expect(() => loadQueries('dev', 'p', dir)).toThrow(new QueryDefinitionError("b.sql: name: 'same' is already used by a.sql"));
  });
});

describe('queriesForStage: queries are checked against the config', () => {
  const stage = loadSnaplakeConfig(fixtureConfigPath('federated-queries')).stages[0]!;
  const query = (header: string) => `-- name: q\n-- schedule: rate(1 hour)\n${header}\nSELECT 1`;
  const check = (files: Record<string, string>, stageNames = ['dev', 'prod']) => queriesForStage(queriesDir(files), 'snaplake', stage, stageNames);

  test('a query of an exported database or of a federated catalog of the stage is kept', () => {
    expect(check({ 'a.sql': query('-- database: {project}_{stage}_orders_db_shop') })).toHaveLength(1);
    expect(check({ 'a.sql': query('-- database: {project}_{stage}_orders_db') })).toHaveLength(1);
    expect(check({ 'a.sql': query('-- catalog: orders_live\n-- database: public') })).toHaveLength(1);
  });

  test('a database the stage does not export fails synth, naming the file and the databases it has', () => {
    expect(() => check({ 'a.sql': query('-- database: {project}_{stage}_billing_main') })).toThrow(
      "a.sql: database: 'snaplake_prod_billing_main' is not exported in stage 'prod' (its databases: snaplake_prod_orders_db_<database>)",
    );
  });

  test('a catalog the stage has no connector for fails synth', () => {
    expect(() => check({ 'a.sql': query('-- catalog: billing_live\n-- database: public') })).toThrow(
      "a.sql: catalog: 'billing_live' is not a federated query catalog of stage 'prod' (its catalogs: orders_live)",
    );
  });

  test('stages: naming a stage the config does not have fails synth, naming the file and the stages', () => {
    expect(() => check({ 'a.sql': query('-- database: db\n-- stages: prd') })).toThrow("a.sql: stages: 'prd' is not a stage of the config (dev, prod)");
  });

  test('a query limited to another stage is neither deployed nor checked against this stage', () => {
    expect(check({ 'a.sql': query('-- database: {project}_{stage}_billing_main\n-- stages: dev') })).toEqual([]);
  });
});

/** The fixture app with a federated query and two query files: one on the lake, one on the live database. */
const scheduledStack = () => synthesized('federated-queries').template('Prod/ScheduledQueries');

describe('scheduled query stack', () => {
  const template = scheduledStack();

  test('each query has a schedule with its time zone, no flexible window, retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'snaplake-prod-lake_orders',
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: Match.anyValue() },
        Input: Match.serializedJson(Match.objectLike({
          scheduledTime: '<aws.scheduler.scheduled-time>',
          query: Match.objectLike({ name: 'lake_orders', database: 'snaplake_prod_orders_db_shop', parameters: ['run_date'], keepLatest: true }),
        })),
      }),
    });
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
  });

  test('the runner may use its workgroup only, read the Glue databases its queries name, and write only its queries\' result folders', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref.startsWith('StartQueryRole')))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const find = (action: string) => statements.find((s: any) => [s.Action].flat().includes(action));
    const workgroupArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':athena:eu-west-1:333333333333:workgroup/snaplake-prod-scheduled']] };
    expect(find('athena:StartQueryExecution').Resource).toEqual(workgroupArn);
    expect(find('glue:GetTable').Resource).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:eu-west-1:333333333333:catalog']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:eu-west-1:333333333333:database/snaplake_prod_orders_db_shop']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:eu-west-1:333333333333:table/snaplake_prod_orders_db_shop/*']] },
    ]);
    const resultFolders = find('s3:PutObject').Resource.map((r: any) => r['Fn::Join'][1][1]).sort();
    expect(resultFolders).toEqual(['/lake_orders/*', '/live_orders/*']);
    expect(statements.flatMap((s: any) => [s.Action].flat()).filter((a: string) => a.endsWith('*'))).toEqual([]);
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  test('a query on the federated catalog gives the runner the connector\'s grantQuery', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref.startsWith('StartQueryRole')))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'lambda:InvokeFunction' }),
      expect.objectContaining({ Action: 'athena:GetDataCatalog' }),
    ]));
  });

  test('the scheduled-query workgroup lets each run choose its folder, encrypted, with a scan cutoff', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'snaplake-prod-scheduled',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: false,
        BytesScannedCutoffPerQuery: 107374182400,
        ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() } }),
      }),
    });
  });

  test('failed runs raise an alarm on the stage topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed', AlarmActions: [Match.anyValue()] });
  });

  test('the stack has no unacknowledged cdk-nag finding', () => {
    for (const stack of synthesized('federated-queries').stacks) {
      expect({ stack: stack.id, findings: stack.nagFindings }).toEqual({ stack: stack.id, findings: [] });
    }
  });
});

describe('a scheduled run, executed locally from the synthesized definition', () => {
  const definition = definitionOf(scheduledStack(), '333333333333');
  const input = { query: { name: 'lake_orders', sql: 'SELECT 1', database: 'db', parameters: [], timezone: 'UTC', keepLatest: false }, scheduledTime: '2026-11-21T06:00:00Z' };
  const status = (state: string, extra: Record<string, unknown> = {}) => ({ queryExecutionId: 'q1', state, reason: '', retryable: false, bytesScanned: 10, runTimeMs: 5, outputLocation: 's3://r/q1.csv', ...extra });

  async function run(checks: Record<string, unknown>[]) {
    let i = 0;
    return runLocally(definition, input, {
      'Start query': (s) => ({ queryExecutionId: `q${s.attempt}`, attempt: s.attempt, resultsPrefix: 'lake_orders/2026-11-21/', check: 0, nextDelaySeconds: 1 }),
      'Check query': (s) => ({ ...checks[Math.min(i++, checks.length - 1)], check: s.check + 1, nextDelaySeconds: 1 }),
      'Record success': () => ({ outcome: 'succeeded' }),
      'Record failure': () => ({ outcome: 'failed' }),
      'Notify failure': () => ({}),
    });
  }

  test('a long query is waited for across several checks, then its success recorded', async () => {
    const { calls, error } = await run([status('QUEUED'), status('RUNNING'), status('RUNNING'), status('SUCCEEDED')]);
    expect(error).toBeUndefined();
    expect(calls['Check query']!.map((c) => c.check)).toEqual([0, 1, 2, 3]);
    expect(calls['Record success']).toHaveLength(1);
  });

  test('a retryable failure runs the query again as attempt 2', async () => {
    const { calls, error } = await run([status('FAILED', { retryable: true, reason: 'internal' }), status('SUCCEEDED')]);
    expect(error).toBeUndefined();
    expect(calls['Start query']!.map((c) => c.attempt)).toEqual([1, 2]);
  });

  test('a non-retryable failure records it and notifies the stage with Athena\'s message', async () => {
    const { calls, error } = await run([status('FAILED', { reason: "COLUMN_NOT_FOUND: 'totl'" })]);
    expect(error).toBeDefined();
    expect(calls['Record failure']).toHaveLength(1);
    expect(calls['Notify failure']![0].Message).toMatchObject({ event: 'query-failed', query: 'lake_orders', error: 'QueryFAILED', cause: "query q1 FAILED: COLUMN_NOT_FOUND: 'totl'" });
  });

  test('retryable failures stop after three attempts', async () => {
    const { calls } = await run([status('FAILED', { retryable: true, reason: 'internal' })]);
    expect(calls['Start query']).toHaveLength(3);
    expect(calls['Notify failure']).toHaveLength(1);
  });

  test('CANCELLED ends the run with a failure, with no further checks', async () => {
    const { calls } = await run([status('CANCELLED', { reason: 'cancelled by user' })]);
    expect(calls['Check query']).toHaveLength(1);
    expect(calls['Notify failure']![0].Message).toMatchObject({ error: 'QueryCANCELLED' });
  });
});
