import { athenaColumnType, ExportMetadataError } from '../src';

describe('athenaColumnType', () => {
  test.each([
    ['bigint', 'int64', 'postgres', 'bigint'],
    ['bigserial', 'int64', 'postgres', 'bigint'],
    ['integer', 'int32', 'postgres', 'int'],
    ['smallint', 'int32', 'postgres', 'smallint'],
    ['double precision', 'double', 'postgres', 'double'],
    ['real', 'float', 'postgres', 'float'],
    ['boolean', 'boolean', 'postgres', 'boolean'],
    ['bytea', 'binary', 'postgres', 'binary'],
    ['numeric', 'binary (UTF8)', 'postgres', 'string'],
    ['timestamp without time zone', 'binary (UTF8)', 'postgres', 'string'],
    ['jsonb', 'binary (UTF8)', 'postgres', 'string'],
    ['ARRAY', 'binary (UTF8)', 'postgres', 'string'],
    ['USER-DEFINED', 'binary (UTF8)', 'postgres', 'string'],
    ['int unsigned', 'int64', 'mysql', 'bigint'],
    ['tinyint', 'int32', 'mysql', 'tinyint'],
    ['bigint unsigned', 'fixed_len_byte_array(9) DECIMAL(20,0)', 'mysql', 'decimal(20,0)'],
    ['decimal', 'int64 DECIMAL(18,2)', 'mysql', 'decimal(18,2)'],
    ['double', 'double', 'mysql', 'double'],
  ] as const)('%s exported as %s (%s) is %s', (original, exported, engine, athena) => {
    expect(athenaColumnType(original, exported, engine)).toBe(athena);
  });

  test('an unknown Parquet type is an ExportMetadataError naming both types', () => {
    expect(() => athenaColumnType('geometry', 'int128', 'postgres')).toThrow(ExportMetadataError);
    expect(() => athenaColumnType('geometry', 'int128', 'postgres')).toThrow('unknown exported type "int128" for postgres type "geometry"');
  });
});
