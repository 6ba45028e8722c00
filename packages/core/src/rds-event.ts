import { InvalidEventError } from './errors';
import { describeValue as describe, isObject } from './values';

/** What snaplake needs from an RDS event, whichever way it arrived (EventBridge or SNS). */
export interface RdsEvent {
  /** Such as `RDS-EVENT-0091`. */
  readonly eventId: string;
  /** `SNAPSHOT`, `CLUSTER_SNAPSHOT`, `DB_INSTANCE` or `CLUSTER` (inferred from the ARN for SNS messages). */
  readonly sourceType: string;
  /** The snapshot, instance or cluster identifier, such as `rds:orders-db-2026-11-21-03-05`. */
  readonly sourceIdentifier: string;
  readonly sourceArn: string;
  readonly message: string;
  /** When RDS says the event happened, as an ISO string; empty when the event does not say. */
  readonly time: string;
  /** `eventbridge` or `sns`. */
  readonly deliveredBy: 'eventbridge' | 'sns';
}

/** A snapshot whose creation is worth an export. */
export interface CreatedSnapshot {
  readonly snapshotIdentifier: string;
  readonly snapshotArn: string;
  readonly kind: 'instance' | 'cluster';
  readonly origin: 'automated' | 'manual' | 'aws-backup';
}

const EVENT_ID = /RDS-EVENT-\d{4}$/;

/**
 * Reads an RDS event delivered by EventBridge (`source: aws.rds`) or by an RDS event subscription
 * through SNS (a Lambda SNS event, an SNS notification, or its parsed message).
 * @throws InvalidEventError saying what is wrong, for anything else.
 */
export function parseRdsEvent(event: unknown): RdsEvent {
  if (!isObject(event)) throw new InvalidEventError(`expected an RDS event object, got ${describe(event)}`);
  if ('detail-type' in event || 'source' in event) return fromEventBridge(event);
  if ('Records' in event) {
    const records = event.Records;
    if (!Array.isArray(records) || records.length !== 1) {
      throw new InvalidEventError(`expected one SNS record, got ${Array.isArray(records) ? records.length : describe(records)}`);
    }
    const record = records[0];
    if (!isObject(record) || !isObject(record.Sns)) throw new InvalidEventError('the SNS record has no Sns object');
    return fromSnsMessage(record.Sns.Message);
  }
  if (event.Type === 'Notification' && 'Message' in event) return fromSnsMessage(event.Message);
  if ('Event ID' in event || 'Source ID' in event) return fromSnsFields(event);
  throw new InvalidEventError('not an RDS event: expected an EventBridge event with source aws.rds, or an RDS notification delivered by SNS');
}

/**
 * The created snapshot an event announces (automated, manual or AWS Backup, instance or cluster),
 * or undefined for any other event (snapshot creating, export finished, copies...).
 */
export function createdSnapshotOf(event: RdsEvent): CreatedSnapshot | undefined {
  const number = event.eventId.slice(-4);
  const kind = CREATED_EVENTS[number];
  if (!kind) return undefined;
  const origin = event.sourceIdentifier.startsWith('awsbackup:')
    ? 'aws-backup'
    : number === '0091' || number === '0169' ? 'automated' : 'manual';
  return { snapshotIdentifier: event.sourceIdentifier, snapshotArn: event.sourceArn, kind, origin };
}

// Snapshot-created events: 0091 automated / 0042 manual (instance), 0169 automated / 0075 manual (cluster).
const CREATED_EVENTS: Record<string, 'instance' | 'cluster'> = { '0091': 'instance', '0042': 'instance', '0169': 'cluster', '0075': 'cluster' };

/** The RDS event ids `createdSnapshotOf` answers, for the EventBridge rules that deliver them. */
export const SNAPSHOT_CREATED_EVENT_IDS: readonly string[] = Object.keys(CREATED_EVENTS).map((number) => `RDS-EVENT-${number}`);

function fromEventBridge(event: Record<string, unknown>): RdsEvent {
  if (event.source !== 'aws.rds') throw new InvalidEventError(`not an RDS event: source is ${describe(event.source)}, expected "aws.rds"`);
  const detail = event.detail;
  if (!isObject(detail)) throw new InvalidEventError('the EventBridge event has no detail object');
  const eventId = requiredString(detail, 'EventID', 'detail');
  if (!EVENT_ID.test(eventId)) throw new InvalidEventError(`detail.EventID ${describe(eventId)} is not an RDS event id such as RDS-EVENT-0091`);
  const sourceArn = requiredString(detail, 'SourceArn', 'detail');
  return {
    eventId,
    sourceType: typeof detail.SourceType === 'string' ? detail.SourceType : sourceTypeOf(sourceArn),
    sourceIdentifier: requiredString(detail, 'SourceIdentifier', 'detail'),
    sourceArn,
    message: typeof detail.Message === 'string' ? detail.Message : '',
    time: typeof detail.Date === 'string' ? detail.Date : typeof event.time === 'string' ? event.time : '',
    deliveredBy: 'eventbridge',
  };
}

function fromSnsMessage(message: unknown): RdsEvent {
  if (typeof message !== 'string') throw new InvalidEventError(`the SNS message is ${describe(message)}, expected a JSON string`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw new InvalidEventError(`the SNS message is not JSON: ${describe(message)}`);
  }
  if (!isObject(parsed)) throw new InvalidEventError(`the SNS message is ${describe(parsed)}, expected an RDS notification object`);
  return fromSnsFields(parsed);
}

function fromSnsFields(fields: Record<string, unknown>): RdsEvent {
  // The Event ID is a documentation URL whose host varies; only its #RDS-EVENT-xxxx suffix matters.
  const link = requiredString(fields, 'Event ID', 'SNS message');
  const match = /#?(RDS-EVENT-\d{4})$/.exec(link);
  if (!match) throw new InvalidEventError(`SNS message field "Event ID" ${describe(link)} does not end with an RDS event id such as #RDS-EVENT-0091`);
  const sourceArn = requiredString(fields, 'Source ARN', 'SNS message');
  return {
    eventId: match[1]!,
    sourceType: sourceTypeOf(sourceArn),
    sourceIdentifier: requiredString(fields, 'Source ID', 'SNS message'),
    sourceArn,
    message: typeof fields['Event Message'] === 'string' ? fields['Event Message'] : '',
    time: typeof fields['Event Time'] === 'string' ? fields['Event Time'] : '',
    deliveredBy: 'sns',
  };
}

function sourceTypeOf(arn: string): string {
  const resource = /^arn:[^:]+:rds:[^:]*:\d*:([a-z-]+):/.exec(arn)?.[1];
  switch (resource) {
    case 'snapshot': return 'SNAPSHOT';
    case 'cluster-snapshot': return 'CLUSTER_SNAPSHOT';
    case 'db': return 'DB_INSTANCE';
    case 'cluster': return 'CLUSTER';
    default: throw new InvalidEventError(`source ARN ${describe(arn)} is not an RDS snapshot, instance or cluster ARN`);
  }
}

function requiredString(obj: Record<string, unknown>, key: string, where: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') throw new InvalidEventError(`${where} field "${key}" is ${describe(value)}, expected a non-empty string`);
  return value;
}
