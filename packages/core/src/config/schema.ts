// The configuration's one definition: the validator, the TypeScript types and the JSON Schema
// (snaplake.config.schema.json) all come from the zod schemas below. To add a field, add it to its
// object here with a description, then run `npx projen config-schema` in packages/core.
import { z } from 'zod';
import { ConfigError, SnaplakeError } from '../errors';
import { DEFAULT_EXPORT_PRICE } from '../export-report';
import { parseExportOnly } from '../export-scope';
import { defaultMaxExportAgeHours, MAX_EXPORT_AGE_HOURS, schedulePeriodHours } from '../freshness';
import { SETTING_BOUNDS } from '../setting-bounds';
import { expected, flag, list, oneOf, strict, text, wholeNumber } from './fields';
import { AWS_REGIONS } from './regions';

const CRON = /^cron\(\S+( \S+){5}\)$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-f0-9-]+$/;
// RDS identifiers: a letter, then letters, digits and single hyphens, not ending with a hyphen.
// Lower case only: RDS stores identifiers in lower case and names them so in its events and ARNs, so
// `Orders-DB` would never match an event nor an IAM resource.
const DB_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/;

/** An AWS region the CDK knows (aws-cdk-lib/region-info), so that `eu-west-9` fails. */
const awsRegion = z.enum(AWS_REGIONS, expected('an AWS region such as eu-west-1')).meta({ id: 'awsRegion' });
const cron = (example: string) => text(CRON, `an EventBridge cron expression such as ${example}`);

const ACCOUNT = /^\d{12}$/;

export const githubSchema = strict({
  owner: text(/^[A-Za-z0-9_.-]{1,100}$/, 'a GitHub user or organisation name'),
  repository: text(/^[A-Za-z0-9_.-]{1,100}$/, 'a GitHub repository name'),
  existingOidcProviderAccounts: list(text(ACCOUNT, 'a 12-digit AWS account id (as a string)')).default([])
    .meta({ description: "Accounts that already have GitHub's OIDC provider (token.actions.githubusercontent.com; IAM allows one per account): their OIDC stack uses it instead of creating one." }),
  publishPackages: flag().default(false)
    .meta({ description: "The release workflow publishes @snaplake/core and @snaplake/connector to npm. Only the repository that owns the @snaplake npm scope sets this; a company's copy keeps the default." }),
}).meta({ description: 'The GitHub repository that deploys the stages (OIDC trust).' });

export const deliverySchema = strict({
  destination: text(/^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]|arn:aws[a-z-]*:s3:[a-z0-9-]+:\d{12}:accesspoint\/[a-z0-9-]+)$/,
    'a bucket name (not s3://...) or an S3 access point ARN')
    .meta({ description: "The partner's bucket name, or an S3 access point ARN (any region)." }),
  prefix: text(/^[A-Za-z0-9!_.*'()/-]{0,512}$/, 'an S3 key prefix').default('')
    .meta({ description: 'Prefix in the destination; each export lands under `<prefix>/<export task id>/`.' }),
  kmsKeyArn: text(KMS_KEY_ARN, 'a KMS key ARN').optional()
    .meta({ description: "The partner's KMS key for SSE-KMS, when its bucket requires one." }),
  bucketOwnerEnforced: flag().default(false)
    .meta({ description: 'The destination enforces bucket-owner ownership (no ACL is sent).' }),
}).meta({ description: "Copy each complete export into a partner's bucket." });

export const databaseSchema = strict({
  identifier: text(DB_IDENTIFIER, 'an RDS identifier in lower case, as RDS stores it: 1-63 lowercase letters, digits and single hyphens, starting with a letter, not ending with a hyphen')
    .meta({ description: 'DB instance identifier or Aurora cluster identifier.' }),
  kind: oneOf(['instance', 'cluster']).meta({ description: '`instance` for RDS, `cluster` for Aurora.' }),
  engine: oneOf(['postgres', 'mysql']),
  trigger: oneOf(['every-snapshot', 'schedule']).default('every-snapshot')
    .meta({ description: '`every-snapshot` exports each snapshot as it is created; `schedule` exports the latest one on a cron.' }),
  schedule: cron('cron(0 4 * * ? *)').optional()
    .meta({ description: "EventBridge cron expression, such as `cron(0 4 * * ? *)`; required when trigger is 'schedule'." }),
  includeAwsBackupSnapshots: flag().default(false).meta({ description: 'Also export AWS Backup snapshots (`awsbackup:` ids).' }),
  delivery: deliverySchema.optional(),
  exportOnly: list(z.string(expected("a name such as 'shop', 'shop.orders' or 'shop.public.orders'"))).optional()
    .meta({ description: 'Export only these (ExportOnly of StartExportTask): `database`, `database.schema`, `database.schema.table` for PostgreSQL; `database`, `database.table` for MySQL. Everything when left out.' }),
  maxExportAgeHours: wholeNumber(1, MAX_EXPORT_AGE_HOURS).optional()
    .meta({ description: "The freshness alarm fires when the newest catalogued export is older than this. Default: the trigger's period (a day for every-snapshot) plus 3 h, at most 168." }),
}).superRefine((db, ctx) => {
  if (db.trigger === 'schedule' && db.schedule === undefined) {
    ctx.addIssue({ code: 'custom', path: ['schedule'], message: "required when trigger is 'schedule'" });
  }
  // The engine decides which ExportOnly forms RDS accepts; errors name the entry, such as exportOnly[2].
  if (db.exportOnly !== undefined) reportConfigError(ctx, () => parseExportOnly(db.exportOnly, db.engine, 'exportOnly'));
  // A schedule's values are checked here too (the pattern alone lets cron(0 25 * * ? *) through).
  const schedule = db.schedule !== undefined && CRON.test(db.schedule) ? db.schedule : undefined;
  if (schedule !== undefined) reportConfigError(ctx, () => schedulePeriodHours(schedule), ['schedule']);
  if (db.maxExportAgeHours === undefined && (db.trigger === 'every-snapshot' || schedule !== undefined)) {
    reportConfigError(ctx, () => defaultMaxExportAgeHours({ trigger: db.trigger, schedule }, 'maxExportAgeHours'), ['schedule']);
  }
});

/**
 * A core check's error as a zod issue: a ConfigError at its field (`exportOnly[2]` becomes the path
 * exportOnly, 2), any other SnaplakeError at `otherwise`.
 */
function reportConfigError(ctx: z.RefinementCtx, check: () => unknown, otherwise: (string | number)[] = []): void {
  try {
    check();
  } catch (error) {
    if (error instanceof ConfigError) {
      const path = error.field.split(/[.[\]]/).filter((part) => part !== '').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
      ctx.addIssue({ code: 'custom', path, message: error.message.slice(error.field.length + 2) });
    } else if (error instanceof SnaplakeError) {
      ctx.addIssue({ code: 'custom', path: otherwise, message: error.message });
    } else {
      throw error;
    }
  }
}

export const exportPriceSchema = strict({
  usdPerGB: z.number(expected('a price in USD per GB, such as 0.01')).min(0, expected('a price >= 0')).max(10, expected('a price per GB of at most 10 USD'))
    .meta({ description: 'USD per GB of snapshot export in the stage\'s region.' }),
  asOf: text(/^\d{4}-\d{2}-\d{2}$/, 'the date the price was read, YYYY-MM-DD').meta({ description: 'When the price was read from the Amazon RDS pricing page.' }),
}).meta({ description: `Price of snapshot export, for the estimated charge of each export. Default: USD ${DEFAULT_EXPORT_PRICE.usdPerGB} per GB (us-east-1, as of ${DEFAULT_EXPORT_PRICE.asOf}).` });

export const importedVpcSchema = strict({
  vpcId: text(/^vpc-[0-9a-f]{8,17}$/, 'a VPC id such as vpc-0123abcd'),
  vpcCidrBlock: text(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'an IPv4 CIDR block such as 10.0.0.0/16'),
  availabilityZones: list(text(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d[a-z]$/, 'an availability zone such as eu-west-1a')),
  privateSubnetIds: list(text(/^subnet-[0-9a-f]{8,17}$/, 'a subnet id such as subnet-0123abcd'))
    .meta({ description: 'Private subnets, one per availability zone, in the same order.' }),
  privateSubnetRouteTableIds: list(text(/^rtb-[0-9a-f]{8,17}$/, 'a route table id such as rtb-0123abcd')).optional()
    .meta({ description: 'The route table of each private subnet, in the same order; needed by createVpcEndpoints (the S3 gateway endpoint is a route in them).' }),
}).meta({ description: 'The VPC the connector runs in, imported by attributes (no lookup).' });

export const federatedQuerySchema = strict({
  functionName: text(/^[a-z0-9-_]{1,64}$/, '1-64 lowercase letters, digits, - and _')
    .meta({ description: "Name of the connector's Lambda function." }),
  engine: oneOf(['postgresql', 'mysql']),
  host: text(/^[A-Za-z0-9.-]{1,253}$/, 'a host name').meta({ description: 'Database endpoint host name.' }),
  port: wholeNumber(1, 65535).optional().meta({ description: "Database port; defaults to the engine's port." }),
  databaseName: text(/^.{1,128}$/, 'a database name').meta({ description: 'Database to connect to inside the server.' }),
  secretName: text(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'a Secrets Manager secret name (not an ARN)')
    .meta({ description: 'Secrets Manager secret with `username` and `password` of a read-only user.' }),
  catalogName: text(/^[a-z0-9_]{1,127}$/, 'lowercase letters, digits and _').optional()
    .meta({ description: 'PostgreSQL only: the Athena catalog name; defaults to the function name with `_`.' }),
  vpc: importedVpcSchema,
  createVpcEndpoints: flag().default(false).meta({ description: 'Create S3 (gateway) and Secrets Manager (interface) endpoints for subnets with no NAT; needs vpc.privateSubnetRouteTableIds.' }),
  analystsRoleArn: text(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'an IAM role ARN').optional()
    .meta({ description: "ARN of an existing role (for example the analysts' SSO role) that may run federated queries." }),
}).superRefine((fq, ctx) => {
  if (fq.catalogName !== undefined && fq.engine === 'mysql') {
    ctx.addIssue({ code: 'custom', path: ['catalogName'], message: "cannot be used with mysql: the MySQL connector is queried as 'lambda:<functionName>'" });
  }
  const { availabilityZones, privateSubnetIds } = fq.vpc;
  if (privateSubnetIds.length === 0 || privateSubnetIds.length !== availabilityZones.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['vpc', 'privateSubnetIds'],
      message: `expected one subnet per availability zone (${availabilityZones.length}), got ${privateSubnetIds.length}`,
    });
  }
  const routeTables = fq.vpc.privateSubnetRouteTableIds;
  if (routeTables === undefined && fq.createVpcEndpoints) {
    ctx.addIssue({
      code: 'custom',
      path: ['vpc', 'privateSubnetRouteTableIds'],
      message: 'is required with createVpcEndpoints: the S3 gateway endpoint is a route in the route table of each private subnet (one rtb-... per subnet, in the same order)',
    });
  }
  if (routeTables !== undefined && routeTables.length !== privateSubnetIds.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['vpc', 'privateSubnetRouteTableIds'],
      message: `expected one route table per private subnet (${privateSubnetIds.length}), got ${routeTables.length}`,
    });
  }
}).meta({ description: 'A live RDS database queried from Athena through the connector (see @snaplake/connector).' });

export const disasterRecoverySchema = strict({
  destinationRegions: list(awsRegion).min(1, { error: 'at least one destination region is required' })
    .meta({ description: 'Regions that receive a copy of every snapshot, each encrypted with a key of its own.' }),
  databases: list(text(DB_IDENTIFIER, 'a database identifier of this stage, in lower case'))
    .meta({ description: "Identifiers of the stage's databases whose snapshots are copied." }),
  keepLast: wholeNumber(SETTING_BOUNDS.keepLast.min, SETTING_BOUNDS.keepLast.max).optional().meta({ description: 'Keep the newest N copies in each region; 7 when maxAgeDays is not set either.' }),
  maxAgeDays: wholeNumber(SETTING_BOUNDS.maxAgeDays.min, SETTING_BOUNDS.maxAgeDays.max).optional().meta({ description: 'Keep copies younger than this many days.' }),
  recoveryPointObjectiveHours: wholeNumber(1, 24 * 365).default(26)
    .meta({ description: 'Alarm when the newest good copy in a region is older than this.' }),
  snapshotSchedule: cron('cron(0 2 * * ? *)').optional()
    .meta({ description: 'Cron at which a manual snapshot is made and copied (when automated snapshots are not enough).' }),
}).transform((dr) => ({ ...dr, keepLast: dr.keepLast ?? (dr.maxAgeDays === undefined ? 7 : undefined) }))
  .meta({ description: "Copies of the databases' snapshots in other regions." });

export const serverlessV1RestoreSchema = strict({
  engineVersions: strict({
    'aurora-postgresql': text(/^\d+(\.[\w-]+)+$/, 'an engine version such as 13.12').optional(),
    'aurora-mysql': text(/^\d+(\.[\w-]+)+$/, 'an engine version such as 8.0.mysql_aurora.3.05.2').optional(),
  }).refine((versions) => Object.keys(versions).length > 0, { error: 'give the provisioned version to restore at least one engine to' })
    .meta({ description: 'Provisioned engine version to restore each engine to, such as `{ "aurora-postgresql": "13.12" }`.' }),
  subnetGroupName: text(/^[a-zA-Z0-9 ._-]{1,255}$/, 'a DB subnet group name'),
  securityGroupIds: list(text(/^sg-[0-9a-f]{8,17}$/, 'a security group id such as sg-0123abcd')),
  kmsKeyArn: text(KMS_KEY_ARN, 'a KMS key ARN').optional().meta({ description: "Key of the temporary cluster; defaults to the snapshot's key." }),
  sweepAfterHours: wholeNumber(SETTING_BOUNDS.sweepAfterHours.min, SETTING_BOUNDS.sweepAfterHours.max).default(12)
    .meta({ description: 'The sweeper deletes temporary resources older than this whose execution has ended.' }),
}).meta({ description: 'Export Aurora Serverless v1 snapshots through a temporary provisioned cluster.' });

export const stageSchema = strict({
  name: text(/^[a-z][a-z0-9]{0,15}$/, 'lowercase letters and digits, starting with a letter, at most 16 characters')
    .meta({ description: 'Lowercase name, also the GitHub environment: `dev`, `staging`, `prod`.' }),
  account: text(ACCOUNT, 'a 12-digit AWS account id (as a string)'),
  region: awsRegion,
  databases: list(databaseSchema).default([]).meta({ description: 'Databases whose snapshots are exported.' }),
  exportRetentionDays: wholeNumber(SETTING_BOUNDS.exportRetentionDays.min, SETTING_BOUNDS.exportRetentionDays.max).default(30)
    .meta({ description: 'Days an export stays in S3 (and in the history table) before it expires.' }),
  notificationEmails: list(text(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address')).default([])
    .meta({ description: "Addresses subscribed to the stage's notification topic." }),
  federatedQueries: list(federatedQuerySchema).default([]),
  catalog: oneOf(['metadata', 'crawler']).default('metadata')
    .meta({ description: "`metadata`: tables from the export's own metadata, in seconds, with history tables; `crawler`: a Glue crawler per export." }),
  disasterRecovery: disasterRecoverySchema.optional(),
  serverlessV1Restore: serverlessV1RestoreSchema.optional(),
  exportPricePerGB: exportPriceSchema.default({ ...DEFAULT_EXPORT_PRICE }),
}).superRefine((stage, ctx) => {
  const identifiers = new Set<string>();
  stage.databases.forEach((db, i) => {
    if (identifiers.has(db.identifier)) {
      ctx.addIssue({ code: 'custom', path: ['databases', i, 'identifier'], message: `database '${db.identifier}' is listed twice` });
    }
    identifiers.add(db.identifier);
  });
  const dr = stage.disasterRecovery;
  dr?.destinationRegions.forEach((destination, i) => {
    if (destination === stage.region) {
      ctx.addIssue({ code: 'custom', path: ['disasterRecovery', 'destinationRegions', i], message: `${destination} is the stage's own region; a copy must go elsewhere` });
    }
  });
  dr?.databases.forEach((identifier, i) => {
    if (!identifiers.has(identifier)) {
      const known = [...identifiers].join(', ') || 'none';
      ctx.addIssue({ code: 'custom', path: ['disasterRecovery', 'databases', i], message: `'${identifier}' is not one of the stage's databases (${known})` });
    }
  });
});

export const snaplakeConfigSchema = strict({
  $schema: z.string(expected('the path or URL of snaplake.config.schema.json')).optional()
    .meta({ description: 'The JSON Schema editors check this file against.' }),
  project: text(/^[a-z][a-z0-9-]{0,31}$/, 'lowercase letters, digits and hyphens, starting with a letter, at most 32 characters')
    .meta({ description: 'Prefix of every resource name.' }),
  github: githubSchema.optional(),
  stages: list(stageSchema).min(1, { error: 'at least one stage is required' })
    .meta({ description: 'The deployment stages in promotion order, such as dev, staging, prod.' }),
}).superRefine((config, ctx) => {
  const seen = new Set<string>();
  config.stages.forEach((stage, i) => {
    if (seen.has(stage.name)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'name'], message: `stage '${stage.name}' is defined twice` });
    seen.add(stage.name);
  });
  const accounts = new Set(config.stages.map((stage) => stage.account));
  config.github?.existingOidcProviderAccounts.forEach((account, i) => {
    if (!accounts.has(account)) {
      const message = `account ${account} is not the account of any stage (${[...accounts].join(', ')})`;
      ctx.addIssue({ code: 'custom', path: ['github', 'existingOidcProviderAccounts', i], message });
    }
  });
}).meta({ title: 'snaplake configuration', description: 'What snaplake deploys, per stage (see the root README).' });

/** What snaplake deploys, per stage: the validated config with defaults filled in. */
export type SnaplakeConfig = z.output<typeof snaplakeConfigSchema>;
export type GithubConfig = z.output<typeof githubSchema>;
export type StageConfig = z.output<typeof stageSchema>;
export type DatabaseConfig = z.output<typeof databaseSchema>;
export type DeliveryConfig = z.output<typeof deliverySchema>;
export type FederatedQueryConfig = z.output<typeof federatedQuerySchema>;
export type ImportedVpcConfig = z.output<typeof importedVpcSchema>;
export type DisasterRecoveryConfig = z.output<typeof disasterRecoverySchema>;
export type ServerlessV1RestoreConfig = z.output<typeof serverlessV1RestoreSchema>;
export type CatalogMode = StageConfig['catalog'];
export type DatabaseKind = DatabaseConfig['kind'];
export type DatabaseEngine = DatabaseConfig['engine'];
export type ExportTrigger = DatabaseConfig['trigger'];
/** The config as written in JSON, before defaults: what the JSON Schema describes. */
export type SnaplakeConfigInput = z.input<typeof snaplakeConfigSchema>;
