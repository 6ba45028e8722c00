// The handlers' environment variables that carry more than a name: JSON values with a shape and
// whole numbers with bounds. The stacks (infra) set them; infra's tests check every value a
// synthesized function gets against these same definitions (checkEnvironmentValue).

import { ExportPrice, SETTING_BOUNDS } from '@snaplake/core';
import type { DeliveryTarget } from './deliver-export';
import type { CopyDestination, Kind } from './disaster-recovery';
import {
  IntegerBounds, integerEnv, isRecord, isString, isStringList, jsonEnv, JsonShape, listOf, optionalIntegerEnv, optionalJsonEnv, recordOf, withStrings,
} from './env';
import type { RestoreSettings } from './serverless-detour';
import type { WatchedDatabase } from './start-workflow';

const isKind = (value: unknown): value is Kind => value === 'instance' || value === 'cluster';

/** The JSON variables, each with the shape its handler needs. */
export const JSON_VARIABLES = {
  COPY_DESTINATIONS: {
    expected: 'a list of { region, kmsKeyArn }',
    matches: listOf(withStrings('region', 'kmsKeyArn')),
  } as JsonShape<CopyDestination[]>,
  COPIED_DATABASES: {
    expected: 'a list of { databaseIdentifier, kind: instance | cluster }',
    matches: listOf((v): v is { databaseIdentifier: string; kind: Kind } => isRecord(v) && isString(v.databaseIdentifier) && isKind(v.kind)),
  } as JsonShape<{ databaseIdentifier: string; kind: Kind }[]>,
  DESTINATION_REGIONS: { expected: 'a list of region names', matches: isStringList } as JsonShape<string[]>,
  DELIVERIES: {
    expected: '{ "<database>": { destination, destinationPrefix, kmsKeyArn?, bucketOwnerEnforced? } }',
    matches: recordOf((v): v is DeliveryTarget => isRecord(v) && isString(v.destination) && typeof v.destinationPrefix === 'string'),
  } as JsonShape<Record<string, DeliveryTarget>>,
  EXPORT_PRICE: {
    expected: '{"usdPerGB": number, "asOf": "YYYY-MM-DD"}',
    matches: (v): v is ExportPrice => isRecord(v) && typeof v.usdPerGB === 'number' && typeof v.asOf === 'string',
  } as JsonShape<ExportPrice>,
  /** `{ "<database identifier>": ["shop", "shop.public.orders"] }`, from each database's `exportOnly`. */
  EXPORT_SCOPES: { expected: 'a JSON object of lists', matches: recordOf(isStringList) } as JsonShape<Record<string, string[]>>,
  RESTORE_SETTINGS: {
    expected: '{ engineVersions: { <engine>: <version> }, subnetGroupName, securityGroupIds: [...], kmsKeyArn? }',
    matches: (v): v is RestoreSettings => isRecord(v) && recordOf(isString)(v.engineVersions) && isString(v.subnetGroupName)
      && isStringList(v.securityGroupIds) && (v.kmsKeyArn === undefined || isString(v.kmsKeyArn)),
  } as JsonShape<RestoreSettings>,
  WATCHED_DATABASES: {
    expected: 'a list of { identifier, kind: instance | cluster, includeAwsBackupSnapshots }',
    matches: listOf((v): v is WatchedDatabase => isRecord(v) && typeof v.identifier === 'string' && isKind(v.kind)
      && typeof v.includeAwsBackupSnapshots === 'boolean'),
  } as JsonShape<WatchedDatabase[]>,
};

/** The whole-number variables, each with its bounds (the stage config's, where the config sets it). */
export const INTEGER_VARIABLES = {
  KEEP_LAST: SETTING_BOUNDS.keepLast,
  MAX_AGE_DAYS: SETTING_BOUNDS.maxAgeDays,
  EXPORT_RETENTION_DAYS: SETTING_BOUNDS.exportRetentionDays,
  SWEEP_AFTER_HOURS: SETTING_BOUNDS.sweepAfterHours,
  /** Objects a delivery copies inline before it hands them to a Distributed Map. */
  INLINE_MAX_OBJECTS: { min: 1, max: 10_000_000 },
} satisfies Record<string, IntegerBounds>;

type JsonVariable = keyof typeof JSON_VARIABLES;
type JsonValue<N extends JsonVariable> = (typeof JSON_VARIABLES)[N] extends JsonShape<infer T> ? T : never;
type IntegerVariable = keyof typeof INTEGER_VARIABLES;

/** A required JSON variable, checked against its shape. */
export function jsonVariable<N extends JsonVariable>(name: N): JsonValue<N> {
  return jsonEnv(name, JSON_VARIABLES[name] as JsonShape<JsonValue<N>>);
}

/** An optional JSON variable; undefined when unset. */
export function optionalJsonVariable<N extends JsonVariable>(name: N): JsonValue<N> | undefined {
  return optionalJsonEnv(name, JSON_VARIABLES[name] as JsonShape<JsonValue<N>>);
}

/** A required whole-number variable within its bounds. */
export function integerVariable(name: IntegerVariable): number {
  return integerEnv(name, INTEGER_VARIABLES[name]);
}

/** An optional whole-number variable within its bounds; undefined when unset. */
export function optionalIntegerVariable(name: IntegerVariable): number | undefined {
  return optionalIntegerEnv(name, INTEGER_VARIABLES[name]);
}

/**
 * Checks the value a function is given for a variable with a shape or bounds, as its handler will
 * read it; an InvalidInputError names the problem. Variables without either are not checked.
 */
export function checkEnvironmentValue(name: string, value: string): void {
  const env = { [name]: value };
  if (name in JSON_VARIABLES) jsonEnv(name, JSON_VARIABLES[name as JsonVariable] as JsonShape<unknown>, env);
  if (name in INTEGER_VARIABLES) integerEnv(name, INTEGER_VARIABLES[name as IntegerVariable], env);
}
