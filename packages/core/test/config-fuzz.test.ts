import fc from 'fast-check';
import { ConfigError } from '../src';
import { parseSnaplakeConfig } from '../src/config';

const valid = {
  project: 'snaplake',
  github: { owner: 'acme', repository: 'lake' },
  stages: [{
    name: 'prod',
    account: '333333333333',
    region: 'eu-west-1',
    exportRetentionDays: 30,
    notificationEmails: ['a@example.com'],
    databases: [{
      identifier: 'orders-db', kind: 'instance', engine: 'postgres', trigger: 'schedule', schedule: 'cron(0 4 * * ? *)', exportOnly: ['shop.public.orders', 'crm'], maxExportAgeHours: 30,
    }],
    exportPricePerGB: { usdPerGB: 0.012, asOf: '2026-11-01' },
    federatedQueries: [{
      functionName: 'orders-live',
      engine: 'postgresql',
      host: 'db.example.com',
      databaseName: 'orders',
      secretName: 's',
      vpc: { vpcId: 'vpc-0123abcd', vpcCidrBlock: '10.0.0.0/16', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-0123abcd'] },
    }],
    disasterRecovery: { destinationRegions: ['eu-central-1'], databases: ['orders-db'], keepLast: 3 },
  }],
};

/** Every path to a value inside the valid config, so a property can replace any one of them. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (typeof value === 'object' && value !== null) return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return [prefix];
}

function replaced(path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(valid) as any;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path.at(-1)!] = replacement;
  return copy;
}

const parsesOrNamesTheField = (raw: unknown) => {
  try {
    parseSnaplakeConfig(raw);
    return true;
  } catch (error) {
    return error instanceof ConfigError && error.field.length > 0 && error.message.startsWith(`${error.field}: `);
  }
};

test('the valid base config parses', () => {
  expect(() => parseSnaplakeConfig(valid)).not.toThrow();
});

test('property: any value anywhere in a config parses or fails with a ConfigError naming the field, never a TypeError', () => {
  const allPaths = paths(valid);
  const anyValue = fc.anything({ maxDepth: 3, withNullPrototype: true });
  fc.assert(fc.property(fc.constantFrom(...allPaths), anyValue, (path, value) => parsesOrNamesTheField(replaced(path, value))), { numRuns: 10_000 });
});

test('an object without a prototype where a list belongs is named, not a TypeError (zod throws on its length)', () => {
  const notAList = { length: Object.create(null) };
  expect(() => parseSnaplakeConfig(replaced(['stages'], notAList))).toThrow(ConfigError);
  expect(() => parseSnaplakeConfig(replaced(['stages'], notAList))).toThrow(/^stages: /);
  expect(() => parseSnaplakeConfig(replaced(['stages', 0, 'disasterRecovery', 'destinationRegions'], notAList)))
    .toThrow(/^stages\[0\]\.disasterRecovery\.destinationRegions: /);
});

test('property: arbitrary JSON as a whole config fails with a ConfigError', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (raw) => parsesOrNamesTheField(raw)), { numRuns: 2_000 });
});
