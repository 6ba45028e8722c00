import { ExportMetadataError } from './errors';

export type SourceEngine = 'postgres' | 'mysql';

/**
 * The Athena (Hive DDL) type of an exported column. The Parquet type RDS wrote decides, because a
 * Glue type that does not match the file's physical type fails at query time (HIVE_BAD_DATA); the
 * original type only narrows integers (smallint, tinyint) and carries decimal precision.
 * @throws ExportMetadataError for a Parquet type snaplake does not know.
 */
export function athenaColumnType(originalType: string, expectedExportedType: string, engine: SourceEngine): string {
  const original = String(originalType ?? '').trim().toLowerCase();
  const exported = String(expectedExportedType ?? '').trim().toLowerCase();
  const decimal = /decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)/.exec(exported);
  if (decimal) return `decimal(${decimal[1]},${decimal[2]})`;
  if (/^binary\s*\(\s*utf8\s*\)$/.test(exported) || exported === 'string' || exported === 'utf8') return 'string';
  switch (exported) {
    case 'int32':
      if (/^smallint\b/.test(original)) return 'smallint';
      if (engine === 'mysql' && /^tinyint\b/.test(original)) return 'tinyint';
      return 'int';
    case 'int64': return 'bigint';
    case 'double': return 'double';
    case 'float': return 'float';
    case 'boolean': return 'boolean';
    case 'binary': return 'binary';
    case 'date': return 'date';
    case 'int96':
    case 'timestamp':
    case 'timestamp_micros':
    case 'timestamp_millis': return 'timestamp';
    default:
      throw new ExportMetadataError(`unknown exported type ${JSON.stringify(expectedExportedType)} for ${engine} type ${JSON.stringify(originalType)}`);
  }
}
