/** A snapshot as DescribeDBSnapshots / DescribeDBClusterSnapshots report it, reduced to what the choice needs. */
export interface SnapshotSummary {
  readonly identifier: string;
  readonly arn: string;
  /** `available`, `creating`, ... */
  readonly status: string;
  /** Snapshot creation time; a snapshot without one is never chosen. */
  readonly createdAt?: Date | string;
}

/** The newest available snapshot, or undefined when none is available. Ties go to the later identifier, so the choice is stable. */
export function latestSnapshot<T extends SnapshotSummary>(snapshots: readonly T[]): T | undefined {
  let best: { snapshot: T; time: number } | undefined;
  for (const snapshot of snapshots) {
    if (snapshot?.status !== 'available' || snapshot.createdAt === undefined) continue;
    const time = new Date(snapshot.createdAt).getTime();
    if (Number.isNaN(time)) continue;
    if (!best || time > best.time || (time === best.time && snapshot.identifier > best.snapshot.identifier)) best = { snapshot, time };
  }
  return best?.snapshot;
}
