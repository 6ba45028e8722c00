import {
  DBSnapshotNotFoundFault, DescribeExportTasksCommand, ExportTaskAlreadyExistsFault, ExportTaskNotFoundFault, InvalidExportOnlyFault,
  KMSKeyNotAccessibleFault, RDSClient, StartExportTaskCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { ExportLimitReachedError, ExportRejectedError, findExport, InvalidInputError, startExport } from '../src';
import { quietLogs } from './quiet-logs';

const rds = mockClient(RDSClient);
const client = new RDSClient({ region: 'eu-west-1' });
const snapshotArn = 'arn:aws:rds:eu-west-1:111111111111:snapshot:rds:orders-db-2026-11-21-03-05';
const input = { snapshotArn, exportTaskIdentifier: 'rds-orders-db-2026-11-21-03-05-1a2b3c4d' };
const destination = {
  bucketName: 'snaplake-dev-exports',
  prefix: 'exports',
  exportRoleArn: 'arn:aws:iam::111111111111:role/export',
  kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};

const ours = { S3Bucket: destination.bucketName, S3Prefix: 'exports' };
const exists = () => new ExportTaskAlreadyExistsFault({ message: 'exists', $metadata: {} });

beforeEach(() => rds.reset());
beforeAll(quietLogs);

describe('startExport', () => {
  test('starts the export with the derived id, the bucket, role and key', async () => {
    rds.on(StartExportTaskCommand).resolves({ ExportTaskIdentifier: input.exportTaskIdentifier, Status: 'STARTING' });
    await expect(startExport(client, input, destination)).resolves.toEqual({
      exportTaskIdentifier: input.exportTaskIdentifier, status: 'STARTING', joined: false,
    });
    expect(rds.commandCalls(StartExportTaskCommand)[0]!.args[0].input).toEqual({
      ExportTaskIdentifier: input.exportTaskIdentifier,
      SourceArn: snapshotArn,
      S3BucketName: 'snaplake-dev-exports',
      S3Prefix: 'exports',
      IamRoleArn: destination.exportRoleArn,
      KmsKeyId: destination.kmsKeyArn,
    });
  });

  test('the database\'s exportOnly list reaches StartExportTask as ExportOnly', async () => {
    rds.on(StartExportTaskCommand).resolves({ Status: 'STARTING' });
    await startExport(client, { ...input, exportOnly: ['shop.public.orders', 'crm'] }, destination);
    expect(rds.commandCalls(StartExportTaskCommand)[0]!.args[0].input.ExportOnly).toEqual(['shop.public.orders', 'crm']);
  });

  test('an empty exportOnly sends no ExportOnly: everything is exported', async () => {
    rds.on(StartExportTaskCommand).resolves({ Status: 'STARTING' });
    await startExport(client, { ...input, exportOnly: [] }, destination);
    expect(rds.commandCalls(StartExportTaskCommand)[0]!.args[0].input.ExportOnly).toBeUndefined();
  });

  test('a malformed exportOnly is an InvalidInput error, never sent to RDS', async () => {
    await expect(startExport(client, { ...input, exportOnly: 'shop' as never }, destination)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(startExport(client, { ...input, exportOnly: [''] }, destination)).rejects.toThrow(/exportOnly must be a list of names/);
    expect(rds.commandCalls(StartExportTaskCommand)).toHaveLength(0);
  });

  test('a duplicate event joins the running export instead of failing', async () => {
    rds.on(StartExportTaskCommand).rejects(new ExportTaskAlreadyExistsFault({ message: 'exists', $metadata: {} }));
    rds.on(DescribeExportTasksCommand, { ExportTaskIdentifier: input.exportTaskIdentifier })
      .resolves({ ExportTasks: [{ ExportTaskIdentifier: input.exportTaskIdentifier, SourceArn: snapshotArn, Status: 'IN_PROGRESS', ...ours }] });
    await expect(startExport(client, input, destination)).resolves.toEqual({
      exportTaskIdentifier: input.exportTaskIdentifier, status: 'IN_PROGRESS', joined: true,
    });
  });

  test('an id already used by another snapshot is rejected, never joined', async () => {
    rds.on(StartExportTaskCommand).rejects(new ExportTaskAlreadyExistsFault({ message: 'exists', $metadata: {} }));
    rds.on(DescribeExportTasksCommand).resolves({ ExportTasks: [{ SourceArn: 'arn:aws:rds:eu-west-1:111111111111:snapshot:other', Status: 'COMPLETE', ...ours }] });
    await expect(startExport(client, input, destination)).rejects.toThrow(/already used by an export of .*snapshot:other/);
  });

  test.each([
    [new DBSnapshotNotFoundFault({ message: 'not found', $metadata: {} }), /the DB snapshot does not exist/],
    [new KMSKeyNotAccessibleFault({ message: 'denied', $metadata: {} }), /the KMS key cannot be used by the export/],
    [new InvalidExportOnlyFault({ message: 'shop.public.nope does not exist', $metadata: {} }), /ExportOnly names a database, schema or table that is not valid.*nope/],
  ])('a fault a retry cannot fix becomes ExportRejected with the cause: %p', async (fault, message) => {
    rds.on(StartExportTaskCommand).rejects(fault);
    const error = await startExport(client, input, destination).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportRejectedError);
    expect((error as Error).name).toBe('ExportRejected');
    expect((error as Error).message).toMatch(message);
  });

  test('the concurrent export limit becomes ExportLimitReached so the workflow waits', async () => {
    const limit = Object.assign(new Error('You have reached the maximum number of concurrent export tasks'), { name: 'InvalidParameterCombination' });
    rds.on(StartExportTaskCommand).rejects(limit);
    await expect(startExport(client, input, destination)).rejects.toBeInstanceOf(ExportLimitReachedError);
  });

  test('throttling is passed on unchanged for the workflow to retry', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    rds.on(StartExportTaskCommand).rejects(throttled);
    await expect(startExport(client, input, destination)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  test.each([
    [{ exportTaskIdentifier: 'x' }, /snapshotArn must be a snapshot ARN/],
    [{ snapshotArn, exportTaskIdentifier: '' }, /exportTaskIdentifier is missing/],
    [undefined, /snapshotArn must be a snapshot ARN, got undefined/],
  ])('bad input %p is an InvalidInput error, not a TypeError', async (bad, message) => {
    const error = await startExport(client, bad as never, destination).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(message);
    expect(rds.calls()).toHaveLength(0);
  });

  test('a FAILED or CANCELED attempt is never joined: the next attempt id is started (issue 14 #3)', async () => {
    const a2 = `${input.exportTaskIdentifier}-a2`;
    const a3 = `${input.exportTaskIdentifier}-a3`;
    rds.on(StartExportTaskCommand, { ExportTaskIdentifier: input.exportTaskIdentifier }).rejects(exists());
    rds.on(StartExportTaskCommand, { ExportTaskIdentifier: a2 }).rejects(exists());
    rds.on(StartExportTaskCommand, { ExportTaskIdentifier: a3 }).resolves({ Status: 'STARTING' });
    rds.on(DescribeExportTasksCommand, { ExportTaskIdentifier: input.exportTaskIdentifier }).resolves({ ExportTasks: [{ SourceArn: snapshotArn, Status: 'FAILED', ...ours }] });
    rds.on(DescribeExportTasksCommand, { ExportTaskIdentifier: a2 }).resolves({ ExportTasks: [{ SourceArn: snapshotArn, Status: 'CANCELED', ...ours }] });
    await expect(startExport(client, input, destination)).resolves.toEqual({ exportTaskIdentifier: a3, status: 'STARTING', joined: false });
    expect(a3.length).toBeLessThanOrEqual(60);
  });

  test('a re-run joins the attempt that is running or COMPLETE', async () => {
    const a2 = `${input.exportTaskIdentifier}-a2`;
    rds.on(StartExportTaskCommand).rejects(exists());
    rds.on(DescribeExportTasksCommand, { ExportTaskIdentifier: input.exportTaskIdentifier }).resolves({ ExportTasks: [{ SourceArn: snapshotArn, Status: 'FAILED', ...ours }] });
    rds.on(DescribeExportTasksCommand, { ExportTaskIdentifier: a2 }).resolves({ ExportTasks: [{ SourceArn: snapshotArn, Status: 'COMPLETE', ...ours }] });
    await expect(startExport(client, input, destination)).resolves.toEqual({ exportTaskIdentifier: a2, status: 'COMPLETE', joined: true });
  });

  test('an export with this id writing to another bucket or prefix (another stage) is never joined (issue 14 #5)', async () => {
    rds.on(StartExportTaskCommand).rejects(exists());
    rds.on(DescribeExportTasksCommand).resolves({ ExportTasks: [{ SourceArn: snapshotArn, Status: 'COMPLETE', S3Bucket: 'snaplake-prod-exports', S3Prefix: 'exports' }] });
    await expect(startExport(client, input, destination)).rejects.toThrow(/already used by an export to s3:\/\/snaplake-prod-exports\/exports, not to this stage's s3:\/\/snaplake-dev-exports\/exports/);
    rds.on(DescribeExportTasksCommand).resolves({ ExportTasks: [{ SourceArn: snapshotArn, Status: 'COMPLETE', S3Bucket: destination.bucketName, S3Prefix: 'other' }] });
    await expect(startExport(client, input, destination)).rejects.toBeInstanceOf(ExportRejectedError);
  });

  test('a detour joins the export of an earlier run\'s temporary snapshot; a plain export does not', async () => {
    const temporary = 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:snaplake-tmp-legacy-1a2b3c4d';
    rds.on(StartExportTaskCommand).rejects(exists());
    rds.on(DescribeExportTasksCommand).resolves({ ExportTasks: [{ SourceArn: temporary, Status: 'IN_PROGRESS', ...ours }] });
    const other = 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:snaplake-tmp-legacy-ffffffff';
    await expect(startExport(client, { ...input, snapshotArn: other, viaTemporarySnapshot: true }, destination))
      .resolves.toMatchObject({ joined: true });
    await expect(startExport(client, { ...input, snapshotArn: other }, destination)).rejects.toBeInstanceOf(ExportRejectedError);
  });
});

describe('findExport (before a Serverless v1 run restores a cluster, issue 14 #6)', () => {
  const original = 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:rds:legacy-2026-11-21';
  const temporary = 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:snaplake-tmp-legacy-1a2b3c4d';

  test('finds the running or complete export of an earlier run, never starting one', async () => {
    rds.on(DescribeExportTasksCommand, { ExportTaskIdentifier: input.exportTaskIdentifier })
      .resolves({ ExportTasks: [{ SourceArn: temporary, Status: 'COMPLETE', ...ours }] });
    await expect(findExport(client, { ...input, snapshotArn: original }, destination))
      .resolves.toEqual({ found: true, exportTaskIdentifier: input.exportTaskIdentifier, status: 'COMPLETE', joined: true });
    expect(rds.commandCalls(StartExportTaskCommand)).toHaveLength(0);
  });

  test('finds nothing when no attempt exists, or only failed ones', async () => {
    rds.on(DescribeExportTasksCommand, { ExportTaskIdentifier: input.exportTaskIdentifier }).resolves({ ExportTasks: [{ SourceArn: temporary, Status: 'FAILED', ...ours }] });
    rds.on(DescribeExportTasksCommand, { ExportTaskIdentifier: `${input.exportTaskIdentifier}-a2` }).rejects(new ExportTaskNotFoundFault({ message: 'none', $metadata: {} }));
    await expect(findExport(client, { ...input, snapshotArn: original }, destination)).resolves.toEqual({ found: false });
  });
});
