import { ConfigError } from './errors';

/** What snaplake deploys, per stage. Loaded from JSON and checked by {@link parseSnaplakeConfig}. */
export interface SnaplakeConfig {
  /** Prefix of every resource name, lowercase letters, digits and hyphens. */
  readonly project: string;
  /** The GitHub repository that deploys the stages (OIDC trust). */
  readonly github?: GithubConfig;
  /** The deployment stages in promotion order, such as dev, staging, prod. */
  readonly stages: readonly StageConfig[];
}

export interface GithubConfig {
  readonly owner: string;
  readonly repository: string;
}

export interface StageConfig {
  /** Lowercase name, also the GitHub environment: `dev`, `staging`, `prod`. */
  readonly name: string;
  /** 12-digit AWS account id. */
  readonly account: string;
  /** AWS region, such as `eu-west-1`. */
  readonly region: string;
  /** Databases whose snapshots are exported. */
  readonly databases: readonly DatabaseConfig[];
  /** Days an export stays in S3 (and in the history table) before it expires. */
  readonly exportRetentionDays: number;
  /** Addresses subscribed to the stage's notification topic. */
  readonly notificationEmails: readonly string[];
}

export type DatabaseKind = 'instance' | 'cluster';
export type DatabaseEngine = 'postgres' | 'mysql';
/** `every-snapshot` exports each snapshot as it is created; `schedule` exports the latest one on a cron. */
export type ExportTrigger = 'every-snapshot' | 'schedule';

export interface DatabaseConfig {
  /** DB instance identifier or Aurora cluster identifier. */
  readonly identifier: string;
  readonly kind: DatabaseKind;
  readonly engine: DatabaseEngine;
  readonly trigger: ExportTrigger;
  /** EventBridge cron expression, such as `cron(0 4 * * ? *)`; required when trigger is `schedule`. */
  readonly schedule?: string;
  /** Also export AWS Backup snapshots (`awsbackup:` ids). */
  readonly includeAwsBackupSnapshots: boolean;
}

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const STAGE_NAME = /^[a-z][a-z0-9]{0,15}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
// RDS identifiers: a letter, then letters, digits and single hyphens, not ending with a hyphen.
const DB_IDENTIFIER = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;
const GITHUB_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * Checks a raw configuration (parsed JSON) and returns it typed.
 * @throws ConfigError naming the first invalid field, such as `stages[1].account`.
 */
export function parseSnaplakeConfig(raw: unknown): SnaplakeConfig {
  const root = objectAt(raw, 'config');
  const stages = arrayAt(root.stages, 'stages').map((stage, i) => parseStage(stage, `stages[${i}]`));
  if (stages.length === 0) throw new ConfigError('stages', 'at least one stage is required');
  const seen = new Set<string>();
  stages.forEach((stage, i) => {
    if (seen.has(stage.name)) throw new ConfigError(`stages[${i}].name`, `stage '${stage.name}' is defined twice`);
    seen.add(stage.name);
  });
  return {
    project: stringAt(root.project, 'project', NAME, 'lowercase letters, digits and hyphens, starting with a letter, at most 32 characters'),
    github: root.github === undefined ? undefined : parseGithub(root.github, 'github'),
    stages,
  };
}

function parseGithub(raw: unknown, field: string): GithubConfig {
  const github = objectAt(raw, field);
  return {
    owner: stringAt(github.owner, `${field}.owner`, GITHUB_NAME, 'a GitHub user or organisation name'),
    repository: stringAt(github.repository, `${field}.repository`, GITHUB_NAME, 'a GitHub repository name'),
  };
}

function parseStage(raw: unknown, field: string): StageConfig {
  const stage = objectAt(raw, field);
  const databases = arrayAt(stage.databases ?? [], `${field}.databases`).map((db, i) => parseDatabase(db, `${field}.databases[${i}]`));
  const identifiers = new Set<string>();
  databases.forEach((db, i) => {
    if (identifiers.has(db.identifier)) {
      throw new ConfigError(`${field}.databases[${i}].identifier`, `database '${db.identifier}' is listed twice`);
    }
    identifiers.add(db.identifier);
  });
  return {
    name: stringAt(stage.name, `${field}.name`, STAGE_NAME, 'lowercase letters and digits, starting with a letter, at most 16 characters'),
    account: stringAt(stage.account, `${field}.account`, ACCOUNT, 'a 12-digit AWS account id (as a string)'),
    region: stringAt(stage.region, `${field}.region`, REGION, 'an AWS region such as eu-west-1'),
    databases,
    exportRetentionDays: integerAt(stage.exportRetentionDays ?? 30, `${field}.exportRetentionDays`, 1, 3650),
    notificationEmails: arrayAt(stage.notificationEmails ?? [], `${field}.notificationEmails`)
      .map((email, i) => stringAt(email, `${field}.notificationEmails[${i}]`, EMAIL, 'an email address')),
  };
}

function parseDatabase(raw: unknown, field: string): DatabaseConfig {
  const db = objectAt(raw, field);
  const trigger = oneOf(db.trigger ?? 'every-snapshot', `${field}.trigger`, ['every-snapshot', 'schedule'] as const);
  const schedule = db.schedule === undefined
    ? undefined
    : stringAt(db.schedule, `${field}.schedule`, CRON, 'an EventBridge cron expression such as cron(0 4 * * ? *)');
  if (trigger === 'schedule' && schedule === undefined) {
    throw new ConfigError(`${field}.schedule`, "required when trigger is 'schedule'");
  }
  return {
    identifier: stringAt(db.identifier, `${field}.identifier`, DB_IDENTIFIER,
      'an RDS identifier: 1-63 letters, digits and single hyphens, starting with a letter, not ending with a hyphen'),
    kind: oneOf(db.kind, `${field}.kind`, ['instance', 'cluster'] as const),
    engine: oneOf(db.engine, `${field}.engine`, ['postgres', 'mysql'] as const),
    trigger,
    schedule,
    includeAwsBackupSnapshots: booleanAt(db.includeAwsBackupSnapshots ?? false, `${field}.includeAwsBackupSnapshots`),
  };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(field, `expected an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function arrayAt(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new ConfigError(field, `expected an array, got ${describe(value)}`);
  return value;
}

function stringAt(value: unknown, field: string, pattern: RegExp, expected: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new ConfigError(field, `expected ${expected}, got ${describe(value)}`);
  }
  return value;
}

function integerAt(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `expected a whole number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

function booleanAt(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(field, `expected true or false, got ${describe(value)}`);
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(field, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}
