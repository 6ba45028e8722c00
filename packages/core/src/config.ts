import { ConfigError } from './errors';
import { describeValue as describe } from './values';

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
  /**
   * Accounts that already have GitHub's OIDC provider (`token.actions.githubusercontent.com`; IAM
   * allows one per account): their OIDC stack uses it instead of creating one. @default []
   */
  readonly existingOidcProviderAccounts: readonly string[];
  /**
   * The release workflow publishes `@snaplake/core` and `@snaplake/connector` to npm. Only the
   * repository that owns the `@snaplake` npm scope sets this; a company's copy keeps the default.
   * @default false
   */
  readonly publishPackages: boolean;
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
  /** Live databases Athena queries through a federated connector. */
  readonly federatedQueries: readonly FederatedQueryConfig[];
  /**
   * How exports are catalogued: `metadata` (from the export's own metadata, seconds, with history
   * tables) or `crawler` (a Glue crawler over the one export's prefix, the classic design).
   */
  readonly catalog: CatalogMode;
  /** Copies of the databases' snapshots in other regions. */
  readonly disasterRecovery?: DisasterRecoveryConfig;
  /** Export Aurora Serverless v1 snapshots through a temporary provisioned cluster. */
  readonly serverlessV1Restore?: ServerlessV1RestoreConfig;
}

export interface ServerlessV1RestoreConfig {
  /** Provisioned engine version to restore each engine to, such as `{ "aurora-postgresql": "13.12" }`. */
  readonly engineVersions: Readonly<Record<string, string>>;
  readonly subnetGroupName: string;
  readonly securityGroupIds: readonly string[];
  /** Key of the temporary cluster. @default - the snapshot's key */
  readonly kmsKeyArn?: string;
  /** The sweeper deletes temporary resources older than this whose execution has ended. @default 12 */
  readonly sweepAfterHours: number;
}

export interface DisasterRecoveryConfig {
  /** Regions that receive a copy of every snapshot, each encrypted with a key of its own. */
  readonly destinationRegions: readonly string[];
  /** Identifiers of the stage's databases whose snapshots are copied. */
  readonly databases: readonly string[];
  /** Keep the newest N copies in each region. @default 7 when maxAgeDays is not set either */
  readonly keepLast?: number;
  /** Keep copies younger than D days. */
  readonly maxAgeDays?: number;
  /** Alarm when the newest good copy in a region is older than this. @default 26 */
  readonly recoveryPointObjectiveHours: number;
  /** Cron at which a manual snapshot is made and copied (for databases whose automated snapshots are not enough). */
  readonly snapshotSchedule?: string;
}

export type CatalogMode = 'metadata' | 'crawler';

/** A live RDS database queried from Athena through the connector (see @snaplake/connector). */
export interface FederatedQueryConfig {
  /** Name of the connector's Lambda function: lowercase letters, digits, `-` and `_`. */
  readonly functionName: string;
  readonly engine: 'postgresql' | 'mysql';
  /** Database endpoint host name. */
  readonly host: string;
  /** Database port; defaults to the engine's port. */
  readonly port?: number;
  /** Database to connect to inside the server. */
  readonly databaseName: string;
  /** Name of the Secrets Manager secret with `username` and `password` of a read-only user. */
  readonly secretName: string;
  /** PostgreSQL only: the Athena catalog name (lowercase, digits, `_`); defaults to the function name with `_`. */
  readonly catalogName?: string;
  /** The VPC the connector runs in, imported by attributes (no lookup). */
  readonly vpc: ImportedVpcConfig;
  /** Create S3 and Secrets Manager endpoints for subnets with no NAT. */
  readonly createVpcEndpoints: boolean;
  /** ARN of an existing role (for example the analysts' SSO role) that may run federated queries. */
  readonly analystsRoleArn?: string;
}

export interface ImportedVpcConfig {
  readonly vpcId: string;
  readonly vpcCidrBlock: string;
  readonly availabilityZones: readonly string[];
  /** Private subnets, one per availability zone, in the same order. */
  readonly privateSubnetIds: readonly string[];
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
  /** Copy each complete export into a partner's bucket. */
  readonly delivery?: DeliveryConfig;
}

export interface DeliveryConfig {
  /** The partner's bucket name, or an S3 access point ARN (any region). */
  readonly destination: string;
  /** Prefix in the destination; each export lands under `<prefix>/<export task id>/`. */
  readonly prefix: string;
  /** The partner's KMS key for SSE-KMS, when its bucket requires one. */
  readonly kmsKeyArn?: string;
  /** The destination enforces bucket-owner ownership (no ACL is sent). @default false */
  readonly bucketOwnerEnforced: boolean;
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
const CATALOG_NAME = /^[a-z0-9_]{1,127}$/;
const FUNCTION_NAME = /^[a-z0-9-_]{1,64}$/;
const HOST_NAME = /^[A-Za-z0-9.-]{1,253}$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const AVAILABILITY_ZONE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d[a-z]$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const DESTINATION = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]|arn:aws[a-z-]*:s3:[a-z0-9-]+:\d{12}:accesspoint\/[a-z0-9-]+)$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

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
    github: root.github === undefined ? undefined : parseGithub(root.github, 'github', stages),
    stages,
  };
}

function parseGithub(raw: unknown, field: string, stages: readonly StageConfig[]): GithubConfig {
  const github = objectAt(raw, field);
  const accounts = new Set(stages.map((stage) => stage.account));
  const existingOidcProviderAccounts = arrayAt(github.existingOidcProviderAccounts ?? [], `${field}.existingOidcProviderAccounts`).map((account, i) => {
    const at = `${field}.existingOidcProviderAccounts[${i}]`;
    const id = stringAt(account, at, ACCOUNT, 'a 12-digit AWS account id (as a string)');
    if (!accounts.has(id)) throw new ConfigError(at, `account ${id} is not the account of any stage (${[...accounts].join(', ')})`);
    return id;
  });
  return {
    owner: stringAt(github.owner, `${field}.owner`, GITHUB_NAME, 'a GitHub user or organisation name'),
    repository: stringAt(github.repository, `${field}.repository`, GITHUB_NAME, 'a GitHub repository name'),
    existingOidcProviderAccounts,
    publishPackages: booleanAt(github.publishPackages ?? false, `${field}.publishPackages`),
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
    federatedQueries: arrayAt(stage.federatedQueries ?? [], `${field}.federatedQueries`)
      .map((fq, i) => parseFederatedQuery(fq, `${field}.federatedQueries[${i}]`)),
    catalog: oneOf(stage.catalog ?? 'metadata', `${field}.catalog`, ['metadata', 'crawler'] as const),
    serverlessV1Restore: stage.serverlessV1Restore === undefined ? undefined : parseServerlessRestore(stage.serverlessV1Restore, `${field}.serverlessV1Restore`),
    disasterRecovery: stage.disasterRecovery === undefined
      ? undefined
      : parseDisasterRecovery(stage.disasterRecovery, `${field}.disasterRecovery`, databases, stage.region),
  };
}

function parseDisasterRecovery(raw: unknown, field: string, databases: readonly DatabaseConfig[], sourceRegion: unknown): DisasterRecoveryConfig {
  const dr = objectAt(raw, field);
  const destinationRegions = arrayAt(dr.destinationRegions, `${field}.destinationRegions`)
    .map((region, i) => stringAt(region, `${field}.destinationRegions[${i}]`, REGION, 'an AWS region such as eu-central-1'));
  if (destinationRegions.length === 0) throw new ConfigError(`${field}.destinationRegions`, 'at least one destination region is required');
  destinationRegions.forEach((region, i) => {
    if (region === sourceRegion) throw new ConfigError(`${field}.destinationRegions[${i}]`, `${region} is the stage's own region; a copy must go elsewhere`);
  });
  const known = new Set(databases.map((d) => d.identifier));
  const copied = arrayAt(dr.databases, `${field}.databases`).map((id, i) => {
    const identifier = stringAt(id, `${field}.databases[${i}]`, DB_IDENTIFIER, 'a database identifier of this stage');
    if (!known.has(identifier)) throw new ConfigError(`${field}.databases[${i}]`, `'${identifier}' is not one of the stage's databases (${[...known].join(', ') || 'none'})`);
    return identifier;
  });
  const keepLast = dr.keepLast === undefined ? undefined : integerAt(dr.keepLast, `${field}.keepLast`, 1, 1000);
  const maxAgeDays = dr.maxAgeDays === undefined ? undefined : integerAt(dr.maxAgeDays, `${field}.maxAgeDays`, 1, 3650);
  return {
    destinationRegions,
    databases: copied,
    keepLast: keepLast ?? (maxAgeDays === undefined ? 7 : undefined),
    maxAgeDays,
    recoveryPointObjectiveHours: integerAt(dr.recoveryPointObjectiveHours ?? 26, `${field}.recoveryPointObjectiveHours`, 1, 24 * 365),
    snapshotSchedule: dr.snapshotSchedule === undefined
      ? undefined
      : stringAt(dr.snapshotSchedule, `${field}.snapshotSchedule`, CRON, 'an EventBridge cron expression such as cron(0 2 * * ? *)'),
  };
}

function parseServerlessRestore(raw: unknown, field: string): ServerlessV1RestoreConfig {
  const restore = objectAt(raw, field);
  const versions = objectAt(restore.engineVersions, `${field}.engineVersions`);
  const engineVersions = Object.fromEntries(Object.entries(versions).map(([engine, version]) => {
    oneOf(engine, `${field}.engineVersions`, ['aurora-postgresql', 'aurora-mysql'] as const);
    return [engine, stringAt(version, `${field}.engineVersions.${engine}`, /^\d+(\.[\w-]+)+$/, 'an engine version such as 13.12')];
  }));
  if (Object.keys(engineVersions).length === 0) throw new ConfigError(`${field}.engineVersions`, 'give the provisioned version to restore at least one engine to');
  return {
    engineVersions,
    subnetGroupName: stringAt(restore.subnetGroupName, `${field}.subnetGroupName`, /^[a-zA-Z0-9 ._-]{1,255}$/, 'a DB subnet group name'),
    securityGroupIds: arrayAt(restore.securityGroupIds, `${field}.securityGroupIds`)
      .map((id, i) => stringAt(id, `${field}.securityGroupIds[${i}]`, /^sg-[0-9a-f]{8,17}$/, 'a security group id such as sg-0123abcd')),
    kmsKeyArn: restore.kmsKeyArn === undefined
      ? undefined
      : stringAt(restore.kmsKeyArn, `${field}.kmsKeyArn`, /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-f0-9-]+$/, 'a KMS key ARN'),
    sweepAfterHours: integerAt(restore.sweepAfterHours ?? 12, `${field}.sweepAfterHours`, 1, 24 * 30),
  };
}

function parseFederatedQuery(raw: unknown, field: string): FederatedQueryConfig {
  const fq = objectAt(raw, field);
  const engine = oneOf(fq.engine, `${field}.engine`, ['postgresql', 'mysql'] as const);
  const catalogName = fq.catalogName === undefined
    ? undefined
    : stringAt(fq.catalogName, `${field}.catalogName`, CATALOG_NAME, 'lowercase letters, digits and _');
  if (catalogName !== undefined && engine === 'mysql') {
    throw new ConfigError(`${field}.catalogName`, "cannot be used with mysql: the MySQL connector is queried as 'lambda:<functionName>'");
  }
  const vpc = objectAt(fq.vpc, `${field}.vpc`);
  const availabilityZones = arrayAt(vpc.availabilityZones, `${field}.vpc.availabilityZones`)
    .map((az, i) => stringAt(az, `${field}.vpc.availabilityZones[${i}]`, AVAILABILITY_ZONE, 'an availability zone such as eu-west-1a'));
  const privateSubnetIds = arrayAt(vpc.privateSubnetIds, `${field}.vpc.privateSubnetIds`)
    .map((id, i) => stringAt(id, `${field}.vpc.privateSubnetIds[${i}]`, SUBNET_ID, 'a subnet id such as subnet-0123abcd'));
  if (privateSubnetIds.length === 0 || privateSubnetIds.length !== availabilityZones.length) {
    throw new ConfigError(`${field}.vpc.privateSubnetIds`, `expected one subnet per availability zone (${availabilityZones.length}), got ${privateSubnetIds.length}`);
  }
  return {
    functionName: stringAt(fq.functionName, `${field}.functionName`, FUNCTION_NAME, '1-64 lowercase letters, digits, - and _'),
    engine,
    host: stringAt(fq.host, `${field}.host`, HOST_NAME, 'a host name'),
    port: fq.port === undefined ? undefined : integerAt(fq.port, `${field}.port`, 1, 65535),
    databaseName: stringAt(fq.databaseName, `${field}.databaseName`, /^.{1,128}$/, 'a database name'),
    secretName: stringAt(fq.secretName, `${field}.secretName`, SECRET_NAME, 'a Secrets Manager secret name (not an ARN)'),
    catalogName,
    vpc: {
      vpcId: stringAt(vpc.vpcId, `${field}.vpc.vpcId`, VPC_ID, 'a VPC id such as vpc-0123abcd'),
      vpcCidrBlock: stringAt(vpc.vpcCidrBlock, `${field}.vpc.vpcCidrBlock`, CIDR, 'an IPv4 CIDR block such as 10.0.0.0/16'),
      availabilityZones,
      privateSubnetIds,
    },
    createVpcEndpoints: booleanAt(fq.createVpcEndpoints ?? false, `${field}.createVpcEndpoints`),
    analystsRoleArn: fq.analystsRoleArn === undefined
      ? undefined
      : stringAt(fq.analystsRoleArn, `${field}.analystsRoleArn`, ROLE_ARN, 'an IAM role ARN'),
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
    delivery: db.delivery === undefined ? undefined : parseDelivery(db.delivery, `${field}.delivery`),
  };
}

function parseDelivery(raw: unknown, field: string): DeliveryConfig {
  const delivery = objectAt(raw, field);
  return {
    destination: stringAt(delivery.destination, `${field}.destination`, DESTINATION, 'a bucket name (not s3://...) or an S3 access point ARN'),
    prefix: stringAt(delivery.prefix ?? '', `${field}.prefix`, /^[A-Za-z0-9!_.*'()/-]{0,512}$/, 'an S3 key prefix'),
    kmsKeyArn: delivery.kmsKeyArn === undefined ? undefined : stringAt(delivery.kmsKeyArn, `${field}.kmsKeyArn`, /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-f0-9-]+$/, 'a KMS key ARN'),
    bucketOwnerEnforced: booleanAt(delivery.bucketOwnerEnforced ?? false, `${field}.bucketOwnerEnforced`),
  };
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
