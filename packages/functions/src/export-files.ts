import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { ExportMetadataError } from '@snaplake/core';

/** The metadata files at the root of one export: `export_info_*.json` and every `export_tables_info_*.json`. */
export interface ExportMetadataFiles {
  readonly exportInfo: string;
  readonly tablesInfo: string[];
}

/** `<prefix>/<export id>/` with no leading slash, as RDS lays out an export in its bucket. */
export function exportRootKey(prefix: string, exportTaskIdentifier: string): string {
  const clean = prefix.replace(/^\/+|\/+$/g, '');
  return clean === '' ? `${exportTaskIdentifier}/` : `${clean}/${exportTaskIdentifier}/`;
}

/** Lists the export's root (not its data folders) and reads its metadata files. */
export async function readExportMetadata(s3: S3Client, bucket: string, rootKey: string): Promise<ExportMetadataFiles> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: rootKey, Delimiter: '/' })) {
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
  }
  const name = (key: string) => key.slice(rootKey.length);
  const infoKey = keys.find((k) => /^export_info_.*\.json$/.test(name(k)));
  const tableKeys = keys.filter((k) => /^export_tables_info_.*\.json$/.test(name(k))).sort();
  if (!infoKey) throw new ExportMetadataError(`s3://${bucket}/${rootKey} has no export_info_*.json: not a complete RDS export`);
  if (tableKeys.length === 0) throw new ExportMetadataError(`s3://${bucket}/${rootKey} has no export_tables_info_*.json: not a complete RDS export`);
  const read = async (key: string) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body) throw new ExportMetadataError(`s3://${bucket}/${key} has no body`);
    return object.Body.transformToString('utf8');
  };
  return { exportInfo: await read(infoKey), tablesInfo: await Promise.all(tableKeys.map(read)) };
}
