import { DescribeExportTasksCommand, ExportTaskNotFoundFault, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { describeExport, ExportNotFoundError } from '../src';

const rds = mockClient(RDSClient);
const client = new RDSClient({ region: 'eu-west-1' });
beforeEach(() => rds.reset());

describe('describeExport', () => {
  test('reports status, progress, size, failure cause and skipped tables', async () => {
    rds.on(DescribeExportTasksCommand, { ExportTaskIdentifier: 'e1' }).resolves({
      ExportTasks: [{
        ExportTaskIdentifier: 'e1',
        Status: 'FAILED',
        PercentProgress: 40,
        TotalExtractedDataInGB: 3,
        FailureCause: 'The IAM role is missing permissions',
        WarningMessage: '{"skipped":["audit"]}',
        S3Bucket: 'b',
        S3Prefix: 'exports',
        ExportOnly: ['shop.public.orders'],
        TaskStartTime: new Date('2026-11-21T03:10:00Z'),
      }],
    });
    await expect(describeExport(client, { exportTaskIdentifier: 'e1' })).resolves.toEqual({
      exportTaskIdentifier: 'e1',
      status: 'FAILED',
      percentProgress: 40,
      totalExtractedDataInGB: 3,
      failureCause: 'The IAM role is missing permissions',
      warningMessage: '{"skipped":["audit"]}',
      s3Bucket: 'b',
      s3Prefix: 'exports',
      exportOnly: ['shop.public.orders'],
      taskStartTime: '2026-11-21T03:10:00.000Z',
      taskEndTime: '',
    });
  });

  test('a warning naming thousands of skipped tables comes back as its first 2,000 characters and where to read it whole', async () => {
    const warning = Array.from({ length: 5400 }, (_, i) => `The table shop.tenant_${i}.audit_log has an unsupported data type and was skipped.`).join(' ');
    rds.on(DescribeExportTasksCommand).resolves({ ExportTasks: [{ ExportTaskIdentifier: 'e1', Status: 'COMPLETE', WarningMessage: warning, FailureCause: 'ü'.repeat(2001) }] });
    const status = await describeExport(client, { exportTaskIdentifier: 'e1' });
    expect(status.warningMessage.startsWith(warning.slice(0, 2000))).toBe(true);
    expect(status.warningMessage).toMatch(new RegExp(`\\.\\.\\. \\(${warning.length - 2000} more characters: aws rds describe-export-tasks --export-task-identifier e1\\)$`));
    expect(status.failureCause).toBe(`${'ü'.repeat(2000)}... (1 more characters: aws rds describe-export-tasks --export-task-identifier e1)`);
  });

  test('an unknown export is ExportNotFound (the workflow retries it briefly)', async () => {
    rds.on(DescribeExportTasksCommand).rejects(new ExportTaskNotFoundFault({ message: 'nope', $metadata: {} }));
    await expect(describeExport(client, { exportTaskIdentifier: 'e1' })).rejects.toBeInstanceOf(ExportNotFoundError);
    rds.on(DescribeExportTasksCommand).resolves({ ExportTasks: [] });
    await expect(describeExport(client, { exportTaskIdentifier: 'e1' })).rejects.toMatchObject({ name: 'ExportNotFound' });
  });

  test('a missing id is an InvalidInput error', async () => {
    await expect(describeExport(client, {} as never)).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});
