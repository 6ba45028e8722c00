import { checkEnvironmentValue, INTEGER_VARIABLES, JSON_VARIABLES } from '../src';
import { handler as planCopies } from '../src/handlers/plan-copies';
import { handler as pruneCopies } from '../src/handlers/prune-copies';
import { handler as registerCatalog } from '../src/handlers/register-catalog';
import { handler as reportExport } from '../src/handlers/report-export';
import { handler as reportRecoveryPoints } from '../src/handlers/report-recovery-points';
import { handler as resolveSnapshot } from '../src/handlers/resolve-snapshot';
import { handler as serverlessDetour } from '../src/handlers/serverless-detour';
import { handler as startWorkflow } from '../src/handlers/start-workflow';
import { handler as sweepTemporary } from '../src/handlers/sweep-temporary';

// Each handler reads its variables before any AWS call, so a wrong value fails with InvalidInput
// naming the variable (Step Functions then fails the step with the message, not a TypeError).

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

const copy = {
  sourceArn: 'arn:aws:rds:eu-west-1:111111111111:snapshot:x',
  sourceRegion: 'eu-west-1',
  kind: 'instance' as const,
  databaseIdentifier: 'orders-db',
  region: 'eu-central-1',
  kmsKeyArn: 'arn:aws:kms:eu-central-1:111111111111:alias/dr',
  copyIdentifier: 'c',
};

test.each([
  ['KEEP_LAST', 'seven', () => pruneCopies(copy), /KEEP_LAST must be a whole number from 1 to 1000, got "seven"/],
  ['KEEP_LAST', '0', () => pruneCopies(copy), /KEEP_LAST must be a whole number from 1 to 1000, got "0"/],
  ['MAX_AGE_DAYS', '30.5', () => pruneCopies(copy), /MAX_AGE_DAYS must be a whole number from 1 to 3650/],
  ['EXPORT_RETENTION_DAYS', '-1', () => registerCatalog({} as never), /EXPORT_RETENTION_DAYS must be a whole number from 1 to 3650/],
  ['SWEEP_AFTER_HOURS', '', () => sweepTemporary(), /SWEEP_AFTER_HOURS is not set/],
  ['COPY_DESTINATIONS', 'eu-central-1', () => planCopies({ snapshotArn: copy.sourceArn }), /COPY_DESTINATIONS is not JSON/],
  ['COPIED_DATABASES', '[{"databaseIdentifier":"orders-db","kind":"aurora"}]', () => reportRecoveryPoints(), /COPIED_DATABASES must be a list of/],
  ['EXPORT_PRICE', '{"usdPerGB":"0.01"}', () => reportExport({ outcome: 'failed', state: {} }), /EXPORT_PRICE must be \{"usdPerGB": number/],
  ['EXPORT_SCOPES', '["shop"]', () => resolveSnapshot({ databaseIdentifier: 'orders-db', kind: 'instance' }), /EXPORT_SCOPES must be a JSON object of lists/],
  ['RESTORE_SETTINGS', '{"engineVersions":{}}', () => serverlessDetour({ step: 'restore', snapshot: {} as never, executionArn: 'x' }), /RESTORE_SETTINGS must be/],
  ['WATCHED_DATABASES', '{}', () => startWorkflow({}), /WATCHED_DATABASES must be a list of/],
])('%s=%p fails with InvalidInput naming it', async (name, value, run, message) => {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1', METRICS_NAMESPACE: 'snaplake/dev/dr', DESTINATION_REGIONS: '["eu-central-1"]', STATE_MACHINE_ARN: 'arn', [name]: value,
  });
  await expect(run()).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringMatching(message) });
});

test('every variable with a shape or bounds is read by a handler, through its definition', () => {
  const { readdirSync, readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
  const { join } = jest.requireActual<typeof import('node:path')>('node:path');
  const dir = join(__dirname, '..', 'src', 'handlers');
  const handlers = readdirSync(dir).map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
  for (const name of [...Object.keys(JSON_VARIABLES), ...Object.keys(INTEGER_VARIABLES)]) {
    expect(handlers).toMatch(new RegExp(`(json|Json|integer|Integer)Variable\\('${name}'\\)`));
  }
});

test('checkEnvironmentValue checks a value as its handler reads it, and leaves other variables alone', () => {
  expect(() => checkEnvironmentValue('KEEP_LAST', '7')).not.toThrow();
  expect(() => checkEnvironmentValue('KEEP_LAST', '1001')).toThrow('KEEP_LAST must be a whole number from 1 to 1000');
  expect(() => checkEnvironmentValue('DELIVERIES', '{"orders-db":{"destination":"partner","destinationPrefix":""}}')).not.toThrow();
  expect(() => checkEnvironmentValue('DELIVERIES', '{"orders-db":{"destinationPrefix":""}}')).toThrow('DELIVERIES must be');
  expect(() => checkEnvironmentValue('EXPORT_BUCKET_NAME', '')).not.toThrow();
});
