import { QueryDefinitionError, SnaplakeConfig, SnaplakeError } from '@snaplake/core';
import { queriesForStage } from './queries';
import { queryRunInput, QueryRunInput } from './query-run-input';
import { RUNS_STATE_MACHINE_OUTPUT, stageStackName } from './stack-names';

/** One on-demand run of a query: the workflow input, and where the workflow that takes it is deployed. */
export interface OnDemandRun {
  readonly input: QueryRunInput;
  readonly region: string;
  /** The stack whose output `RunsStateMachineArn` is the workflow's ARN. */
  readonly stackName: string;
  /** The AWS CLI command that starts the run, reading the input from `inputFile`. */
  readonly command: string;
}

/**
 * An on-demand run of the query `queryName` of a stage, as its schedule would run it at `at`: the
 * same SQL, database, catalog and run values (`run_date`, `previous_date`, ... come from `at`, in the
 * query's time zone), through the same workflow, retries, metrics and notifications.
 * @throws SnaplakeError naming the stage, query or time that is not valid, and what is.
 */
export function onDemandRun(config: SnaplakeConfig, queriesDir: string | undefined, stageName: string, queryName: string, at: string, inputFile = 'run.json'): OnDemandRun {
  const stage = config.stages.find((s) => s.name === stageName);
  if (!stage) throw new SnaplakeError(`stage '${stageName}' is not in the config; its stages: ${config.stages.map((s) => s.name).join(', ')}`);
  if (!queriesDir) throw new SnaplakeError('no queries folder: put the *.sql files in a queries folder next to the config, or set SNAPLAKE_QUERIES_DIR');
  const queries = queriesForStage(queriesDir, config.project, stage, config.stages.map((s) => s.name));
  const query = queries.find((q) => q.name === queryName);
  if (!query) {
    throw new QueryDefinitionError(`query '${queryName}' does not run in stage ${stage.name}; its queries: ${queries.map((q) => q.name).join(', ') || 'none'}`);
  }
  const stackName = stageStackName(config.project, stage.name, 'scheduled-queries');
  const arn = `$(aws cloudformation describe-stacks --region ${stage.region} --stack-name ${stackName} `
    + `--query "Stacks[0].Outputs[?OutputKey=='${RUNS_STATE_MACHINE_OUTPUT}'].OutputValue" --output text)`;
  return {
    input: queryRunInput(query, runTime(at)),
    region: stage.region,
    stackName,
    command: `aws stepfunctions start-execution --region ${stage.region} --state-machine-arn "${arn}" --input file://${inputFile}`,
  };
}

/** A time as the scheduler sends it (`2026-11-21T06:00:00Z`), from an ISO 8601 date-time with a zone. */
export function runTime(at: string): string {
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
  const time = new Date(at);
  if (!zoned.test(at) || Number.isNaN(time.getTime())) {
    throw new SnaplakeError(`--at ${JSON.stringify(at)} is not a date-time with a zone, such as 2026-11-21T06:00:00Z or 2026-11-21T07:00:00+01:00`);
  }
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
