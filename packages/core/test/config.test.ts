import { ConfigError } from '../src';
import { configErrorOf as errorOf, validConfig } from './config-fixtures';
import { parseSnaplakeConfig } from '../src/config';

describe('parseSnaplakeConfig', () => {
  test('a database identifier with upper case is rejected: RDS names it in lower case, so no event would ever match (issue 14)', () => {
    const raw = validConfig();
    raw.stages[0]!.databases[0]!.identifier = 'Orders-DB';
    const error = errorOf(raw);
    expect(error.field).toBe('stages[0].databases[0].identifier');
    expect(error.message).toMatch(/in lower case/);
  });

  test('returns a valid config with defaults filled in', () => {
    const config = parseSnaplakeConfig(validConfig());
    expect(config.stages.map((s) => s.name)).toEqual(['dev', 'prod']);
    expect(config.stages[0]!.exportRetentionDays).toBe(30);
    expect(config.stages[0]!.catalog).toBe('metadata');
    expect(config.stages[0]!.databases[0]).toEqual({
      identifier: 'orders-db',
      kind: 'instance',
      engine: 'postgres',
      trigger: 'every-snapshot',
      schedule: undefined,
      includeAwsBackupSnapshots: false,
      delivery: undefined,
    });
    expect(config.stages[1]!.databases[0]!.schedule).toBe('cron(0 4 * * ? *)');
    // A company's copy of the repository creates its own OIDC providers and publishes nothing.
    expect(config.github).toEqual({ owner: 'acme', repository: 'data-lake', existingOidcProviderAccounts: [], publishPackages: false });
  });

  test('names the accounts whose GitHub OIDC provider already exists, and asks to publish', () => {
    const raw = validConfig() as any;
    raw.github = { ...raw.github, existingOidcProviderAccounts: ['222222222222'], publishPackages: true };
    expect(parseSnaplakeConfig(raw).github).toMatchObject({ existingOidcProviderAccounts: ['222222222222'], publishPackages: true });
  });

  test.each([
    ['an account that is not 12 digits', (c: any) => { c.stages[1].account = 2222; }, 'stages[1].account', 'expected a 12-digit AWS account id (as a string), got number 2222'],
    ['an unknown engine', (c: any) => { c.stages[0].databases[0].engine = 'oracle'; }, 'stages[0].databases[0].engine', "expected one of 'postgres', 'mysql', got \"oracle\""],
    ['a schedule trigger without a schedule', (c: any) => { delete c.stages[1].databases[0].schedule; }, 'stages[1].databases[0].schedule', "required when trigger is 'schedule'"],
    ['an identifier with a double hyphen', (c: any) => { c.stages[0].databases[0].identifier = 'orders--db'; }, 'stages[0].databases[0].identifier', 'expected an RDS identifier'],
    ['a retention of zero days', (c: any) => { c.stages[0].exportRetentionDays = 0; }, 'stages[0].exportRetentionDays', 'expected a whole number from 1 to 3650'],
    ['a duplicate stage', (c: any) => { c.stages[1].name = 'dev'; }, 'stages[1].name', "stage 'dev' is defined twice"],
    ['an uppercase stage name', (c: any) => { c.stages[0].name = 'Dev'; }, 'stages[0].name', 'expected lowercase letters and digits'],
    ['a region that does not exist in that form', (c: any) => { c.stages[0].region = 'Ireland'; }, 'stages[0].region', 'expected an AWS region'],
    ['stages that are not an array', (c: any) => { c.stages = {}; }, 'stages', 'expected an array, got an object'],
    ['no stages', (c: any) => { c.stages = []; }, 'stages', 'at least one stage is required'],
    ['an unknown catalog mode', (c: any) => { c.stages[0].catalog = 'athena'; }, 'stages[0].catalog', "expected one of 'metadata', 'crawler', got \"athena\""],
    ['an OIDC provider account that is not 12 digits', (c: any) => { c.github.existingOidcProviderAccounts = ['1111']; }, 'github.existingOidcProviderAccounts[0]', 'expected a 12-digit AWS account id'],
    ['an OIDC provider account no stage uses', (c: any) => { c.github.existingOidcProviderAccounts = ['333333333333']; }, 'github.existingOidcProviderAccounts[0]', 'account 333333333333 is not the account of any stage (111111111111, 222222222222)'],
    ['publishPackages that is not a boolean', (c: any) => { c.github.publishPackages = 'yes'; }, 'github.publishPackages', 'expected true or false'],
    ['a database listed twice', (c: any) => { c.stages[0].databases.push({ ...c.stages[0].databases[0] }); }, 'stages[0].databases[1].identifier', "database 'orders-db' is listed twice"],
  ])('rejects %s, naming the field', (_case, mutate, field, message) => {
    const config = validConfig();
    mutate(config);
    const error = errorOf(config);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`${field}: ${message}`);
  });

  test.each([
    ['a misspelt stage field', (c: any) => { c.stages[1].exportRetentionDay = 90; }, 'stages[1].exportRetentionDay', "unknown field; did you mean 'exportRetentionDays'?"],
    ['a field in the wrong case', (c: any) => { c.stages[0].disasterRecovery = { destinationRegions: ['eu-central-1'], databases: [], keeplast: 3 }; },
      'stages[0].disasterRecovery.keeplast', "unknown field; did you mean 'keepLast'?"],
    ['a misspelt top-level field', (c: any) => { c.projet = 'x'; }, 'projet', "unknown field; did you mean 'project'?"],
    ['a field far from any known one', (c: any) => { c.stages[0].databases[0].owner = 'me'; }, 'stages[0].databases[0].owner', "unknown field; the known fields here are 'identifier', 'kind'"],
    ['a region the CDK does not know', (c: any) => { c.stages[0].region = 'eu-west-9'; }, 'stages[0].region', 'expected an AWS region such as eu-west-1, got "eu-west-9"'],
    ['a DR region the CDK does not know', (c: any) => { c.stages[0].disasterRecovery = { destinationRegions: ['eu-central-3'], databases: [] }; },
      'stages[0].disasterRecovery.destinationRegions[0]', 'expected an AWS region such as eu-west-1, got "eu-central-3"'],
  ])('rejects %s, naming the field and what was meant', (_case, mutate, field, message) => {
    const config = validConfig();
    mutate(config);
    const error = errorOf(config);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`${field}: ${message}`);
  });

  test('accepts every region of the generated list, and a $schema reference', () => {
    for (const region of ['us-east-1', 'ap-southeast-5', 'cn-north-1', 'us-gov-west-1']) {
      const config = validConfig() as any;
      config.$schema = './packages/core/snaplake.config.schema.json';
      config.stages[0].region = region;
      expect(parseSnaplakeConfig(config).stages[0]!.region).toBe(region);
    }
  });

  test.each([null, undefined, 42, 'config', []])('rejects %p as a whole config without a TypeError', (raw) => {
    expect(() => parseSnaplakeConfig(raw)).toThrow(ConfigError);
  });
});

describe('federated queries', () => {
  const vpc = { vpcId: 'vpc-0123abcd', vpcCidrBlock: '10.0.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'] };
  const withFederatedQuery = (fq: Record<string, unknown>) => {
    const config = validConfig() as any;
    config.stages[0].federatedQueries = [{
      functionName: 'orders-live',
      engine: 'postgresql',
      host: 'orders.abc.eu-west-1.rds.amazonaws.com',
      databaseName: 'orders',
      secretName: 'athena/orders-readonly',
      vpc: { vpcId: 'vpc-0123abcd', vpcCidrBlock: '10.0.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'] },
      ...fq,
    }];
    return config;
  };

  test('a connector config is read with defaults', () => {
    const fq = parseSnaplakeConfig(withFederatedQuery({})).stages[0]!.federatedQueries[0]!;
    expect(fq).toMatchObject({ functionName: 'orders-live', engine: 'postgresql', createVpcEndpoints: false });
    expect(fq.catalogName).toBeUndefined();
    expect(fq.port).toBeUndefined();
  });

  test.each([
    [{ secretName: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x' }, 'stages[0].federatedQueries[0].secretName'],
    [{ engine: 'mysql', catalogName: 'orders' }, 'stages[0].federatedQueries[0].catalogName'],
    [{ catalogName: 'orders-live' }, 'stages[0].federatedQueries[0].catalogName'],
    [{ vpc: { vpcId: 'vpc-0123abcd', vpcCidrBlock: '10.0.0.0/16', availabilityZones: ['eu-west-1a'], privateSubnetIds: [] } }, 'stages[0].federatedQueries[0].vpc.privateSubnetIds'],
    [{ createVpcEndpoints: true }, 'stages[0].federatedQueries[0].vpc.privateSubnetRouteTableIds'],
    [{ vpc: { ...vpc, privateSubnetRouteTableIds: ['rtb-0123abcd'] } }, 'stages[0].federatedQueries[0].vpc.privateSubnetRouteTableIds'],
    [{ vpc: { ...vpc, privateSubnetRouteTableIds: ['rtb-0123abcd', 'subnet-4567ef01'] } }, 'stages[0].federatedQueries[0].vpc.privateSubnetRouteTableIds[1]'],
  ])('rejects %p naming %s', (fq, field) => {
    expect(errorOf(withFederatedQuery(fq)).field).toBe(field);
  });

  test('createVpcEndpoints names the route tables it needs, and takes one per subnet', () => {
    expect(errorOf(withFederatedQuery({ createVpcEndpoints: true })).message).toMatch(/required with createVpcEndpoints: the S3 gateway endpoint is a route/);
    const fq = parseSnaplakeConfig(withFederatedQuery({ createVpcEndpoints: true, vpc: { ...vpc, privateSubnetRouteTableIds: ['rtb-0123abcd', 'rtb-4567ef01'] } }))
      .stages[0]!.federatedQueries[0]!;
    expect(fq.vpc.privateSubnetRouteTableIds).toEqual(['rtb-0123abcd', 'rtb-4567ef01']);
  });
});

describe('disaster recovery', () => {
  const withDr = (dr: Record<string, unknown>) => {
    const config = validConfig() as any;
    config.stages[0].disasterRecovery = { destinationRegions: ['eu-central-1'], databases: ['orders-db'], ...dr };
    return config;
  };

  test('defaults: keep the newest 7 copies, 26 h recovery point objective', () => {
    expect(parseSnaplakeConfig(withDr({})).stages[0]!.disasterRecovery).toEqual({
      destinationRegions: ['eu-central-1'], databases: ['orders-db'], keepLast: 7, maxAgeDays: undefined, recoveryPointObjectiveHours: 26, snapshotSchedule: undefined,
    });
    expect(parseSnaplakeConfig(withDr({ maxAgeDays: 35 })).stages[0]!.disasterRecovery).toMatchObject({ keepLast: undefined, maxAgeDays: 35 });
  });

  test.each([
    [{ destinationRegions: ['eu-west-1'] }, 'stages[0].disasterRecovery.destinationRegions[0]', "eu-west-1 is the stage's own region"],
    [{ destinationRegions: [] }, 'stages[0].disasterRecovery.destinationRegions', 'at least one destination region'],
    [{ databases: ['billing'] }, 'stages[0].disasterRecovery.databases[0]', "'billing' is not one of the stage's databases (orders-db)"],
    [{ keepLast: 0 }, 'stages[0].disasterRecovery.keepLast', 'expected a whole number from 1 to 1000'],
  ])('rejects %p naming the field', (dr, field, message) => {
    const error = errorOf(withDr(dr));
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });
});

describe('delivery', () => {
  test('a partner bucket or access point, with defaults', () => {
    const config = validConfig() as any;
    config.stages[0].databases[0].delivery = { destination: 'partner-lake', prefix: 'from-acme' };
    expect(parseSnaplakeConfig(config).stages[0]!.databases[0]!.delivery).toEqual({ destination: 'partner-lake', prefix: 'from-acme', kmsKeyArn: undefined, bucketOwnerEnforced: false });
  });

  test('a destination given as a URL names the field', () => {
    const config = validConfig() as any;
    config.stages[0].databases[0].delivery = { destination: 's3://partner-lake/x' };
    expect(errorOf(config).field).toBe('stages[0].databases[0].delivery.destination');
  });
});

describe('serverless v1 restore', () => {
  test('reads the restore settings with a default sweep age, and names a wrong field', () => {
    const config = validConfig() as any;
    config.stages[1].serverlessV1Restore = { engineVersions: { 'aurora-mysql': '8.0.mysql_aurora.3.05.2' }, subnetGroupName: 'private', securityGroupIds: ['sg-0123abcd'] };
    expect(parseSnaplakeConfig(config).stages[1]!.serverlessV1Restore).toEqual({
      engineVersions: { 'aurora-mysql': '8.0.mysql_aurora.3.05.2' }, subnetGroupName: 'private', securityGroupIds: ['sg-0123abcd'], kmsKeyArn: undefined, sweepAfterHours: 12,
    });
    config.stages[1].serverlessV1Restore.securityGroupIds = ['default'];
    expect(errorOf(config).field).toBe('stages[1].serverlessV1Restore.securityGroupIds[0]');
  });
});
