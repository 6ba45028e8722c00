import { SETTING_BOUNDS } from '../src';
import { configErrorOf, oneDatabaseConfig } from './config-fixtures';
import { parseSnaplakeConfig } from '../src/config';

// The functions refuse an environment value outside SETTING_BOUNDS; the config must accept exactly
// the same range, or a stage that validates would deploy functions that fail on every run.

const restore = { engineVersions: { 'aurora-postgresql': '13.12' }, subnetGroupName: 'private', securityGroupIds: ['sg-0123abcd'] };
const dr = { destinationRegions: ['eu-central-1'], databases: ['orders-db'] };
const settings: Record<keyof typeof SETTING_BOUNDS, { stage: (value: number) => Record<string, unknown>; field: string }> = {
  keepLast: { stage: (keepLast) => ({ disasterRecovery: { ...dr, keepLast } }), field: 'stages[0].disasterRecovery.keepLast' },
  maxAgeDays: { stage: (maxAgeDays) => ({ disasterRecovery: { ...dr, maxAgeDays } }), field: 'stages[0].disasterRecovery.maxAgeDays' },
  exportRetentionDays: { stage: (exportRetentionDays) => ({ exportRetentionDays }), field: 'stages[0].exportRetentionDays' },
  sweepAfterHours: { stage: (sweepAfterHours) => ({ serverlessV1Restore: { ...restore, sweepAfterHours } }), field: 'stages[0].serverlessV1Restore.sweepAfterHours' },
};

test.each(Object.entries(settings))('the config accepts %s from its min to its max and nothing beyond', (name, { stage, field }) => {
  const { min, max } = SETTING_BOUNDS[name as keyof typeof SETTING_BOUNDS];
  for (const value of [min, max]) expect(() => parseSnaplakeConfig(oneDatabaseConfig({}, stage(value)))).not.toThrow();
  for (const value of [min - 1, max + 1]) expect(configErrorOf(oneDatabaseConfig({}, stage(value))).field).toBe(field);
});
