import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS, runCli } from '../src/cli';

const fixtures = join(__dirname, 'fixtures');
const pg = ['export_tables_info_pg_from_1_to_3.json', 'export_tables_info_pg_from_4_to_4.json'].map((f) => join(fixtures, f));
const mysql = join(fixtures, 'export_tables_info_mysql.json');
const root = 's3://exports-bucket/exports/rds-orders-1a2b3c4d';

function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), readFile: (p) => readFileSync(p, 'utf8') });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'snaplake-cli-')), name);
  writeFileSync(path, content);
  return path;
}

describe('help and exit codes', () => {
  test.each(COMMANDS.map((c) => c.name))('snaplake %s --help (and -h) prints its usage on stdout and exits 0', (name) => {
    for (const flag of ['--help', '-h']) {
      const result = run(name, flag);
      expect(result).toMatchObject({ code: 0, err: '' });
      expect(result.out).toMatch(new RegExp(`^usage: snaplake ${name} `));
      expect(result.out).toContain('exit codes: 0 done; 1 ');
    }
    expect(run('help', name).out).toBe(run(name, '--help').out);
  });

  test('snaplake --help lists every command and the exit codes; no command at all is a usage error', () => {
    const result = run('--help');
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.out).toContain(`  ${command.name} `);
    expect(result.out).toContain('exit codes:');
    expect(run().code).toBe(2);
  });

  test.each([
    [['dll'], /unknown command 'dll'/],
    [['ddl', '--location', root], /no export_tables_info files given/],
    [['ddl', pg[0]!], /--location is required/],
    [['ddl', pg[0]!, '--location', root, '--engine', 'oracle'], /--engine must be postgres or mysql, got 'oracle'/],
    [['ddl', pg[0]!, '--location'], /Option '--location <value>' argument missing/],
    [['ddl', pg[0]!, '--locaton', root], /Unknown option '--locaton'/],
    [['partner-policy', '--destination', 'x'], /--destination and --role-arn are required/],
    [['partner-policy', 'extra', '--destination', 'x'], /Unexpected argument 'extra'/],
  ])('%p is a usage error: exit code 2, the problem, then the usage', (args, message) => {
    const result = run(...args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    if (args[0] !== 'dll') expect(result.err).toContain(`usage: snaplake ${args[0]}`);
  });
});

describe('snaplake ddl', () => {
  test('prints a statement per complete table and lists skipped ones on stderr', () => {
    const result = run('ddl', ...pg, '--location', root);
    expect(result.code).toBe(0);
    expect(result.out.match(/CREATE EXTERNAL TABLE/g)).toHaveLength(2);
    expect(result.out).toContain('`shop`.`orders`');
    expect(result.err).toContain('skipped: shop.public.audit');
  });

  test('--option=value and --option value are the same', () => {
    expect(run('ddl', ...pg, `--location=${root}`, '--database=lake')).toEqual(run('ddl', ...pg, '--location', root, '--database', 'lake'));
    expect(run('ddl', pg[1]!, `--location=${root}`, '--database=lake').out).toContain('`lake`.`events`');
  });

  test('without --engine, a MySQL export is read as MySQL: tables named after the table, tinyint kept, and stderr says so', () => {
    const result = run('ddl', mysql, `--location=${root}`);
    expect(result.code).toBe(0);
    expect(result.out).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS `billing`.`invoices`');
    expect(result.out).toContain('`paid` tinyint');
    expect(result.err).toMatch(/^engine: mysql, from the export \(table billing\.invoices is named database\.table/);
    expect(run('ddl', ...pg, `--location=${root}`).err).toMatch(/engine: postgres, from the export \(type character varying/);
  });

  test('a MySQL export with --engine=postgres fails instead of naming and typing it wrongly', () => {
    const result = run('ddl', mysql, `--location=${root}`, '--engine=postgres');
    expect(result).toMatchObject({ code: 1, out: '' });
    expect(result.err).toContain('--engine postgres, but table billing.invoices is named database.table');
  });

  test('an export whose types point both ways asks for --engine', () => {
    const originalTypeMappings = [
      { columnName: 'a', originalType: 'varchar', expectedExportedType: 'binary (UTF8)' },
      { columnName: 'b', originalType: 'character varying', expectedExportedType: 'binary (UTF8)' },
    ];
    const both = file('both.json', JSON.stringify({ perTableStatus: [{ target: 'db.s.t', status: 'COMPLETE', schemaMetadata: { originalTypeMappings } }] }));
    expect(run('ddl', both, `--location=${root}`)).toMatchObject({ code: 1, out: '', err: expect.stringContaining('give --engine') });
    expect(run('ddl', both, `--location=${root}`, '--engine=mysql').code).toBe(0);
  });

  test.each([
    ['a missing file', () => '/nonexistent/export_tables_info.json', '/nonexistent/export_tables_info.json: no such file'],
    ['a folder', () => fixtures, `${fixtures}: is a folder; give an export_tables_info_*.json file`],
    ['an empty file', () => file('empty.json', '\n'), 'empty.json: the file is empty; expected an export_tables_info_*.json file'],
    ['a file that is not JSON', () => file('broken.json', '{ "perTableStatus": ['), 'broken.json'],
    ['a file without perTableStatus', () => file('other.json', '{"exportTaskIdentifier": "x"}'), 'other.json has no perTableStatus list'],
  ])('%s fails with exit code 1, naming the file, without a stack trace', (_case, path, message) => {
    const result = run('ddl', pg[0]!, path(), `--location=${root}`);
    expect(result).toMatchObject({ code: 1, out: '' });
    expect(result.err).toMatch(/^snaplake ddl: /);
    expect(result.err).toContain(message);
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  test('an export that lists no table says so', () => {
    const empty = file('export_tables_info_empty.json', '{"perTableStatus": []}');
    expect(run('ddl', empty, `--location=${root}`)).toEqual({ code: 1, out: '', err: `snaplake ddl: no tables: ${empty} lists no exported table` });
  });

  test('a location that is not s3:// fails with exit code 1 naming it', () => {
    const result = run('ddl', pg[1]!, '--location', 'bucket/prefix');
    expect(result).toMatchObject({ code: 1, err: expect.stringContaining('export location must be s3://bucket/prefix/export-id, got "bucket/prefix"') });
  });
});

describe('snaplake partner-policy', () => {
  test('prints the statements the partner applies', () => {
    const result = run('partner-policy', '--destination=partner-lake', '--role-arn', 'arn:aws:iam::111111111111:role/snaplake-prod-delivery', '--prefix', 'from-acme');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).bucketPolicyStatements[1].Resource).toBe('arn:aws:s3:::partner-lake/from-acme/*');
  });

  test('a wrong value fails with exit code 1 and the problem', () => {
    expect(run('partner-policy', '--destination', 's3://x', '--role-arn', 'arn:aws:iam::111111111111:role/r'))
      .toMatchObject({ code: 1, err: expect.stringContaining('neither a bucket name') });
  });
});

test('npx snaplake runs the committed, executable bin shim, which loads the built CLI', () => {
  const packageJson = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const shim = join(__dirname, '..', packageJson.bin.snaplake!);
  // Owner-executable: git records the file as 100755, so every clone gets it executable.
  expect((statSync(shim).mode % 0o1000).toString(8)).toMatch(/^[1357]/);
  const text = readFileSync(shim, 'utf8');
  expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(text).toContain("require('../lib/cli.js')");
});

describe('snaplake status', () => {
  test('points to snaplake-status, which reads AWS (core has no AWS SDK), with a usage exit code', () => {
    const result = run('status', '--stack', 'lake-prod-export-pipeline');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/npx snaplake-status --stack <project>-<stage>-export-pipeline/);
  });
});
