import {
  BatchCreatePartitionCommand, BatchDeletePartitionCommand, CreateDatabaseCommand, CreateTableCommand, GetPartitionsCommand,
  GetTablesCommand, UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { AwsStub } from 'aws-sdk-client-mock';

/**
 * Resets a mocked Glue client to an empty catalog that accepts every write, with replies shaped as the
 * Glue API reference documents them (batch calls answer an empty `Errors` list). Tests override the
 * calls they are about.
 */
export function answerAsEmptyCatalog(glue: AwsStub<any, any, any>): void {
  glue.reset();
  glue.on(CreateDatabaseCommand).resolves({});
  glue.on(GetTablesCommand).resolves({ TableList: [] });
  glue.on(CreateTableCommand).resolves({});
  glue.on(UpdateTableCommand).resolves({});
  glue.on(BatchCreatePartitionCommand).resolves({ Errors: [] });
  glue.on(GetPartitionsCommand).resolves({ Partitions: [] });
  glue.on(BatchDeletePartitionCommand).resolves({ Errors: [] });
}
