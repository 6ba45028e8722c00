/** The connector application version deployed unless `applicationVersion` says otherwise. */
export const DEFAULT_CONNECTOR_VERSION = '2026.33.1';
/** The first connector version whose template honours `PermissionsBoundaryARN`. */
export const FIRST_VERSION_WITH_PERMISSIONS_BOUNDARY = '2026.17.1';
/** The first connector version that checks its spill bucket with HeadBucket (s3:ListBucket) rather than ListBuckets (s3:ListAllMyBuckets). */
export const FIRST_VERSION_CHECKING_SPILL_WITH_HEAD_BUCKET = '2024.32.1';

/** Orders two connector releases such as `2026.33.1`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}
