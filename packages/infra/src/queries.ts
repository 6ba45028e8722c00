import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { catalogName, parseQueryFile, QueryDefinition, QueryDefinitionError, queryTargetProblem, StageConfig } from '@snaplake/core';

/** The example scheduled queries, next to the example config: one SQL file each. */
export const DEFAULT_QUERIES_DIR = join(__dirname, '..', 'queries');

type LoadedQuery = QueryDefinition & { readonly fileName: string };

/**
 * Reads every `*.sql` file of the folder as a scheduled query for one stage: `{project}` and
 * `{stage}` in the header's database, catalog and workgroup are replaced, and queries limited to
 * other stages (`-- stages: ...`) are left out. In `database` they are replaced the way Glue
 * database names are made (`my-lake` -> `my_lake`), so `{project}_{stage}_orders_db_shop` names the
 * Glue database snaplake made; in `catalog` and `workgroup` they are replaced as written.
 * @throws QueryDefinitionError naming the file and the field.
 */
export function loadQueries(
  stage: string, project: string, dir: string = process.env.SNAPLAKE_QUERIES_DIR || DEFAULT_QUERIES_DIR,
): QueryDefinition[] {
  return readQueries(dir, stage, project, (file) => file).filter((q) => q.stages === undefined || q.stages.includes(stage)).map(withoutFileName);
}

/**
 * The scheduled queries of one stage, checked against the configuration: a query whose `stages:`
 * names a stage the config does not have, or whose database or catalog the stage does not have, fails.
 * @param stageNames every stage of the config.
 * @throws QueryDefinitionError naming the file (relative to `shownFrom`) and the field.
 */
export function queriesForStage(
  dir: string, project: string, stage: StageConfig, stageNames: readonly string[], shownFrom: string = dir,
): QueryDefinition[] {
  const queries = readQueries(dir, stage.name, project, (file) => relative(shownFrom, join(dir, file)));
  for (const query of queries) {
    const unknown = query.stages?.find((name) => !stageNames.includes(name));
    if (unknown !== undefined) {
      throw new QueryDefinitionError(`${query.fileName}: stages: '${unknown}' is not a stage of the config (${stageNames.join(', ')})`);
    }
  }
  const inStage = queries.filter((q) => q.stages === undefined || q.stages.includes(stage.name));
  for (const query of inStage) {
    const problem = queryTargetProblem(query, stage, project);
    if (problem !== undefined) throw new QueryDefinitionError(`${query.fileName}: ${problem}; limit the query with '-- stages: ...' or remove it`);
  }
  return inStage.map(withoutFileName);
}

function readQueries(dir: string, stage: string, project: string, show: (file: string) => string): LoadedQuery[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const fill = (value: string) => value.replace(/\{project\}/g, project).replace(/\{stage\}/g, stage);
  const fillGlue = (value: string) => value.replace(/\{project\}/g, catalogName(project)).replace(/\{stage\}/g, catalogName(stage));
  const queries = files.map((file) => {
    const query = parseQueryFile(readFileSync(join(dir, file), 'utf8'), show(file));
    const workgroup = query.workgroup && fill(query.workgroup);
    const database = query.catalog === 'AwsDataCatalog' ? fillGlue(query.database) : fill(query.database);
    return { ...query, database, catalog: fill(query.catalog), workgroup, fileName: show(file) };
  });
  const seen = new Map<string, string>();
  for (const query of queries) {
    const other = seen.get(query.name);
    if (other) throw new QueryDefinitionError(`${query.fileName}: name: '${query.name}' is already used by ${other}`);
    seen.set(query.name, query.fileName);
  }
  return queries;
}

function withoutFileName({ fileName: _fileName, ...query }: LoadedQuery): QueryDefinition {
  return query;
}
