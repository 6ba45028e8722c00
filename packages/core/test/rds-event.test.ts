import fc from 'fast-check';
import { createdSnapshotOf, InvalidEventError, parseRdsEvent, SNAPSHOT_CREATED_EVENT_IDS } from '../src';

const snapshotArn = 'arn:aws:rds:eu-west-1:111111111111:snapshot:rds:orders-db-2026-11-21-03-05';

const eventBridgeEvent = (detail: Record<string, unknown> = {}) => ({
  'version': '0',
  'id': '844e2571-85d4-695f-b930-0153b71dcb42',
  'detail-type': 'RDS DB Snapshot Event',
  'source': 'aws.rds',
  'account': '111111111111',
  'time': '2026-11-21T03:10:00Z',
  'region': 'eu-west-1',
  'resources': [snapshotArn],
  'detail': {
    EventCategories: ['creation'],
    SourceType: 'SNAPSHOT',
    SourceArn: snapshotArn,
    Date: '2026-11-21T03:09:58.123Z',
    Message: 'Automated snapshot created',
    SourceIdentifier: 'rds:orders-db-2026-11-21-03-05',
    EventID: 'RDS-EVENT-0091',
    ...detail,
  },
});

const snsMessage = {
  'Event Source': 'db-cluster-snapshot',
  'Event Time': '2026-11-21 03:10:00.000',
  'Identifier Link': 'https://console.aws.amazon.com/rds/home?region=eu-west-1#snapshot:id=rds:billing-2026-11-21-03-05',
  'Source ID': 'rds:billing-2026-11-21-03-05',
  'Source ARN': 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:rds:billing-2026-11-21-03-05',
  'Event ID': 'http://docs.amazonwebservices.com/AmazonRDS/latest/UserGuide/USER_Events.Messages.html#RDS-EVENT-0169',
  'Event Message': 'Automated cluster snapshot created',
};

describe('parseRdsEvent', () => {
  test('reads an EventBridge snapshot event', () => {
    expect(parseRdsEvent(eventBridgeEvent())).toEqual({
      eventId: 'RDS-EVENT-0091',
      sourceType: 'SNAPSHOT',
      sourceIdentifier: 'rds:orders-db-2026-11-21-03-05',
      sourceArn: snapshotArn,
      message: 'Automated snapshot created',
      time: '2026-11-21T03:09:58.123Z',
      deliveredBy: 'eventbridge',
    });
  });

  test('reads an RDS notification delivered to Lambda by SNS, matching the event id by its suffix', () => {
    const event = { Records: [{ EventSource: 'aws:sns', Sns: { Type: 'Notification', Message: JSON.stringify(snsMessage) } }] };
    expect(parseRdsEvent(event)).toMatchObject({
      eventId: 'RDS-EVENT-0169', sourceType: 'CLUSTER_SNAPSHOT', sourceIdentifier: 'rds:billing-2026-11-21-03-05', deliveredBy: 'sns',
    });
  });

  test('reads an SNS notification body and an already-parsed message', () => {
    expect(parseRdsEvent({ Type: 'Notification', Message: JSON.stringify(snsMessage) }).eventId).toBe('RDS-EVENT-0169');
    expect(parseRdsEvent({ ...snsMessage, 'Event ID': 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.html#RDS-EVENT-0075' }).eventId).toBe('RDS-EVENT-0075');
  });

  test.each<[string, unknown, RegExp]>([
    ['null', null, /expected an RDS event object, got null/],
    ['an event from another service', { ...eventBridgeEvent(), source: 'aws.ec2' }, /source is "aws.ec2", expected "aws.rds"/],
    ['an event without detail', { 'source': 'aws.rds', 'detail-type': 'x' }, /no detail object/],
    ['a detail without SourceArn', eventBridgeEvent({ SourceArn: undefined }), /detail field "SourceArn" is missing/],
    ['a made-up event id', eventBridgeEvent({ EventID: 'EVENT-1' }), /is not an RDS event id/],
    ['two SNS records', { Records: [{}, {}] }, /expected one SNS record, got 2/],
    ['an SNS message that is not JSON', { Records: [{ Sns: { Message: 'hello' } }] }, /the SNS message is not JSON/],
    ['an SNS Event ID without the suffix', { ...snsMessage, 'Event ID': 'http://example.com/' }, /does not end with an RDS event id/],
    ['an SNS source ARN of another service', { ...snsMessage, 'Source ARN': 'arn:aws:s3:::bucket' }, /is not an RDS snapshot, instance or cluster ARN/],
    ['a plain object', { hello: 'world' }, /not an RDS event/],
  ])('rejects %s with an InvalidEventError that says what is wrong', (_case, event, message) => {
    expect(() => parseRdsEvent(event)).toThrow(InvalidEventError);
    expect(() => parseRdsEvent(event)).toThrow(message);
  });

  test('property: any input parses or throws an InvalidEventError, never a TypeError', () => {
    const anyJson = fc.anything({ withNullPrototype: true, withBoxedValues: true, maxDepth: 4 });
    const nearlyEvents = fc.oneof(
      fc.record({ 'source': fc.oneof(fc.constant('aws.rds'), fc.string()), 'detail-type': fc.string(), 'detail': fc.oneof(anyJson, fc.dictionary(fc.constantFrom('EventID', 'SourceArn', 'SourceIdentifier', 'SourceType', 'Message', 'Date'), anyJson)) }),
      fc.record({ Records: fc.array(fc.record({ Sns: fc.record({ Message: fc.oneof(fc.string(), fc.json(), anyJson) }) }), { maxLength: 2 }) }),
      fc.dictionary(fc.constantFrom('Event ID', 'Source ID', 'Source ARN', 'Event Message', 'Type', 'Message'), fc.oneof(fc.string(), anyJson)),
      anyJson,
    );
    fc.assert(fc.property(nearlyEvents, (event) => {
      try {
        parseRdsEvent(event);
      } catch (error) {
        return error instanceof InvalidEventError && error.message.length > 0;
      }
      return true;
    }), { numRuns: 10_000 });
  });
});

describe('createdSnapshotOf', () => {
  test.each([
    ['RDS-EVENT-0091', 'rds:orders-db-2026-11-21-03-05', { kind: 'instance', origin: 'automated' }],
    ['RDS-EVENT-0042', 'before-upgrade', { kind: 'instance', origin: 'manual' }],
    ['RDS-EVENT-0042', 'awsbackup:job-1a2b3c4d', { kind: 'instance', origin: 'aws-backup' }],
    ['RDS-EVENT-0169', 'rds:billing-2026-11-21', { kind: 'cluster', origin: 'automated' }],
    ['RDS-EVENT-0075', 'billing-manual', { kind: 'cluster', origin: 'manual' }],
  ])('%s for %s is a created snapshot', (eventId, sourceIdentifier, expected) => {
    const event = parseRdsEvent(eventBridgeEvent({ EventID: eventId, SourceIdentifier: sourceIdentifier }));
    expect(createdSnapshotOf(event)).toEqual({ snapshotIdentifier: sourceIdentifier, snapshotArn, ...expected });
  });

  test.each(['RDS-EVENT-0090', 'RDS-EVENT-0161', 'RDS-EVENT-0060'])('%s (creating, export done, copy) is not a created snapshot', (eventId) => {
    expect(createdSnapshotOf(parseRdsEvent(eventBridgeEvent({ EventID: eventId })))).toBeUndefined();
  });

  test('the event ids the rules of infra deliver are exactly the ones that give a created snapshot', () => {
    expect([...SNAPSHOT_CREATED_EVENT_IDS].sort()).toEqual(['RDS-EVENT-0042', 'RDS-EVENT-0075', 'RDS-EVENT-0091', 'RDS-EVENT-0169']);
    for (const eventId of SNAPSHOT_CREATED_EVENT_IDS) {
      expect(createdSnapshotOf(parseRdsEvent(eventBridgeEvent({ EventID: eventId })))).toBeDefined();
    }
  });
});
