// The configs the config tests start from, and how they read a ConfigError: one place, so every
// test changes a known-good config in one field and checks the error names that field.
import { ConfigError } from '../src';
import { parseSnaplakeConfig } from '../src/config';

/** A valid config of two stages: dev (a PostgreSQL instance) and prod (a MySQL cluster exported on a schedule). */
export const validConfig = () => ({
  project: 'snaplake',
  github: { owner: 'acme', repository: 'data-lake' },
  stages: [
    {
      name: 'dev',
      account: '111111111111',
      region: 'eu-west-1',
      databases: [{ identifier: 'orders-db', kind: 'instance', engine: 'postgres' } as Record<string, unknown>],
    },
    {
      name: 'prod',
      account: '222222222222',
      region: 'eu-west-1',
      exportRetentionDays: 90,
      databases: [{ identifier: 'billing', kind: 'cluster', engine: 'mysql', trigger: 'schedule', schedule: 'cron(0 4 * * ? *)' } as Record<string, unknown>],
    },
  ],
});

/** A valid config of one stage (dev) and one database (a PostgreSQL instance), with fields of the database and of the stage replaced. */
export function oneDatabaseConfig(database: Record<string, unknown> = {}, stage: Record<string, unknown> = {}) {
  const { project, stages: [dev] } = validConfig();
  return { project, stages: [{ ...dev!, databases: [{ ...dev!.databases[0], ...database }], ...stage }] };
}

/** The ConfigError a config fails with; a test error when it passes or fails otherwise. */
export function configErrorOf(raw: unknown): ConfigError {
  try {
    parseSnaplakeConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
