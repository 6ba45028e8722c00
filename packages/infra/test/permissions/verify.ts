// The permission check of a synthesized app: every request snaplake's code and AWS's services make
// (see the *-requests.ts files), simulated with @cloud-copilot/iam-simulate against the role's
// identity policies and the resource's policy; and every granted (role, action) pair that no request
// uses. `verifyPermissions` serves the tests (fixture apps) and `npm run verify-permissions` (your config).
import { runSimulation, Simulation } from '@cloud-copilot/iam-simulate';
import { partnerPolicies, SnaplakeConfig, StageConfig } from '@snaplake/core';
import { UNUSED_GRANT_ALLOWLIST, UNUSED_RESOURCE_ALLOWLIST } from './allowlist';
import { deliveries, PARTNER_ACCOUNT } from './handler-requests';
import { AppPolicies, PolicyDocument, policiesOf, RoleOfApp } from './policies';
import { connectorRequests, githubRequests, scheduledQueryRequests } from './query-requests';
import { wildcardRegExp } from './reference-data';
import { bucketArn, PermissionRequest, RequestScope } from './requests';
import { StackTemplate } from './resolve';
import { alarmRequests, crawlerRequests, exportServiceRequests, functionRequests, stateMachineRequests, triggerRequests } from './service-requests';

export interface DeniedRequest {
  readonly request: PermissionRequest;
  /** `ImplicitlyDenied`, `ExplicitlyDenied`, or the simulator's error for a request it could not run. */
  readonly result: string;
}

export interface UnusedGrant {
  /** `Live/ExportPipeline WorkflowStartExportRole826AA23B (Runs the snaplake start-export handler)`. */
  readonly role: string;
  /** The granted action (pattern), or the actions of a statement whose resource is unused. */
  readonly action: string;
  /** For a grant whose actions are used, the statement's resource that no request of those actions touches. */
  readonly resource?: string;
  /** Why it is kept, for a grant of the allowlist. */
  readonly why?: string;
}

export interface PermissionReport {
  readonly requests: PermissionRequest[];
  readonly denied: DeniedRequest[];
  /** Granted (role, action) pairs, and statement resources, no request uses, outside the allowlists. */
  readonly unused: UnusedGrant[];
  /** Granted (role, action) pairs and statement resources no request uses, each kept for the allowlist's reason. */
  readonly allowlisted: UnusedGrant[];
}

/** The stage of a stack, by its name (`<project>-<stage>-...`); undefined for the GitHub stacks. */
function stageOf(config: SnaplakeConfig, stack: StackTemplate): StageConfig | undefined {
  return config.stages.find((stage) => stack.stackName.startsWith(`${config.project}-${stage.name}-`) && stack.account === stage.account);
}

/** Every request of the app. */
export function requestsOf(config: SnaplakeConfig, app: AppPolicies): PermissionRequest[] {
  const stagesByAccount = new Map<string, { name: string; regions: string[] }[]>();
  for (const stack of app.stacks) {
    const stage = stageOf(config, stack);
    if (!stage) continue;
    const list = stagesByAccount.get(stack.account) ?? [];
    let entry = list.find((s) => s.name === stage.name);
    if (!entry) list.push(entry = { name: stage.name, regions: [] });
    if (!entry.regions.includes(stack.region)) entry.regions.push(stack.region);
    stagesByAccount.set(stack.account, list);
  }
  return app.stacks.flatMap((stack) => {
    const stage = stageOf(config, stack);
    const scope: RequestScope = { app, stack, resolver: app.resolvers.get(stack.id)!, stage: stage!, project: config.project };
    if (!stage) return githubRequests(scope, stagesByAccount);
    return [
      ...functionRequests(scope), ...stateMachineRequests(scope), ...triggerRequests(scope), ...alarmRequests(scope),
      ...exportServiceRequests(scope), ...crawlerRequests(scope), ...scheduledQueryRequests(scope), ...connectorRequests(scope),
    ];
  });
}

export interface VerifyOptions {
  /** What makes the partner's bucket and key policy statements. @default core's `partnerPolicies` (`snaplake partner-policy`) */
  readonly partnerPolicies?: typeof partnerPolicies;
  /** Answers of earlier simulations to reuse, and to which this one adds its own. @default none */
  readonly simulations?: SimulationResults;
}

/** The bucket and key policies a partner writes with `snaplake partner-policy`, for each delivery of the app. */
function partnerResourcePolicies(app: AppPolicies, generate: typeof partnerPolicies): Map<string, PolicyDocument> {
  const policies = new Map<string, PolicyDocument>();
  for (const stack of app.stacks) {
    const resolver = app.resolvers.get(stack.id)!;
    for (const fn of Object.values<any>(stack.template.Resources ?? {})) {
      const variables = fn.Type === 'AWS::Lambda::Function' ? fn.Properties.Environment?.Variables : undefined;
      if (!variables?.DELIVERIES) continue;
      const roleArn = resolver.string(fn.Properties.Role);
      for (const d of deliveries({ env: { DELIVERIES: resolver.string(variables.DELIVERIES) } })) {
        const generated = generate({
          destination: d.destination,
          prefix: d.destinationPrefix,
          deliveryRoleArn: roleArn,
          kmsKeyArn: d.kmsKeyArn,
          bucketOwnerEnforced: d.bucketOwnerEnforced,
        });
        const add = (arn: string, statements: object[]) => policies.set(arn, { Version: '2012-10-17', Statement: [...(policies.get(arn)?.Statement ?? []), ...statements] });
        add(bucketArn(d.destination), generated.bucketPolicyStatements);
        if (d.kmsKeyArn) add(d.kmsKeyArn, generated.keyPolicyStatements);
      }
    }
  }
  return policies;
}

/** The policy of the resource a request is on: bucket, key, topic, queue, function, or a role's trust policy. */
function resourcePolicyOf(app: AppPolicies, partner: Map<string, PolicyDocument>, request: PermissionRequest): PolicyDocument | undefined {
  const arn = request.resource;
  if (arn.startsWith('arn:aws:s3:::')) {
    const bucket = arn.split('/')[0]!;
    return partner.get(bucket) ?? app.resourcePolicies.get(bucket);
  }
  if (arn.includes(':iam::') && arn.includes(':role/')) {
    const role = app.roles.find((r) => r.arn === arn);
    // A role the app does not create (the CDK bootstrap roles) trusts its account, as `cdk bootstrap` makes it.
    return role?.trust ?? { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${arn.split(':')[4]}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };
  }
  if (arn.includes(':lambda:')) return app.resourcePolicies.get(arn.split(':').slice(0, 7).join(':'));
  return partner.get(arn) ?? app.resourcePolicies.get(arn);
}

const isService = (principal: string) => principal.endsWith('.amazonaws.com');

function accountOf(request: PermissionRequest, app: AppPolicies): string {
  if (request.resourceAccount) return request.resourceAccount;
  const fromArn = request.resource.split(':')[4];
  if (fromArn && /^\d{12}$/.test(fromArn)) return fromArn;
  const role = app.roles.find((r) => r.arn === request.principal);
  return role?.stack.account ?? request.context?.['aws:SourceAccount'] as string ?? PARTNER_ACCOUNT;
}

async function simulate(
  app: AppPolicies, partner: Map<string, PolicyDocument>, request: PermissionRequest, results: SimulationResults,
): Promise<string> {
  const role = app.roles.find((r) => r.arn === request.principal);
  if (!role && !isService(request.principal)) return `no role ${request.principal} in the app`;
  const principalAccount = role?.stack.account ?? (request.context?.['aws:SourceAccount'] as string);
  return results.of({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: accountOf(request, app) },
      contextVariables: {
        'aws:SecureTransport': 'true',
        ...(isService(request.principal) ? { 'aws:PrincipalIsAWSService': 'true' } : { 'aws:PrincipalAccount': principalAccount }),
        ...request.context,
      },
    },
    identityPolicies: (role?.policies ?? []).map((p) => ({ name: p.name, policy: p.document })),
    resourcePolicy: resourcePolicyOf(app, partner, request),
  });
}

/**
 * The simulator's answers, by their whole input: the request, its context, the identity policies and
 * the resource policy. The simulator is deterministic and reads only that input and the reference
 * data, so an input it has answered is not simulated again: a request made twice costs one simulation,
 * and an app changed in a few policies (a test that breaks one on purpose) simulates only the
 * requests those policies decide. A policy document is read once, on first use: change a copy, never
 * a document already simulated.
 */
export class SimulationResults {
  private readonly results = new Map<string, Promise<string>>();
  /** A number for each distinct policy document (by its JSON), and each document object's number. */
  private readonly documentNumbers = new Map<string, number>();
  private readonly documents = new WeakMap<object, number>();

  /** `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or why the simulator could not run the request. */
  of(simulation: Omit<Simulation, 'serviceControlPolicies' | 'resourceControlPolicies'>): Promise<string> {
    const input: Simulation = { ...simulation, serviceControlPolicies: [], resourceControlPolicies: [] };
    const { identityPolicies, resourcePolicy, ...rest } = input;
    const key = [
      JSON.stringify(rest),
      ...identityPolicies.map((p) => `${JSON.stringify(p.name)} ${this.numberOf(p.policy)}`),
      resourcePolicy === undefined ? '' : this.numberOf(resourcePolicy),
    ].join('\n');
    let result = this.results.get(key);
    if (!result) {
      result = runSimulation(input, {}).then((r) => (r.resultType === 'error' ? `could not be simulated: ${r.errors.message}` : r.overallResult));
      this.results.set(key, result);
    }
    return result;
  }

  /** The number of a policy document: the policies of a role or a resource serve many requests. */
  private numberOf(document: object): number {
    let number = this.documents.get(document);
    if (number === undefined) {
      const json = JSON.stringify(document);
      number = this.documentNumbers.get(json) ?? this.documentNumbers.size;
      this.documentNumbers.set(json, number);
      this.documents.set(document, number);
    }
    return number;
  }
}

function roleLabel(role: RoleOfApp): string {
  return `${role.stack.id} ${role.logicalId} (${role.description})`;
}

/**
 * Granted (role, action) pairs no request of the role uses, and resources of a statement that no
 * request of the statement's actions touches, split by the allowlists.
 */
function unusedGrants(app: AppPolicies, requests: PermissionRequest[]): { unused: UnusedGrant[]; allowlisted: UnusedGrant[] } {
  const unused: UnusedGrant[] = [];
  const allowlisted: UnusedGrant[] = [];
  for (const role of app.roles) {
    const label = roleLabel(role);
    const ofRole = requests.filter((r) => r.principal === role.arn);
    const statements = role.policies.flatMap((p) => p.document.Statement.filter((s) => s.Effect === 'Allow'));
    for (const action of new Set(statements.flatMap((s) => [s.Action].flat() as string[]))) {
      const pattern = wildcardRegExp(action);
      if (ofRole.some((r) => pattern.test(r.action))) continue;
      const entry = UNUSED_GRANT_ALLOWLIST.find((e) => e.action === action && e.role.test(label));
      if (entry) allowlisted.push({ role: label, action, why: entry.why });
      else unused.push({ role: label, action });
    }
    for (const statement of statements) {
      const actions = [statement.Action].flat() as string[];
      const patterns = actions.map(wildcardRegExp);
      const ofActions = ofRole.filter((r) => patterns.some((p) => p.test(r.action)));
      // A statement none of whose actions is used is reported above, by action.
      if (ofActions.length === 0) continue;
      for (const resource of [statement.Resource].flat() as string[]) {
        const pattern = wildcardRegExp(resource);
        if (resource === '*' || ofActions.some((r) => pattern.test(r.resource))) continue;
        const grant = { role: label, action: actions.join(', '), resource };
        const entry = UNUSED_RESOURCE_ALLOWLIST.find((e) => e.resource.test(resource));
        if (entry) allowlisted.push({ ...grant, why: entry.why });
        else unused.push(grant);
      }
    }
  }
  return { unused, allowlisted };
}

/** Simulates every request of a synthesized app and lists the grants no request uses. */
export async function verifyPermissions(
  config: SnaplakeConfig, stacks: readonly StackTemplate[], options: VerifyOptions = {},
): Promise<PermissionReport> {
  const app = policiesOf(stacks);
  const requests = requestsOf(config, app);
  const partner = partnerResourcePolicies(app, options.partnerPolicies ?? partnerPolicies);
  const simulations = options.simulations ?? new SimulationResults();
  const results = await Promise.all(requests.map((request) => simulate(app, partner, request, simulations)));
  const denied = requests.map((request, i) => ({ request, result: results[i]! })).filter((d) => d.result !== 'Allowed');
  return { requests, denied, ...unusedGrants(app, requests) };
}

/** A report as lines for a person: denied requests first, then unused grants. */
export function describeReport(report: PermissionReport): string[] {
  return [
    ...report.denied.map(({ request: r, result }) => `DENIED ${r.by}: ${r.action} on ${r.resource} (${r.because}): ${result}`),
    ...report.unused.map((u) => (u.resource
      ? `UNUSED ${u.role}: ${u.action} on ${u.resource} is granted, and no request touches that resource`
      : `UNUSED ${u.role}: ${u.action} is granted, and no request uses it`)),
  ];
}
