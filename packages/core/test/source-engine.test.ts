import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExportTablesInfo, sourceEngineOf } from '../src';

const tablesOf = (file: string) => parseExportTablesInfo([readFileSync(join(__dirname, 'fixtures', file), 'utf8')]).tables;
const table = (target: string, ...types: string[]) => ({
  target,
  database: 'd',
  schema: 's',
  table: 't',
  status: 'COMPLETE',
  columns: types.map((originalType, i) => ({ name: `c${i}`, originalType, expectedExportedType: 'binary (UTF8)' })),
});

describe('sourceEngineOf', () => {
  test('reads PostgreSQL and MySQL exports as what they are', () => {
    expect(sourceEngineOf(tablesOf('export_tables_info_pg_from_1_to_3.json')).engine).toBe('postgres');
    expect(sourceEngineOf(tablesOf('export_tables_info_mysql.json')).engine).toBe('mysql');
  });

  test.each([
    [[table('db.t', 'text')], 'mysql'],
    [[table('db.s.t', 'int', 'datetime')], 'mysql'],
    [[table('db.s.t', 'bigint unsigned')], 'mysql'],
    [[table('db.s.t', 'double', 'decimal')], 'mysql'],
    [[table('db.s.t', 'double precision', 'numeric')], 'postgres'],
    [[table('db.s.t', 'integer', 'timestamp with time zone', 'USER-DEFINED')], 'postgres'],
  ])('%j is %s', (tables, engine) => {
    expect(sourceEngineOf(tables).engine).toBe(engine);
  });

  test('types shared by both engines, or evidence both ways, give no engine', () => {
    expect(sourceEngineOf([table('db.s.t', 'text', 'bigint', 'date')]).engine).toBeUndefined();
    expect(sourceEngineOf([table('db.s.t', 'varchar'), table('db.s.u', 'character varying')])).toEqual({
      engine: undefined, evidence: { mysql: ['type varchar'], postgres: ['type character varying'] },
    });
  });
});
