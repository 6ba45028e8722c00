import { DBSnapshotNotFoundFault, DescribeExportTasksCommand, ExportTaskAlreadyExistsFault, KMSKeyNotAccessibleFault, RDSClient, StartExportTaskCommand } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { ExportLimitReachedError, ExportRejectedError, InvalidInputError, startExport } from '../src';

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

beforeEach(() => rds.reset());
beforeAll(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));

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

  test('a duplicate event joins the running export instead of failing', async () => {
    rds.on(StartExportTaskCommand).rejects(new ExportTaskAlreadyExistsFault({ message: 'exists', $metadata: {} }));
    rds.on(DescribeExportTasksCommand, { ExportTaskIdentifier: input.exportTaskIdentifier })
      .resolves({ ExportTasks: [{ ExportTaskIdentifier: input.exportTaskIdentifier, SourceArn: snapshotArn, Status: 'IN_PROGRESS' }] });
    await expect(startExport(client, input, destination)).resolves.toEqual({
      exportTaskIdentifier: input.exportTaskIdentifier, status: 'IN_PROGRESS', joined: true,
    });
  });

  test('an id already used by another snapshot is rejected, never joined', async () => {
    rds.on(StartExportTaskCommand).rejects(new ExportTaskAlreadyExistsFault({ message: 'exists', $metadata: {} }));
    rds.on(DescribeExportTasksCommand).resolves({ ExportTasks: [{ SourceArn: 'arn:aws:rds:eu-west-1:111111111111:snapshot:other', Status: 'COMPLETE' }] });
    await expect(startExport(client, input, destination)).rejects.toThrow(/already used by an export of .*snapshot:other/);
  });

  test.each([
    [new DBSnapshotNotFoundFault({ message: 'not found', $metadata: {} }), /the DB snapshot does not exist/],
    [new KMSKeyNotAccessibleFault({ message: 'denied', $metadata: {} }), /the KMS key cannot be used by the export/],
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
});
