import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQueryFile, QueryDefinition, QueryDefinitionError } from '@snaplake/core';

/** The scheduled queries committed with the app: one SQL file each. `SNAPLAKE_QUERIES_DIR` points elsewhere. */
export const DEFAULT_QUERIES_DIR = join(__dirname, '..', 'queries');

/**
 * Reads every `*.sql` file of the folder as a scheduled query for one stage: `{project}` and
 * `{stage}` in the header's database, catalog and workgroup are replaced, and queries limited to
 * other stages (`-- stages: ...`) are left out.
 * @throws QueryDefinitionError naming the file and the field.
 */
export function loadQueries(
  stage: string, project: string, dir: string = process.env.SNAPLAKE_QUERIES_DIR || DEFAULT_QUERIES_DIR,
): QueryDefinition[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const fill = (value: string) => value.replace(/\{project\}/g, project).replace(/\{stage\}/g, stage);
  const queries = files.map((file) => {
    const query = parseQueryFile(readFileSync(join(dir, file), 'utf8'), file);
    const workgroup = query.workgroup && fill(query.workgroup);
    return { ...query, database: fill(query.database), catalog: fill(query.catalog), workgroup, fileName: file };
  });
  const seen = new Map<string, string>();
  for (const query of queries) {
    const other = seen.get(query.name);
    if (other) throw new QueryDefinitionError(`${query.fileName}: name: '${query.name}' is already used by ${other}`);
    seen.set(query.name, query.fileName);
  }
  return queries.filter((q) => q.stages === undefined || q.stages.includes(stage)).map(({ fileName: _fileName, ...query }) => query);
}
