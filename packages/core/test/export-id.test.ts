import fc from 'fast-check';
import { exportTaskIdentifier, MAX_EXPORT_TASK_ID_LENGTH, SnaplakeError } from '../src';

const VALID_EXPORT_ID = /^[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]$/;

describe('exportTaskIdentifier', () => {
  test('keeps an automated snapshot name readable and replaces the colon', () => {
    const id = exportTaskIdentifier('rds:orders-db-2026-11-21-03-05');
    expect(id).toMatch(/^rds-orders-db-2026-11-21-03-05-[0-9a-f]{8}$/);
  });

  test('puts the prefix first', () => {
    expect(exportTaskIdentifier('rds:orders-db-2026-11-21-03-05', 'prod')).toMatch(/^prod-rds-orders-db-2026-11-21-03-05-[0-9a-f]{8}$/);
  });

  test('the same snapshot always gives the same id', () => {
    expect(exportTaskIdentifier('awsbackup:job-1234abcd')).toBe(exportTaskIdentifier('awsbackup:job-1234abcd'));
  });

  test('names that sanitize alike still give different ids', () => {
    expect(exportTaskIdentifier('rds:db-1')).not.toBe(exportTaskIdentifier('rds-db-1'));
  });

  test('a long name is truncated without a trailing or double hyphen', () => {
    const id = exportTaskIdentifier(`${'a'.repeat(50)}-----${'b'.repeat(20)}`);
    expect(id).toMatch(new RegExp('^a{47}-[0-9a-f]{8}$'));
    // Room is left for an attempt suffix (`-a99`).
    expect(exportTaskIdentifier('c'.repeat(100))).toHaveLength(MAX_EXPORT_TASK_ID_LENGTH - 4);
  });

  test('a name that starts with a digit still starts the id with a letter', () => {
    expect(exportTaskIdentifier('2026-nightly')).toMatch(/^s-2026-nightly-[0-9a-f]{8}$/);
  });

  test.each(['', '   '])('throws a SnaplakeError for the empty id %p', (empty) => {
    expect(() => exportTaskIdentifier(empty)).toThrow(new SnaplakeError('exportTaskIdentifier: the snapshot identifier is empty'));
  });

  test('property: any snapshot id and prefix give a valid export task id', () => {
    fc.assert(fc.property(
      fc.string({ minLength: 1, maxLength: 300 }).filter((s) => s.trim() !== ''),
      fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
      (snapshot, prefix) => {
        const id = exportTaskIdentifier(snapshot, prefix);
        return id.length >= 1 && id.length <= MAX_EXPORT_TASK_ID_LENGTH && VALID_EXPORT_ID.test(id);
      },
    ), { numRuns: 2000 });
  });

  test('property: different snapshots give different ids', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.string({ minLength: 1, maxLength: 80 }).filter((s) => s.trim() !== ''), { minLength: 2, maxLength: 50 }),
      (snapshots) => new Set(snapshots.map((s) => exportTaskIdentifier(s))).size === snapshots.length,
    ), { numRuns: 300 });
  });
});
