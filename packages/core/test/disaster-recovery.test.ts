import fc from 'fast-check';
import { copiesToDelete, copySnapshotIdentifier, DR_COPY_TAG, newestGoodCopyAgeHours, SnapshotCopy, SnaplakeError, temporaryResourceNames } from '../src';

const now = new Date('2026-11-21T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
const copy = (identifier: string, days: number, status = 'available', tagged = true): SnapshotCopy =>
  ({ identifier, status, createdAt: daysAgo(days), tags: tagged ? { [DR_COPY_TAG]: 'true' } : {} });

describe('copySnapshotIdentifier', () => {
  test('is readable, names the source region, and is the same for the same snapshot', () => {
    const id = copySnapshotIdentifier('rds:orders-db-2026-11-21-03-05', 'eu-west-1', 'instance');
    expect(id).toMatch(/^snaplake-dr-eu-west-1-rds-orders-db-2026-11-21-03-05-[0-9a-f]{8}$/);
    expect(copySnapshotIdentifier('rds:orders-db-2026-11-21-03-05', 'eu-west-1', 'instance')).toBe(id);
    expect(copySnapshotIdentifier('rds:orders-db-2026-11-21-03-05', 'us-east-1', 'instance')).not.toBe(id);
  });

  test('property: always a valid snapshot identifier', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 400 }).filter((s) => s.trim() !== ''), (source) => {
      const id = copySnapshotIdentifier(source, 'eu-west-1', 'instance');
      return id.length <= 255 && /^[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]$/.test(id);
    }), { numRuns: 1000 });
  });

  test('a cluster snapshot copy id holds at most 63 characters, even for a long cluster name (issue 14 #2)', () => {
    // The prod billing-cluster's automated snapshot copied from eu-central-1 used to get 67 characters.
    const id = copySnapshotIdentifier('rds:billing-cluster-2026-11-21-03-05', 'eu-central-1', 'cluster');
    expect(id.length).toBeLessThanOrEqual(63);
    expect(id).toMatch(/^snaplake-dr-eu-central-1-rds-billing-cluster-[a-z0-9-]*-[0-9a-f]{8}$/);
    expect(copySnapshotIdentifier(`rds:${'c'.repeat(63)}-2026-11-21-03-05`, 'ap-southeast-2', 'cluster').length).toBeLessThanOrEqual(63);
  });

  test('bad input is a clear error', () => {
    expect(() => copySnapshotIdentifier('x', 'eu-west-1', 'table' as never)).toThrow('kind must be instance or cluster');
    expect(() => copySnapshotIdentifier('', 'eu-west-1', 'instance')).toThrow(SnaplakeError);
    expect(() => copySnapshotIdentifier('x', 'Ireland', 'instance')).toThrow('"Ireland" is not a region');
  });
});

describe('copiesToDelete', () => {
  const copies = [copy('c1', 1), copy('c2', 2), copy('c3', 3), copy('c4', 10), copy('c5', 40), copy('manual', 50, 'available', false), copy('busy', 60, 'creating')];

  test('keepLast keeps the newest N tagged, available copies', () => {
    expect(copiesToDelete(copies, { keepLast: 3 }, now).map((c) => c.identifier)).toEqual(['c5', 'c4']);
  });

  test('maxAgeDays keeps copies younger than D days', () => {
    expect(copiesToDelete(copies, { maxAgeDays: 7 }, now).map((c) => c.identifier)).toEqual(['c5', 'c4']);
  });

  test('with both rules a copy is kept when either keeps it', () => {
    expect(copiesToDelete(copies, { keepLast: 2, maxAgeDays: 14 }, now).map((c) => c.identifier)).toEqual(['c5']);
  });

  test('untagged copies and copies still being made are never deleted', () => {
    const deleted = copiesToDelete(copies, { keepLast: 1 }, now).map((c) => c.identifier);
    expect(deleted).not.toContain('manual');
    expect(deleted).not.toContain('busy');
  });

  test('the last good copy stays even when it is older than the age limit', () => {
    expect(copiesToDelete([copy('only', 400)], { maxAgeDays: 7 }, now)).toEqual([]);
  });

  test('a policy without a rule, or with a bad one, is an error', () => {
    expect(() => copiesToDelete(copies, {}, now)).toThrow('retention policy needs keepLast, maxAgeDays or both');
    expect(() => copiesToDelete(copies, { keepLast: 0 }, now)).toThrow('retention keepLast must be a whole number >= 1, got 0');
  });

  test('property: never deletes an untagged copy, a copy that is not available, or the newest good copy', () => {
    const arbitraryCopy: fc.Arbitrary<SnapshotCopy> = fc.record({
      identifier: fc.string({ minLength: 1, maxLength: 6 }),
      status: fc.constantFrom('available', 'creating', 'failed', 'copying'),
      createdAt: fc.integer({ min: 0, max: 400 }).map(daysAgo),
      tags: fc.constantFrom<Record<string, string>>({ [DR_COPY_TAG]: 'true' }, {}, { [DR_COPY_TAG]: 'false' }),
    });
    const policy = fc.record({
      keepLast: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
      maxAgeDays: fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined }),
    }).filter((p) => p.keepLast !== undefined || p.maxAgeDays !== undefined);
    fc.assert(fc.property(fc.array(arbitraryCopy, { maxLength: 30 }), policy, (list, p) => {
      const deleted = copiesToDelete(list, p, now);
      const good = list.filter((c) => c.tags[DR_COPY_TAG] === 'true' && c.status === 'available');
      const newest = Math.max(...good.map((c) => new Date(c.createdAt).getTime()));
      return deleted.every((c) => c.tags[DR_COPY_TAG] === 'true' && c.status === 'available')
        && (good.length === 0 || deleted.length < good.length)
        && (good.length === 0 || good.some((c) => new Date(c.createdAt).getTime() === newest && !deleted.includes(c)));
    }), { numRuns: 2000 });
  });
});

describe('newestGoodCopyAgeHours', () => {
  test('hours since the newest available copy, or undefined', () => {
    expect(newestGoodCopyAgeHours([copy('a', 2), copy('b', 1), copy('c', 0, 'creating')], now)).toBe(24);
    expect(newestGoodCopyAgeHours([copy('c', 0, 'creating')], now)).toBeUndefined();
  });
});

describe('temporaryResourceNames', () => {
  const execution = 'arn:aws:states:eu-west-1:111111111111:execution:snaplake-prod-exports:rds-legacy-2026-11-21-1a2b3c4d';

  test('valid, readable names, different per execution and per database', () => {
    const names = temporaryResourceNames('legacy-serverless', execution);
    expect(names.clusterIdentifier).toMatch(/^snaplake-tmp-legacy-serverless-arn-aws-states-[a-z0-9-]*-[0-9a-f]{8}$/);
    expect(names.clusterIdentifier.length).toBeLessThanOrEqual(63);
    expect(temporaryResourceNames('legacy-serverless', `${execution}-2`).clusterIdentifier).not.toBe(names.clusterIdentifier);
    expect(temporaryResourceNames('other-db', execution).clusterIdentifier).not.toBe(names.clusterIdentifier);
  });

  test('the temporary snapshot id fits a cluster snapshot id (63) with a real 147-character execution ARN (issue 14 #1)', () => {
    const arn = `arn:aws:states:eu-west-1:111111111111:execution:snaplake-production-exports:${'x'.repeat(80)}`;
    const names = temporaryResourceNames('legacy-serverless-cluster-with-a-long-name', arn);
    expect(names.snapshotIdentifier.length).toBeLessThanOrEqual(63);
    expect(names.snapshotIdentifier.startsWith('snaplake-tmp-')).toBe(true);
    expect(names.snapshotIdentifier).not.toBe(names.clusterIdentifier);
  });

  test('property: cluster ids are always valid (1-63 characters, letter first, no --, no trailing -)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 100 }), fc.string({ minLength: 1, maxLength: 200 }), (cluster, exec) => {
      const { clusterIdentifier } = temporaryResourceNames(cluster, exec);
      return clusterIdentifier.length <= 63 && /^[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]$/.test(clusterIdentifier);
    }), { numRuns: 1000 });
  });
});
