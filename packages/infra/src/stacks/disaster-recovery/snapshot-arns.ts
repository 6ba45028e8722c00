import { DatabaseConfig, DR_COPY_PREFIX } from '@snaplake/core';
import { Stack } from 'aws-cdk-lib';

/** The RDS ARNs the copy workflow's roles name, in the source region and in each destination region. */
export class SnapshotArns {
  /** Any snapshot, named by RDS at snapshot time. */
  static readonly ANY_SNAPSHOT = ['snapshot:*', 'cluster-snapshot:*'];
  /** snaplake's copies, named `snaplake-dr-*` per snapshot. */
  static readonly COPIES = [`snapshot:${DR_COPY_PREFIX}*`, `cluster-snapshot:${DR_COPY_PREFIX}*`];

  constructor(
    private readonly stack: Stack,
    private readonly databases: readonly DatabaseConfig[],
    private readonly destinationRegions: readonly string[],
  ) {}

  /**
   * `instance` and/or `cluster`, for the kinds of the copied databases: a stage copying instances only
   * gets no cluster snapshot actions or resources, and the reverse.
   */
  ofKinds<T>(instance: T, cluster: T): T[] {
    const kinds = new Set(this.databases.map((db) => db.kind));
    return [...(kinds.has('instance') ? [instance] : []), ...(kinds.has('cluster') ? [cluster] : [])];
  }

  /** Any snapshot of the copied kinds (ANY_SNAPSHOT). */
  anySnapshot(): string[] {
    return this.ofKinds(SnapshotArns.ANY_SNAPSHOT[0]!, SnapshotArns.ANY_SNAPSHOT[1]!);
  }

  /** snaplake's copies of the copied kinds (COPIES). */
  copies(): string[] {
    return this.ofKinds(SnapshotArns.COPIES[0]!, SnapshotArns.COPIES[1]!);
  }

  /** `rds:DescribeDBSnapshots` and/or `rds:DescribeDBClusterSnapshots`. */
  describeActions(): string[] {
    return this.ofKinds('rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots');
  }

  /** `arn:<partition>:rds:<region>:<account>:<resource>`. */
  rds(region: string, resource: string): string {
    return `arn:${this.stack.partition}:rds:${region}:${this.stack.account}:${resource}`;
  }

  /** The copied databases (instances and clusters) in a region. */
  databasesIn(region: string): string[] {
    return this.databases.map((db) => this.rds(region, db.kind === 'instance' ? `db:${db.identifier}` : `cluster:${db.identifier}`));
  }

  /** snaplake's copies in a region. */
  copiesIn(region: string): string[] {
    return this.copies().map((resource) => this.rds(region, resource));
  }

  /** `arns` of every destination region. */
  everyDestination(arns: (region: string) => string[]): string[] {
    return this.destinationRegions.flatMap(arns);
  }

  /** The cdk-nag acknowledgements of wildcard `resources` in `regions`: each role acknowledges exactly the wildcards it holds. */
  wildcards(regions: readonly string[], resources: readonly string[]) {
    return regions.flatMap((region) => resources.map((resource) => ({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:${region}:${this.stack.account}:${resource}]`,
      reason: resource.includes(DR_COPY_PREFIX)
        ? 'Copies (and scheduled source snapshots) are named snaplake-dr-* per snapshot; deleting one also requires the snaplake:dr-copy tag.'
        : 'Snapshot names are made by RDS at snapshot time; access is limited to snapshots of this account in these regions.',
    })));
  }
}
