// Every request snaplake's functions, workflows, triggers, alarms, the RDS export service, the Glue
// crawler, Athena and the federated-query connector make, simulated with an IAM policy simulator
// (@cloud-copilot/iam-simulate) against the synthesized policies; and every granted action that no
// request uses. See SECURITY.md, "How permissions are verified".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnaplakeConfig } from '../../src';
import { BUNDLED_NOT_SENT, commandsOfBundle } from '../permissions/bundles';
import { HANDLER_REQUESTS } from '../permissions/handler-requests';
import { describeReport, PermissionReport, verifyPermissions } from '../permissions/verify';
import { fixtureConfigPath, synthesized } from '../synthesized';

const FIXTURES = ['full', 'every-option'];

describe.each(FIXTURES)('permissions of fixture %s, simulated', (fixture) => {
  let report: PermissionReport;
  beforeAll(async () => {
    report = await verifyPermissions(loadSnaplakeConfig(fixtureConfigPath(fixture)), synthesized(fixture).stacks);
  }, 60_000);

  test('every request is allowed, and every granted action is used or allowlisted with a reason', () => {
    expect(describeReport(report)).toEqual([]);
  });

  test('the simulation covers every kind of caller', () => {
    const principals = new Set(report.requests.map((r) => (r.principal.endsWith('.amazonaws.com') ? r.principal : 'a role')));
    expect([...principals].sort()).toEqual(expect.arrayContaining([
      'a role', 'cloudwatch.amazonaws.com', 'events.amazonaws.com', 'export.rds.amazonaws.com', 'glue.amazonaws.com', 'lambda.amazonaws.com',
      'scheduler.amazonaws.com', 'states.amazonaws.com',
    ]));
  });
});

describe('declared requests against the handler bundles', () => {
  const bundles = join(__dirname, '..', '..', '..', 'functions', 'dist');

  test.each(Object.keys(HANDLER_REQUESTS))('%s declares the requests of every SDK command its bundle sends', (handler) => {
    const commands = commandsOfBundle(readFileSync(join(bundles, handler, 'index.js'), 'utf8'));
    const declared = Object.keys(HANDLER_REQUESTS[handler]!);
    const notSent = BUNDLED_NOT_SENT[handler] ?? [];
    expect(declared.filter((command) => notSent.includes(command))).toEqual([]);
    expect([...declared, ...notSent].sort()).toEqual(commands);
  });

  test('every handler bundle has its declared requests', () => {
    expect(readdirSync(bundles).filter((name) => existsSync(join(bundles, name, 'index.js'))).sort()).toEqual(Object.keys(HANDLER_REQUESTS).sort());
  });
});

describe('the simulation finds what it looks for', () => {
  const fixture = 'full';
  const stacks = () => synthesized(fixture).stacks;
  const config = () => loadSnaplakeConfig(fixtureConfigPath(fixture));

  /** The app's templates with one statement of one policy changed. */
  function withPolicy(change: (statement: any) => any): any[] {
    return stacks().map((stack) => {
      const template = JSON.parse(JSON.stringify(stack.template));
      for (const resource of Object.values<any>(template.Resources ?? {})) {
        if (resource.Type === 'AWS::IAM::Policy') resource.Properties.PolicyDocument.Statement = resource.Properties.PolicyDocument.Statement.map(change);
      }
      return { ...stack, template };
    });
  }

  test('a request its role no longer grants is denied', async () => {
    const stripped = withPolicy((s) => (JSON.stringify(s.Action) === '"rds:StartExportTask"' ? { ...s, Action: 'rds:DescribeExportTasks' } : s));
    const report = await verifyPermissions(config(), stripped);
    expect(report.denied.map((d) => `${d.request.by} ${d.request.action}`)).toContain('Live/ExportPipeline start-export rds:StartExportTask');
  });

  test('a granted action no request uses is reported', async () => {
    const widened = withPolicy((s) => (JSON.stringify(s.Action) === '"rds:StartExportTask"' ? { ...s, Action: ['rds:StartExportTask', 'rds:CancelExportTask'] } : s));
    const report = await verifyPermissions(config(), widened);
    expect(report.unused.map((u) => `${u.role.split(' ')[0]} ${u.action}`)).toContain('Live/ExportPipeline rds:CancelExportTask');
  });
});
