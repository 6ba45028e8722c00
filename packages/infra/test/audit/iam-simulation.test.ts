// Every request snaplake's functions, workflows, triggers, alarms, the RDS export service, the Glue
// crawler, Athena and the federated-query connector make, simulated with an IAM policy simulator
// (@cloud-copilot/iam-simulate) against the synthesized policies; and every granted action that no
// request uses. See SECURITY.md, "How permissions are verified".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { partnerPolicies } from '@snaplake/core';
import { loadSnaplakeConfig } from '../../src/config';
import { UNUSED_GRANT_ALLOWLIST } from '../permissions/allowlist';
import { BUNDLED_NOT_SENT, commandsOfBundle } from '../permissions/bundles';
import { HANDLER_REQUESTS } from '../permissions/handler-requests';
import { StackTemplate } from '../permissions/resolve';
import { describeReport, PermissionReport, SimulationResults, verifyPermissions, VerifyOptions } from '../permissions/verify';
import { fixtureConfigPath, synthesized } from '../synthesized';

const FIXTURES = ['full', 'every-option'];

/** Each fixture's report, and the simulations it ran, which the tests that break a policy of it reuse. */
const verified = new Map<string, Promise<{ report: PermissionReport; simulations: SimulationResults }>>();

function verifiedApp(fixture: string): Promise<{ report: PermissionReport; simulations: SimulationResults }> {
  let result = verified.get(fixture);
  if (!result) {
    const simulations = new SimulationResults();
    result = verifyPermissions(loadSnaplakeConfig(fixtureConfigPath(fixture)), synthesized(fixture).stacks, { simulations })
      .then((report) => ({ report, simulations }));
    verified.set(fixture, result);
  }
  return result;
}

describe.each(FIXTURES)('permissions of fixture %s, simulated', (fixture) => {
  let report: PermissionReport;
  beforeAll(async () => {
    ({ report } = await verifiedApp(fixture));
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

test('every allowlist entry keeps a grant of full or every-option (no stale entry)', async () => {
  const kept = (await Promise.all(FIXTURES.map(verifiedApp))).flatMap(({ report }) => report.allowlisted);
  expect(UNUSED_GRANT_ALLOWLIST.filter((entry) => !kept.some((k) => k.action === entry.action && entry.role.test(k.role)))).toEqual([]);
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
  /**
   * The report of the app changed. Only the simulations the change makes new are run: the others are
   * those of the unchanged app, whose report (above) has no denied request and no unused grant.
   */
  const verifyChanged = async (changed: readonly StackTemplate[], options: VerifyOptions = {}) =>
    verifyPermissions(config(), changed, { ...options, simulations: (await verifiedApp(fixture)).simulations });
  beforeAll(() => verifiedApp(fixture), 60_000);

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
    const report = await verifyChanged(stripped);
    expect(report.denied.map((d) => `${d.request.by} ${d.request.action}`)).toContain('Live/ExportPipeline start-export rds:StartExportTask');
  });

  test('a granted action no request uses is reported', async () => {
    const widened = withPolicy((s) => (JSON.stringify(s.Action) === '"rds:StartExportTask"' ? { ...s, Action: ['rds:StartExportTask', 'rds:CancelExportTask'] } : s));
    const report = await verifyChanged(widened);
    expect(report.unused.map((u) => `${u.role.split(' ')[0]} ${u.action}`)).toContain('Live/ExportPipeline rds:CancelExportTask');
  });

  /** The app's templates with every resource of a type changed. */
  function withResources(type: string, change: (properties: any) => void): any[] {
    return stacks().map((stack) => {
      const template = JSON.parse(JSON.stringify(stack.template));
      for (const resource of Object.values<any>(template.Resources ?? {})) if (resource.Type === type) change(resource.Properties);
      return { ...stack, template };
    });
  }

  const deniedOf = async (changed: any[]) => (await verifyChanged(changed)).denied.map((d) => `${d.request.principal} ${d.request.action} (${d.request.because})`);

  test('alarms cannot notify when the topic policy holds only the TLS deny (issue 13, point 2)', async () => {
    const denied = await deniedOf(withResources('AWS::SNS::TopicPolicy', (p) => {
      p.PolicyDocument.Statement = p.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Deny');
    }));
    expect(denied).toContain('cloudwatch.amazonaws.com sns:Publish (the alarm notifies)');
  });

  test('EventBridge cannot dead-letter into a queue whose key policy does not name it (point 3)', async () => {
    const denied = await deniedOf(withResources('AWS::KMS::Key', (p) => {
      p.KeyPolicy.Statement = p.KeyPolicy.Statement.filter((s: any) => s.Principal?.Service !== 'events.amazonaws.com');
    }));
    expect(denied).toContain('events.amazonaws.com kms:GenerateDataKey (the rule dead-letters an event it could not deliver)');
  });

  test('the connector cannot check its spill bucket when s3:ListBucket carries an s3:prefix condition (point 1)', async () => {
    const denied = await deniedOf(withPolicy((s) => (s.Action === 's3:ListBucket' && JSON.stringify(s.Resource).includes('SpillBucket')
      ? { ...s, Condition: { StringLike: { 's3:prefix': 'athena-spill/*' } } } : s)));
    expect(denied.filter((d) => d.endsWith('(HeadBucket on the spill bucket)'))).toHaveLength(1);
  });

  test('a partner policy whose s3:ListBucket carries an s3:prefix condition fails HeadObject of a key not delivered yet (point 4)', async () => {
    const report = await verifyChanged(stacks(), {
      partnerPolicies: (options) => {
        const policies = partnerPolicies(options);
        const [list, ...rest] = policies.bucketPolicyStatements as any[];
        return { ...policies, bucketPolicyStatements: [{ ...list, Condition: { StringLike: { 's3:prefix': `${options.prefix}/*` } } }, ...rest] };
      },
    });
    expect(report.denied.map((d) => d.request.because)).toEqual(['HeadObjectCommand (partner, key not delivered yet)']);
  });

  test('a snapshot rule delivering both kinds to a function that may describe one kind is denied (it describes before it filters)', async () => {
    const denied = await deniedOf(withResources('AWS::Events::Rule', (p) => {
      if (p.EventPattern?.['detail-type']) p.EventPattern['detail-type'] = ['RDS DB Snapshot Event', 'RDS DB Cluster Snapshot Event'];
    }));
    expect(denied.filter((d) => d.includes('rds:DescribeDBClusterSnapshots (DescribeDBClusterSnapshotsCommand)')).length).toBeGreaterThan(0);
  });
});

test('an answer is reused only for the same request, context and policies', async () => {
  const simulations = new SimulationResults();
  const request = {
    principal: 'arn:aws:iam::111111111111:role/reader',
    action: 's3:GetObject',
    resource: { resource: 'arn:aws:s3:::bucket/key', accountId: '111111111111' },
    contextVariables: { 'aws:SecureTransport': 'true' },
  };
  const allow = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }] };
  const tlsOnly = { ...allow, Statement: [{ ...allow.Statement[0], Condition: { Bool: { 'aws:SecureTransport': 'true' } } }] };
  const denyAll = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::bucket/*' }] };
  const answers = await Promise.all([
    simulations.of({ request, identityPolicies: [{ name: 'read', policy: allow }] }),
    simulations.of({ request, identityPolicies: [{ name: 'read', policy: tlsOnly }] }),
    simulations.of({ request: { ...request, contextVariables: { 'aws:SecureTransport': 'false' } }, identityPolicies: [{ name: 'read', policy: tlsOnly }] }),
    simulations.of({ request, identityPolicies: [{ name: 'read', policy: allow }], resourcePolicy: denyAll }),
    simulations.of({ request, identityPolicies: [] }),
  ]);
  expect(answers).toEqual(['Allowed', 'Allowed', 'ImplicitlyDenied', 'ExplicitlyDenied', 'ImplicitlyDenied']);
});
