import { Match } from 'aws-cdk-lib/assertions';
import { definitionOf, runLocally } from './local-workflow';
import { synthesized } from './synthesized';

const app = synthesized('disaster-recovery');
const dr = app.template('Prod/DisasterRecovery');
const statements = () => Object.values(dr.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);

describe('disaster-recovery stacks', () => {
  test('a key stack per destination region, in that region, with rotation and the stage alias', () => {
    const keyStacks = app.stacksOf('Prod').filter((s) => s.id.startsWith('Prod/DrKey-'));
    expect(keyStacks.map((s) => [s.stackName, s.region])).toEqual([
      ['snaplake-prod-dr-key-eu-central-1', 'eu-central-1'], ['snaplake-prod-dr-key-eu-north-1', 'eu-north-1'],
    ]);
    const keys = app.template(keyStacks[0]!.id);
    keys.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    keys.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/snaplake-prod-dr' });
    expect(app.stack('Prod/DisasterRecovery').dependencies).toEqual(expect.arrayContaining(keyStacks.map((s) => s.id)));
  });

  test('copies use each destination\'s key by alias, with no hand-copied key ARN', () => {
    dr.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          COPY_DESTINATIONS: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':kms:eu-central-1:333333333333:alias/snaplake-prod-dr')])] },
        }),
      },
    });
    expect(statements()).toEqual(expect.arrayContaining([expect.objectContaining({
      Action: ['kms:CreateGrant', 'kms:DescribeKey'],
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/snaplake-prod-dr' } },
    })]));
  });

  test('copies can only be deleted when they carry snaplake\'s tag, and only copies named snaplake-dr-*', () => {
    const deletes = statements().find((s) => [s.Action].flat().includes('rds:DeleteDBSnapshot'));
    expect(deletes.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/snaplake:dr-copy': 'true' } });
    expect(JSON.stringify(deletes.Resource)).not.toMatch(/:snapshot:\*"/);
    expect(JSON.stringify(deletes.Resource)).toMatch(/eu-central-1:333333333333:snapshot:snaplake-dr-\*/);
  });

  test('an alarm per database and region fires when the newest copy is older than the objective, or when nothing reports', () => {
    dr.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'NewestCopyAgeHours' }, 4);
    dr.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NewestCopyAgeHours',
      Namespace: 'snaplake/prod/dr',
      Threshold: 26,
      TreatMissingData: 'breaching',
      Dimensions: Match.arrayWith([{ Name: 'Database', Value: 'billing' }, { Name: 'Region', Value: 'eu-north-1' }]),
    });
    // The alarms watch the namespace the report function is told to emit to.
    const reporter = Object.values(dr.findResources('AWS::Lambda::Function')).find((f: any) => f.Properties.Environment?.Variables?.METRICS_NAMESPACE) as any;
    expect(reporter.Properties.Environment.Variables.METRICS_NAMESPACE).toBe('snaplake/prod/dr');
    dr.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed', AlarmActions: [Match.anyValue()] });
    dr.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', AlarmActions: [Match.anyValue()] });
    // Every trigger has a dead-letter queue, so a trigger that cannot start a workflow is never lost.
    for (const rule of Object.values(dr.findResources('AWS::Events::Rule')) as any[]) {
      for (const target of rule.Properties.Targets) expect(target.DeadLetterConfig).toBeDefined();
    }
  });

  test('copies start on snapshot-created events, or on the snapshot schedule (then the schedule makes the snapshot)', () => {
    dr.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ source: ['aws.rds'] }) });
    const scheduled = synthesized('disaster-recovery-scheduled').template('Prod/DisasterRecovery');
    scheduled.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      Targets: [Match.objectLike({ InputTransformer: Match.objectLike({ InputTemplate: Match.stringLikeRegexp('"createSnapshotOf":\\{"databaseIdentifier":"orders-db","kind":"instance"\\}') }) })],
    });
    scheduled.resourcePropertiesCountIs('AWS::Events::Rule', { EventPattern: Match.anyValue() }, 0);
  });

  test('every stack of the stage has no unacknowledged cdk-nag finding', () => {
    for (const stack of [...app.stacks, ...synthesized('disaster-recovery-scheduled').stacks]) {
      expect({ stack: stack.id, findings: stack.nagFindings }).toEqual({ stack: stack.id, findings: [] });
    }
  });
});

describe('copy workflow, executed locally from the synthesized definition', () => {
  const definition = definitionOf(dr, '333333333333');
  const snapshot = (status: string) => ({ arn: 'arn:aws:rds:eu-west-1:333333333333:snapshot:rds:orders-db-1', identifier: 'rds:orders-db-1', status, kind: 'instance', databaseIdentifier: 'orders-db' });
  const copies = ['eu-central-1', 'eu-north-1'].map((region) => ({ region, copyIdentifier: `snaplake-dr-${region}`, kind: 'instance', databaseIdentifier: 'orders-db' }));
  const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });
  // What the copy and describe functions return: the copy's identity and status, never their input.
  const copyStatus = (c: any, status: string) => ({ copyIdentifier: c.copyIdentifier, region: c.region, status, joined: false });

  async function run(handlers: Record<string, (input: any) => unknown>) {
    const defaults: Record<string, (input: any) => unknown> = {
      'Plan copies': () => ({ snapshot: snapshot('available'), copies }),
      'Copy snapshot': (c) => copyStatus(c, 'creating'),
      'Describe copy': (c) => copyStatus(c, 'available'),
      'Prune copies': (c) => ({ region: c.region, deleted: [], newestCopyAgeHours: 0 }),
      'Prune for room': (c) => ({ region: c.region, deleted: ['old'], newestCopyAgeHours: 0 }),
      'Notify failure': () => ({}),
      'Delete source snapshot': () => ({ deleted: true }),
    };
    return runLocally(definition, { snapshotArn: snapshot('available').arn }, { ...defaults, ...handlers });
  }

  test('copies to every region, waits for each copy, then prunes each region', async () => {
    let checks = 0;
    const { calls, error } = await run({ 'Describe copy': (c) => copyStatus(c, ++checks <= 2 ? 'copying' : 'available') });
    expect(error).toBeUndefined();
    expect(calls['Copy snapshot']!.map((c) => c.region).sort()).toEqual(['eu-central-1', 'eu-north-1']);
    expect(calls['Prune copies']!.map((c) => c.region).sort()).toEqual(['eu-central-1', 'eu-north-1']);
    expect(calls['Notify failure']).toBeUndefined();
  });

  test('a snapshot still being created is waited for', async () => {
    const statuses = ['creating', 'available'];
    const { calls, error } = await run({ 'Plan copies': () => ({ snapshot: snapshot(statuses.shift()!), copies }) });
    expect(error).toBeUndefined();
    expect(calls['Plan copies']).toHaveLength(2);
  });

  test('a full snapshot quota makes room by pruning, then copies', async () => {
    let attempts = 0;
    const { calls, error } = await run({
      'Copy snapshot': (c) => {
        if (c.region === 'eu-north-1' && attempts++ === 0) throw awsError('CopyQuotaExceeded', 'eu-north-1 holds the most manual snapshots allowed');
        return copyStatus(c, 'creating');
      },
    });
    expect(error).toBeUndefined();
    expect(calls['Prune for room']!.map((c) => c.region)).toEqual(['eu-north-1']);
  });

  test('a full quota that retention cannot free fails and notifies', async () => {
    const { calls, error } = await run({
      'Copy snapshot': () => { throw awsError('CopyQuotaExceeded', 'full'); },
      'Prune for room': (c) => ({ region: c.region, deleted: [] }),
    });
    expect(error).toBeDefined();
    expect(calls['Notify failure']![0].Message).toMatchObject({ event: 'copy-failed', error: 'CopyQuotaExceeded' });
  });

  test('an unusable key fails with the key and region named', async () => {
    const { calls } = await run({ 'Copy snapshot': () => { throw awsError('CopyRejected', 'the KMS key alias/snaplake-prod-dr in eu-north-1 cannot be used for the copy'); } });
    expect(calls['Notify failure']![0].Message).toMatchObject({ error: 'CopyRejected', cause: expect.stringContaining('in eu-north-1') });
  });

  test('a source not ready yet is retried, then copied', async () => {
    let attempts = 0;
    const { calls, error } = await run({
      'Copy snapshot': (c) => {
        if (attempts++ < 2) throw awsError('NotReady', 'snapshot cannot be copied yet');
        return copyStatus(c, 'creating');
      },
    });
    expect(error).toBeUndefined();
    expect(calls['Copy snapshot']!.length).toBeGreaterThanOrEqual(4);
  });

  test('a source snapshot the schedule made is deleted once every copy is available; any other is kept (issue 14 #11)', async () => {
    const source = { ...snapshot('available'), identifier: 'snaplake-dr-source-orders-db-2026-11-21t02-00-1a2b3c4d' };
    const scheduled = await run({ 'Plan copies': () => ({ snapshot: source, copies }) });
    expect(scheduled.error).toBeUndefined();
    expect(scheduled.calls['Delete source snapshot']).toEqual([{ deleteSource: source }]);
    const automated = await run({});
    expect(automated.calls['Delete source snapshot']).toBeUndefined();
    const failedCopy = await run({ 'Plan copies': () => ({ snapshot: source, copies }), 'Describe copy': (c) => copyStatus(c, 'failed') });
    expect(failedCopy.calls['Delete source snapshot']).toBeUndefined();
  });

  test('a copy that never becomes available fails after 34 hours of checks (408 at 5 minutes), below the timeout, and notifies', async () => {
    const { calls, error } = await run({ 'Describe copy': (c) => copyStatus(c, 'copying') });
    expect(error).toBeDefined();
    expect(calls['Describe copy']!.filter((c) => c.region === 'eu-north-1')).toHaveLength(408);
    expect(calls['Notify failure']![0].Message).toMatchObject({ event: 'copy-failed', error: 'CopyTookTooLong' });
  });

  test('a snapshot that stays in creating fails after 12 hours of checks, notified with the trigger\'s own request', async () => {
    const { calls, error } = await run({ 'Plan copies': () => ({ snapshot: snapshot('creating'), copies }) });
    expect(error).toBeDefined();
    expect(calls['Plan copies']).toHaveLength(145);
    expect(calls['Plan copies']![1]).toEqual({ snapshotArn: snapshot('creating').arn });
    expect(calls['Notify failure']![0].Message).toMatchObject({ error: 'SnapshotUnusable', request: { snapshotArn: snapshot('available').arn } });
  });

  test('a copy that ends failed fails the workflow and notifies', async () => {
    const { calls, error } = await run({ 'Describe copy': (c) => copyStatus(c, 'failed') });
    expect(error).toBeDefined();
    expect(calls['Prune copies']).toBeUndefined();
    expect(calls['Notify failure']).toHaveLength(1);
  });
});
