import fc from 'fast-check';
import { latestSnapshot } from '../src';

const snapshot = (identifier: string, status: string, createdAt?: string) => ({ identifier, arn: `arn:aws:rds:eu-west-1:1:snapshot:${identifier}`, status, createdAt });

describe('latestSnapshot', () => {
  test('picks the newest available snapshot, ignoring newer ones still creating', () => {
    expect(latestSnapshot([
      snapshot('rds:db-2026-11-19', 'available', '2026-11-19T03:05:00Z'),
      snapshot('rds:db-2026-11-21', 'creating', '2026-11-21T03:05:00Z'),
      snapshot('rds:db-2026-11-20', 'available', '2026-11-20T03:05:00Z'),
    ])?.identifier).toBe('rds:db-2026-11-20');
  });

  test('returns undefined when nothing is available, and skips snapshots without a valid time', () => {
    expect(latestSnapshot([snapshot('a', 'creating', '2026-11-21T00:00:00Z')])).toBeUndefined();
    expect(latestSnapshot([])).toBeUndefined();
    expect(latestSnapshot([snapshot('a', 'available'), snapshot('b', 'available', 'not a date')])).toBeUndefined();
  });

  test('property: the choice is available, no older than any other available one, and independent of order', () => {
    const snapshots = fc.array(fc.record({
      identifier: fc.string({ minLength: 1, maxLength: 8 }),
      arn: fc.constant('arn'),
      status: fc.constantFrom('available', 'creating', 'deleting'),
      createdAt: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
    }), { maxLength: 20 });
    fc.assert(fc.property(snapshots, (list) => {
      const chosen = latestSnapshot(list);
      const available = list.filter((s) => s.status === 'available');
      if (available.length === 0) return chosen === undefined;
      const reversed = latestSnapshot([...list].reverse());
      return chosen!.status === 'available'
        && available.every((s) => s.createdAt.getTime() <= chosen!.createdAt.getTime())
        && reversed!.identifier === chosen!.identifier && reversed!.createdAt.getTime() === chosen!.createdAt.getTime();
    }), { numRuns: 1000 });
  });
});
