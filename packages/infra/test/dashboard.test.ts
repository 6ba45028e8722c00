import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SNAPLAKE_METRICS } from '@snaplake/core';
import { FIXTURES_DIR, SynthesizedApp, synthesized } from './synthesized';

interface Widget { type: string; properties: { title?: string; metrics?: unknown[][]; alarms?: unknown[] } }

/** The dashboard of a stage, with CloudFormation references replaced by placeholders. */
function widgetsOf(app: SynthesizedApp, stage: string): Widget[] {
  const [dashboard] = Object.values(app.template(`${stage}/Dashboard`).findResources('AWS::CloudWatch::Dashboard')) as any[];
  const body = dashboard.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'REF')).join('');
  return JSON.parse(text).widgets;
}

const metricsOf = (widgets: Widget[], title: string) => widgets.find((w) => w.properties.title === title)!.properties.metrics!
  .map((m) => m.filter((part) => typeof part === 'string') as string[]);

/** Metrics AWS itself emits for the resources on the dashboard, with their dimensions. */
const AWS_METRICS = [{ namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible', dimensions: ['QueueName'] }];

const STAGES: [fixture: string, stage: string, stageName: string][] = [['minimal', 'Dev', 'dev'], ['full', 'Qa', 'qa'], ['full', 'Live', 'live']];

describe('stage dashboard', () => {
  test.each(STAGES)('%s %s: the dashboard is named after project and stage, with no cdk-nag finding', (fixture, stage) => {
    const app = synthesized(fixture);
    const stack = app.stack(`${stage}/Dashboard`);
    expect(stack.nagFindings).toEqual([]);
    const [dashboard] = Object.values(app.template(`${stage}/Dashboard`).findResources('AWS::CloudWatch::Dashboard')) as any[];
    expect(dashboard.Properties.DashboardName).toBe(stack.stackName.replace(/-dashboard$/, ''));
  });

  test.each(STAGES)('%s %s: every widget metric is one a snaplake function emits (namespace, name, dimensions) or one AWS emits', (fixture, stage, stageName) => {
    for (const widget of widgetsOf(synthesized(fixture), stage)) {
      for (const metric of widget.properties.metrics ?? []) {
        const [namespace, name, ...rest] = metric.filter((part) => typeof part === 'string') as string[];
        const dimensions = rest.filter((_, i) => i % 2 === 0);
        const emitted = SNAPLAKE_METRICS.some((m) => `snaplake/${stageName}/${m.area}` === namespace && m.name === name && m.dimensions.join() === dimensions.join())
          || AWS_METRICS.some((m) => m.namespace === namespace && m.name === name && m.dimensions.join() === dimensions.join());
        expect({ widget: widget.properties.title, namespace, name, dimensions, emitted }).toMatchObject({ emitted: true });
      }
    }
  });

  test('per database: freshness, failures, duration, GB and charge; per database and region: recovery-point age; per query: runs, failures, bytes', () => {
    // Expected from the fixture's own configuration, so the test holds as the fixture grows.
    const config = JSON.parse(readFileSync(join(FIXTURES_DIR, 'full', 'snaplake.config.json'), 'utf8'));
    const stage = config.stages.find((s: { name: string }) => s.name === 'live');
    const live = widgetsOf(synthesized('full'), 'Live');
    for (const title of ['Exports catalogued per hour (freshness)', 'Export failures per day', 'Export duration (minutes)', 'Data extracted (GB per day)', 'Estimated export charge (USD per day)']) {
      expect(metricsOf(live, title).map((m) => m[3])).toEqual(stage.databases.map((d: { identifier: string }) => d.identifier));
    }
    const dr = stage.disasterRecovery;
    expect(metricsOf(live, 'Recovery-point age (hours) per database and region').map((m) => `${m[3]}@${m[5]}`))
      .toEqual(dr.databases.flatMap((db: string) => dr.destinationRegions.map((region: string) => `${db}@${region}`)));
    const schedules = Object.values(synthesized('full').template('Live/ScheduledQueries').findResources('AWS::Scheduler::Schedule'))
      .map((r: any) => r.Properties.Name.replace(/^acme-live-/, '')).sort();
    expect(schedules.length).toBeGreaterThan(0);
    for (const title of ['Scheduled-query runs per day', 'Scheduled-query failures per day', 'Bytes scanned per day']) {
      expect(metricsOf(live, title).map((m) => m[3]).sort()).toEqual(schedules);
    }
  });

  test('a stage without disaster recovery or queries has no rows for them', () => {
    const titles = widgetsOf(synthesized('minimal'), 'Dev').map((w) => w.properties.title);
    expect(titles).toContain('Exports catalogued per hour (freshness)');
    expect(titles).not.toContain('Recovery-point age (hours) per database and region');
    expect(titles).not.toContain('Scheduled-query runs per day');
  });

  test.each(STAGES)('%s %s: dead-lettered triggers of every queue of the stage; the state of every alarm of the stage', (fixture, stage) => {
    const app = synthesized(fixture);
    const stacks = app.stacksOf(stage).filter((s) => s.id !== `${stage}/Dashboard`);
    const count = (type: string) => stacks.reduce((n, s) => n + Object.keys(app.template(s.id).findResources(type)).length, 0);
    const widgets = widgetsOf(app, stage);
    expect(metricsOf(widgets, 'Dead-lettered triggers')).toHaveLength(count('AWS::SQS::Queue'));
    expect(widgets.find((w) => w.type === 'alarm')!.properties.alarms).toHaveLength(count('AWS::CloudWatch::Alarm'));
  });
});
