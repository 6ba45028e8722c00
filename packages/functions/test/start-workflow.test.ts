import { DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { exportTaskIdentifier } from '@snaplake/core';
import { mockClient } from 'aws-sdk-client-mock';
import { startWorkflow } from '../src';
import { quietLogs } from './quiet-logs';

const rds = mockClient(RDSClient);
const sfn = mockClient(SFNClient);
const clients = { rds: new RDSClient({ region: 'eu-west-1' }), sfn: new SFNClient({ region: 'eu-west-1' }) };
const stateMachineArn = 'arn:aws:states:eu-west-1:111111111111:stateMachine:exports';
const settings = { stateMachineArn, databases: [{ identifier: 'orders-db', kind: 'instance' as const, includeAwsBackupSnapshots: false }] };
const snapshotArn = (id: string) => `arn:aws:rds:eu-west-1:111111111111:snapshot:${id}`;
const event = (eventId: string, id: string) => ({
  'source': 'aws.rds',
  'detail-type': 'RDS DB Snapshot Event',
  'detail': { EventID: eventId, SourceIdentifier: id, SourceArn: snapshotArn(id), SourceType: 'SNAPSHOT', Message: 'created' },
});

beforeAll(() => {
  quietLogs();
});
beforeEach(() => {
  rds.reset();
  sfn.reset();
  rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBInstanceIdentifier: 'orders-db' }] });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'x' });
});

describe('startWorkflow', () => {
  test('starts one execution named after the snapshot, with its ARN as input', async () => {
    const result = await startWorkflow(clients, event('RDS-EVENT-0091', 'rds:orders-db-2026-11-21-03-05'), settings);
    const name = exportTaskIdentifier('rds:orders-db-2026-11-21-03-05');
    expect(result).toEqual({ started: true, executionName: name, snapshotArn: snapshotArn('rds:orders-db-2026-11-21-03-05') });
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn, name, input: JSON.stringify({ snapshotArn: snapshotArn('rds:orders-db-2026-11-21-03-05'), trigger: 'event' }),
    });
  });

  test('the execution is named per project and stage, as the export id is', async () => {
    const result = await startWorkflow(clients, event('RDS-EVENT-0091', 'rds:orders-db-2026-11-21-03-05'), { ...settings, exportIdScope: 'snaplake-prod' });
    expect(result).toMatchObject({ executionName: exportTaskIdentifier('rds:orders-db-2026-11-21-03-05', 'snaplake-prod') });
  });

  test('a DR source snapshot (RDS-EVENT-0042 of snaplake-dr-source-*) is not exported (issue 14 #11)', async () => {
    const result = await startWorkflow(clients, event('RDS-EVENT-0042', 'snaplake-dr-source-orders-db-2026-11-21t02-00-1a2b3c4d'), settings);
    expect(result).toEqual({ started: false, reason: expect.stringContaining('disaster-recovery source snapshot') });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  test('the same event delivered 5 times starts one execution', async () => {
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: 'x' }).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await startWorkflow(clients, event('RDS-EVENT-0091', 'rds:orders-db-2026-11-21-03-05'), settings));
    expect(results.filter((r) => r.started)).toHaveLength(1);
    expect(new Set(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).size).toBe(1);
  });

  test.each([
    ['a snapshot of another database', () => rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBInstanceIdentifier: 'other-db' }] }), event('RDS-EVENT-0042', 'manual-1'), /instance other-db, which this stage does not export/],
    ['an event that is not snapshot-created', () => undefined, event('RDS-EVENT-0090', 'rds:orders-db-x'), /does not announce a created snapshot/],
    ['an export-completed event arriving before the workflow polls', () => undefined, event('RDS-EVENT-0161', 'rds:orders-db-2026-11-21-03-05'), /RDS-EVENT-0161 does not announce/],
    ['an AWS Backup snapshot when not opted in', () => undefined, event('RDS-EVENT-0042', 'awsbackup:job-1'), /made by AWS Backup/],
    ['a malformed event', () => undefined, { hello: 'world' }, /not an RDS event/],
  ])('ignores %s with the reason and starts nothing', async (_case, arrange, incoming, reason) => {
    arrange();
    const result = await startWorkflow(clients, incoming, settings);
    expect(result).toEqual({ started: false, reason: expect.stringMatching(reason) });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  test('an AWS Backup snapshot starts an execution when the database opts in', async () => {
    const optedIn = { stateMachineArn, databases: [{ identifier: 'orders-db', kind: 'instance' as const, includeAwsBackupSnapshots: true }] };
    await expect(startWorkflow(clients, event('RDS-EVENT-0042', 'awsbackup:job-1'), optedIn)).resolves.toMatchObject({ started: true });
  });

  test('a Step Functions error other than a duplicate fails the invocation, so EventBridge retries it', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(startWorkflow(clients, event('RDS-EVENT-0091', 'rds:orders-db-x'), settings)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
