import fc from 'fast-check';
import {
  copySnapshotIdentifier,
  drSourceSnapshotIdentifier,
  executionName,
  exportAttemptIdentifier,
  exportAttemptOf,
  exportTaskIdentifier,
  glueDatabaseName,
  glueTableNames,
  historyTableName,
  IDENTIFIER_CONSTRAINTS,
  meetsConstraint,
  queryRequestToken,
  queryResultsPrefix,
  scheduleName,
  SNAPLAKE_TAG_KEYS,
  snapshotTimePartitionValue,
  tagValue,
  temporaryResourceNames,
} from '../src';

// Valid inputs, at their extremes: what config validation and RDS let through.
const dbIdentifier = fc.stringMatching(/^[a-z](?:-?[a-z0-9]){0,62}$/).filter((s) => s.length <= 63);
const maxLengthDbIdentifier = fc.stringMatching(/^[a-z][a-z0-9]{62}$/);
const project = fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/);
const stage = fc.stringMatching(/^[a-z][a-z0-9]{0,15}$/);
const region = fc.constantFrom('eu-west-1', 'us-east-1', 'ap-southeast-2', 'us-gov-west-1', 'eu-central-1', 'cn-northwest-1');
// Automated, manual, AWS Backup and copied snapshot ids, up to RDS's 255 characters.
const snapshotIdentifier = fc.oneof(
  dbIdentifier.map((db) => `rds:${db}-2026-11-21-03-05`),
  fc.stringMatching(/^[a-z](?:-?[a-z0-9]){0,254}$/).filter((s) => s.length <= 255),
  fc.stringMatching(/^[0-9a-f-]{8,36}$/).map((job) => `awsbackup:job-${job}`),
  fc.string({ minLength: 1, maxLength: 255 }).filter((s) => s.trim() !== ''),
);
// Execution ARNs up to the longest Step Functions makes (80-character machine and execution names, long partitions).
const executionArn = fc.tuple(
  fc.constantFrom('aws', 'aws-us-gov', 'aws-cn'), region, fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/), fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/),
).map(([partition, r, machine, name]) => `arn:${partition}:states:${r}:111111111111:execution:${machine}:${name}`);
// Source table names: any Unicode (non-ASCII, spaces, dots, quotes), and ASCII names differing only in case.
const sourceName = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/),
  fc.constantFrom('注文', '"Orders"', 'orders', 'Orders', 'ORDERS', 'order-items', 'order_items', 'snapshot_time', '1st', '_'),
);
const runs = { numRuns: 500 };

describe('the identifier table', () => {
  test('names every generated identifier with a limit and where it is documented', () => {
    for (const [kind, rule] of Object.entries(IDENTIFIER_CONSTRAINTS)) {
      expect({ kind, max: rule.maxLength >= rule.minLength, documented: /https:\/\/docs\.aws\.amazon\.com\//.test(rule.documentedAt) })
        .toEqual({ kind, max: true, documented: true });
    }
  });

  test('the RDS rule rejects what RDS rejects', () => {
    for (const bad of ['1abc', 'a--b', 'abc-', 'a_b', 'rds:x', '']) expect(meetsConstraint('dbClusterIdentifier', bad)).toBe(false);
    expect(meetsConstraint('dbClusterIdentifier', 'a'.repeat(64))).toBe(false);
    expect(meetsConstraint('dbClusterIdentifier', `a${'-b'.repeat(31)}`)).toBe(true);
  });
});

describe('every generator meets its constraint for any valid input', () => {
  test('export task ids and every re-run attempt, per project and stage', () => {
    fc.assert(fc.property(snapshotIdentifier, project, stage, fc.integer({ min: 1, max: 99 }), (snapshot, p, s, attempt) => {
      const base = exportTaskIdentifier(snapshot, `${p}-${s}`);
      const id = exportAttemptIdentifier(base, attempt);
      return meetsConstraint('exportTaskIdentifier', base) && meetsConstraint('exportAttemptIdentifier', id) && exportAttemptOf(id, base) === attempt;
    }), runs);
  });

  test('two stages (or projects) never share an export id for the same snapshot (issue 14 #5)', () => {
    fc.assert(fc.property(snapshotIdentifier, project, stage, stage, (snapshot, p, s1, s2) => {
      fc.pre(s1 !== s2);
      return exportTaskIdentifier(snapshot, `${p}-${s1}`) !== exportTaskIdentifier(snapshot, `${p}-${s2}`);
    }), runs);
  });

  test('execution names', () => {
    fc.assert(fc.property(snapshotIdentifier, project, stage, (snapshot, p, s) => meetsConstraint('executionName', executionName(snapshot, `${p}-${s}`))), runs);
  });

  test('DR copy ids: 63 characters for cluster snapshots, 255 for DB snapshots', () => {
    fc.assert(fc.property(snapshotIdentifier, region, (snapshot, r) =>
      meetsConstraint('dbClusterSnapshotIdentifier', copySnapshotIdentifier(snapshot, r, 'cluster'))
      && meetsConstraint('dbSnapshotIdentifier', copySnapshotIdentifier(snapshot, r, 'instance'))), runs);
  });

  test('scheduled DR source snapshots of max-length database identifiers', () => {
    fc.assert(fc.property(fc.oneof(dbIdentifier, maxLengthDbIdentifier), fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (db, time) => {
      const cluster = drSourceSnapshotIdentifier(db, time.toISOString(), 'cluster');
      const instance = drSourceSnapshotIdentifier(db, time.toISOString(), 'instance');
      return meetsConstraint('dbClusterSnapshotIdentifier', cluster) && meetsConstraint('dbSnapshotIdentifier', instance)
        && cluster.startsWith('snaplake-dr-source-') && instance.startsWith('snaplake-dr-source-');
    }), runs);
  });

  test('temporary Serverless v1 cluster and snapshot ids, for long execution ARNs', () => {
    fc.assert(fc.property(fc.oneof(dbIdentifier, maxLengthDbIdentifier), executionArn, (cluster, arn) => {
      const names = temporaryResourceNames(cluster, arn);
      return meetsConstraint('dbClusterIdentifier', names.clusterIdentifier) && meetsConstraint('dbClusterSnapshotIdentifier', names.snapshotIdentifier)
        && names.clusterIdentifier.startsWith('snaplake-tmp-') && names.snapshotIdentifier.startsWith('snaplake-tmp-');
    }), runs);
  });

  test('schedule names, and two long query names never collide (issue 14 #14)', () => {
    const query = fc.stringMatching(/^[a-z][a-z0-9_-]{0,62}$/);
    fc.assert(fc.property(project, stage, query, query, (p, s, q1, q2) => {
      const a = scheduleName(p, s, q1);
      return meetsConstraint('scheduleName', a) && (q1 === q2 || a !== scheduleName(p, s, q2));
    }), runs);
    const long = 'daily-revenue-by-region-and-product-category-for-finance';
    expect(scheduleName('snaplake-analytics', 'production', `${long}-eu`)).not.toBe(scheduleName('snaplake-analytics', 'production', `${long}-us`));
  });

  test('Glue database names from any source database name', () => {
    fc.assert(fc.property(project, stage, fc.oneof(dbIdentifier, maxLengthDbIdentifier), sourceName, (p, s, db, database) =>
      meetsConstraint('glueDatabaseName', glueDatabaseName(`${p}_${s}`, db, database))), runs);
  });

  test('Glue table names: valid, distinct (even when they differ only in case or are not ASCII), with room for _history', () => {
    const tables = fc.uniqueArray(fc.tuple(fc.oneof(fc.constant('public'), sourceName), sourceName), { minLength: 1, maxLength: 12, selector: ([s, t]) => `${s}.${t}` });
    fc.assert(fc.property(tables, fc.constantFrom('postgres' as const, 'mysql' as const), (pairs, engine) => {
      const list = pairs.map(([schema, table]) => ({ target: `shop.${engine === 'mysql' ? 'shop' : schema}.${table}`, schema: engine === 'mysql' ? 'shop' : schema, table }));
      const unique = [...new Map(list.map((t) => [t.target, t])).values()];
      const { names } = glueTableNames(unique, engine);
      const all = [...names.values()];
      return new Set(all).size === unique.length && all.every((n) => meetsConstraint('glueTableName', n) && meetsConstraint('glueTableName', historyTableName(n)));
    }), runs);
  });

  test('partition values are sortable UTC times for any date', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }), (date) =>
      meetsConstraint('gluePartitionValue', snapshotTimePartitionValue(date))), runs);
  });

  test('tag keys', () => {
    for (const key of SNAPLAKE_TAG_KEYS) expect({ key, valid: meetsConstraint('tagKey', key) }).toEqual({ key, valid: true });
  });

  test('tag values, including ARNs of snapshots with 255-character ids', () => {
    const longArn = fc.tuple(region, fc.stringMatching(/^[a-z](?:-?[a-z0-9]){0,254}$/)).map(([r, id]) => `arn:aws:rds:${r}:111111111111:cluster-snapshot:${id}`);
    fc.assert(fc.property(fc.oneof(executionArn, longArn, fc.string({ minLength: 1, maxLength: 400 })), (value) => meetsConstraint('tagValue', tagValue(value))), runs);
    const arn = `arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:${'a'.repeat(255)}`;
    expect(tagValue(arn)).not.toBe(tagValue(`${arn.slice(0, -1)}b`));
  });

  test('query result folders and request tokens', () => {
    const query = fc.stringMatching(/^[a-z][a-z0-9_-]{0,62}$/);
    const time = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    fc.assert(fc.property(query, time, fc.integer({ min: 1, max: 10 }), (q, t, attempt) =>
      meetsConstraint('s3Key', queryResultsPrefix(q, t, 'Europe/Paris')) && meetsConstraint('athenaClientRequestToken', queryRequestToken(q, t, attempt))), runs);
  });
});

test('the README lists every identifier of the table', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const readme: string = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', 'README.md'), 'utf8');
  for (const kind of Object.keys(IDENTIFIER_CONSTRAINTS)) expect(readme).toContain(`| \`${kind}\` |`);
});
