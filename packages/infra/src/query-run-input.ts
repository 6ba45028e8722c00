import { QueryDefinition } from '@snaplake/core';

/** What EventBridge Scheduler puts in place of the run's time in a schedule's input. */
export const SCHEDULED_TIME_PLACEHOLDER = '<aws.scheduler.scheduled-time>';

/** The input of one run of the scheduled-query workflow. */
export interface QueryRunInput {
  readonly query: {
    readonly name: string;
    readonly sql: string;
    readonly catalog: string;
    readonly database: string;
    readonly workgroup?: string;
    readonly parameters: readonly string[];
    readonly timezone: string;
    readonly keepLatest: boolean;
  };
  /** The run's time, as ISO 8601 in UTC: the run values (`run_date`, ...) and the result folder come from it. */
  readonly scheduledTime: string;
}

/**
 * The scheduled-query workflow's input for one run of a query: what its schedule sends (with
 * {@link SCHEDULED_TIME_PLACEHOLDER}), and what an on-demand run sends with a real time.
 */
export function queryRunInput(query: QueryDefinition, scheduledTime: string): QueryRunInput {
  return {
    query: {
      name: query.name,
      sql: query.sql,
      catalog: query.catalog,
      database: query.database,
      workgroup: query.workgroup,
      parameters: query.parameters,
      timezone: query.timezone,
      keepLatest: query.keepLatest,
    },
    scheduledTime,
  };
}
