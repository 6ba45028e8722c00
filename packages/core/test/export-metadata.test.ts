import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ExportMetadataError, parseExportInfo, parseExportTablesInfo } from '../src';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('parseExportTablesInfo', () => {
  const info = parseExportTablesInfo([fixture('export_tables_info_pg_from_1_to_3.json'), fixture('export_tables_info_pg_from_4_to_4.json')]);

  test('merges the tables of every file, whatever the key casing', () => {
    expect(info.tables.map((t) => t.target)).toEqual(['shop.public.orders', 'shop.public.events']);
    expect(info.tables[1]!.columns.map((c) => [c.name, c.expectedExportedType])).toEqual([['id', 'int32'], ['payload', 'binary']]);
  });

  test('splits the target into database, schema and table and keeps the column details', () => {
    const orders = info.tables[0]!;
    expect(orders).toMatchObject({ database: 'shop', schema: 'public', table: 'orders', status: 'COMPLETE', sizeGB: 0.125 });
    expect(orders.columns[1]).toEqual({
      name: 'status', originalType: 'character varying', expectedExportedType: 'binary (UTF8)', charMaxLength: 32, numPrecision: 0, numScale: undefined, dateTimePrecision: 0,
    });
  });

  test('a table the export skipped becomes a warning with the export\'s reason', () => {
    expect(info.warnings).toEqual(['shop.public.audit: The table public.audit was skipped: PERMISSIONS_DO_NOT_EXIST, skipped']);
  });

  test('a MySQL target has the database as its schema', () => {
    const mysql = parseExportTablesInfo([JSON.stringify({ perTableStatus: [{ target: 'billing.invoices', status: 'COMPLETE', schemaMetadata: { originalTypeMappings: [] } }] })]);
    expect(mysql.tables[0]).toMatchObject({ database: 'billing', schema: 'billing', table: 'invoices' });
  });

  test('a table listed in two files is kept once, complete first', () => {
    const entry = (status: string) => ({ target: 'a.b.c', status, schemaMetadata: { originalTypeMappings: [] } });
    const merged = parseExportTablesInfo([JSON.stringify({ perTableStatus: [entry('FAILED')] }), JSON.stringify({ perTableStatus: [entry('COMPLETE')] })]);
    expect(merged.tables).toHaveLength(1);
    expect(merged.tables[0]!.status).toBe('COMPLETE');
  });

  test.each([
    ['not JSON', '{', /file 1 of 1 is not JSON/],
    ['no list', '{"tables": []}', /file 1 of 1 has no perTableStatus list/],
    ['an array', '[]', /is not a JSON object/],
  ])('a file that is %s is an ExportMetadataError naming the file', (_case, text, message) => {
    expect(() => parseExportTablesInfo([text])).toThrow(ExportMetadataError);
    expect(() => parseExportTablesInfo([text])).toThrow(message);
  });

  test('odd entries are skipped with a warning', () => {
    const columnWithoutTypes = { target: 'a.b.c', schemaMetadata: { originalTypeMappings: [{ columnName: 'id' }] } };
    const result = parseExportTablesInfo([JSON.stringify({ perTableStatus: [null, 3, { target: 'x' }, columnWithoutTypes] })]);
    expect(result.tables).toEqual([]);
    expect(result.warnings).toHaveLength(4);
  });

  test('property: any input returns or throws an ExportMetadataError, never a TypeError', () => {
    const anyJson = fc.anything({ maxDepth: 4 });
    const mappingKeys = fc.constantFrom('columnName', 'ColumnName', 'originalType', 'expectedExportedType', 'originalNumPrecision');
    const mapping = fc.dictionary(mappingKeys, anyJson);
    const entry = fc.oneof(anyJson, fc.record({
      target: fc.oneof(fc.string(), anyJson),
      status: fc.oneof(fc.constant('COMPLETE'), anyJson),
      schemaMetadata: fc.oneof(anyJson, fc.record({
        originalTypeMappings: fc.oneof(anyJson, fc.array(fc.oneof(mapping, anyJson), { maxLength: 4 })),
      })),
    }, { requiredKeys: [] }));
    const file = fc.oneof(fc.string(), fc.json(), fc.array(entry, { maxLength: 5 }).map((perTableStatus) => JSON.stringify({ perTableStatus })));
    fc.assert(fc.property(fc.array(file, { maxLength: 3 }), (texts) => {
      try {
        const result = parseExportTablesInfo(texts);
        return Array.isArray(result.tables) && Array.isArray(result.warnings);
      } catch (error) {
        return error instanceof ExportMetadataError;
      }
    }), { numRuns: 10_000 });
  });
});

describe('parseExportInfo', () => {
  test('reads the export id, source, snapshot time and status', () => {
    expect(parseExportInfo(JSON.stringify({
      exportTaskIdentifier: 'rds-orders-1a2b3c4d',
      sourceArn: 'arn:aws:rds:eu-west-1:1:snapshot:rds:orders',
      snapshotTime: '2026-11-21T03:05:00Z',
      status: 'COMPLETE',
      s3Bucket: 'exports',
      s3Prefix: '',
      totalExportedDataInGB: 1.5,
    }))).toMatchObject({ exportTaskIdentifier: 'rds-orders-1a2b3c4d', status: 'COMPLETE', snapshotTime: '2026-11-21T03:05:00Z', totalExportedDataInGB: 1.5 });
  });

  test('a file without a status is an ExportMetadataError', () => {
    expect(() => parseExportInfo('{"exportTaskIdentifier":"x","sourceArn":"y"}')).toThrow(new ExportMetadataError('export_info has no status'));
  });
});
