import {
  DR_COPY_PREFIX, DR_COPY_TAG, DR_SOURCE_PREFIX, DR_SOURCE_TAG, EXECUTION_TAG, EXPORT_METRICS, RECOVERY_POINT_METRICS,
  SCHEDULED_QUERY_METRICS, SNAPLAKE_METRICS, TEMPORARY_PREFIX, TEMPORARY_TAG, TRANSIENT_AWS_ERRORS, WORKFLOW_ERRORS,
} from '@snaplake/core';
import { Template } from 'aws-cdk-lib/assertions';
import { definitionOf } from './local-workflow';
import { synthesized } from './synthesized';

// Names a function writes and a workflow, alarm or policy of infra reads come from core; these tests
// check the synthesized app against core's lists, so a name typed by hand in infra is caught.

/** Every Retry and Catch of a state machine definition, with the state it sits on. */
function errorMatchers(states: Record<string, any>): { state: string; errors: string[] }[] {
  return Object.entries(states).flatMap(([name, state]) => [
    ...[...(state.Retry ?? []), ...(state.Catch ?? [])].map((rule: any) => ({ state: name, errors: rule.ErrorEquals as string[] })),
    ...(state.Branches ?? []).flatMap((branch: any) => errorMatchers(branch.States)),
    ...(state.Iterator ? errorMatchers(state.Iterator.States) : []),
    ...(state.ItemProcessor ? errorMatchers(state.ItemProcessor.States) : []),
  ]);
}

const app = synthesized('full');
const machines = app.stacks.filter((stack) => Object.values(stack.template.Resources ?? {}).some((r: any) => r.Type === 'AWS::StepFunctions::StateMachine'));

test('every Retry and Catch matches an AWS error (States.*, Lambda.*, core\'s TRANSIENT_AWS_ERRORS) or one a function throws (WORKFLOW_ERRORS)', () => {
  const ours = new Set<string>([...Object.values(WORKFLOW_ERRORS), ...TRANSIENT_AWS_ERRORS]);
  expect(machines.length).toBeGreaterThanOrEqual(3);
  const unknown = machines.flatMap((stack) => errorMatchers(definitionOf(Template.fromJSON(stack.template)).States)
    .flatMap(({ state, errors }) => errors.filter((error) => !error.includes('.') && !ours.has(error)).map((error) => `${stack.id} "${state}": ${error}`)));
  expect(unknown).toEqual([]);
  // The workflows do rely on names of ours: the check above is not vacuous.
  const matched = machines.flatMap((stack) => errorMatchers(definitionOf(Template.fromJSON(stack.template)).States).flatMap(({ errors }) => errors));
  expect(matched).toEqual(expect.arrayContaining([WORKFLOW_ERRORS.exportLimitReached, WORKFLOW_ERRORS.notReady]));
});

test('alarms on snaplake metrics watch a namespace and name the functions emit', () => {
  // SNAPLAKE_METRICS is what the functions emit (functions/test/emitted-metrics.test.ts holds them to it).
  const emitted = new Set<string>(SNAPLAKE_METRICS.map((metric) => metric.name));
  for (const name of [RECOVERY_POINT_METRICS.newestCopyAgeHours, SCHEDULED_QUERY_METRICS.failures, EXPORT_METRICS.catalogued]) {
    expect(emitted).toContain(name);
  }
  // Every alarm on a metric that is not AWS's own (a hand-typed `Snaplake/...` is one of ours too).
  const alarms = app.stacks.flatMap((stack) => Object.values(stack.template.Resources ?? {}).filter((r: any) => r.Type === 'AWS::CloudWatch::Alarm'
    && !(typeof r.Properties.Namespace === 'string' && r.Properties.Namespace.startsWith('AWS/'))) as any[]);
  expect(alarms.length).toBeGreaterThan(0);
  for (const alarm of alarms) expect(emitted).toContain(alarm.Properties.MetricName);
  const namespaces = new Set(app.stacks.flatMap((stack) => Object.values(stack.template.Resources ?? {})
    .map((r: any) => r.Properties?.Environment?.Variables?.METRICS_NAMESPACE).filter(Boolean)));
  for (const alarm of alarms) expect(namespaces).toContain(alarm.Properties.Namespace);
});

/** Every IAM statement of the app's templates. */
const statements = app.stacks.flatMap((stack) => Object.values<any>(stack.template.Resources ?? {})
  .filter((r) => r.Type === 'AWS::IAM::Policy')
  .flatMap((r) => r.Properties.PolicyDocument.Statement as any[]));

test('IAM conditions on resource tags name the tags the functions write (core\'s tag keys)', () => {
  const tagKeys = statements.flatMap((s) => Object.values<any>(s.Condition ?? {}).flatMap((c) => Object.keys(c)))
    .filter((key) => key.startsWith('aws:ResourceTag/')).map((key) => key.slice('aws:ResourceTag/'.length));
  expect(tagKeys.length).toBeGreaterThan(0);
  expect(tagKeys.filter((key) => ![DR_COPY_TAG, DR_SOURCE_TAG, TEMPORARY_TAG, EXECUTION_TAG].includes(key))).toEqual([]);
});

test('RDS resources of snaplake\'s own snapshots and clusters are matched by the prefixes core names them with', () => {
  const named = statements.flatMap((s) => [s.Resource].flat())
    .map((resource) => JSON.stringify(resource).match(/:(?:snapshot|cluster-snapshot|cluster):(snaplake[^"*]*)\*/)?.[1])
    .filter((prefix): prefix is string => prefix !== undefined);
  expect(new Set(named)).toEqual(new Set([DR_COPY_PREFIX, DR_SOURCE_PREFIX, TEMPORARY_PREFIX]));
});
