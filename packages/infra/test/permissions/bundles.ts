// The AWS SDK commands a handler bundle sends: `new <client module>.<Name>Command(` in the esbuild
// output (the SDK itself is not bundled: Lambda's Node.js runtime provides it), and paginators.

/** The SDK command class names a bundle's code constructs, sorted. */
export function commandsOfBundle(code: string): string[] {
  const commands = new Set<string>();
  for (const match of code.matchAll(/new [A-Za-z_$][\w$]*\.([A-Z]\w*Command)\(/g)) commands.add(match[1]!);
  for (const match of code.matchAll(/\bpaginate([A-Z]\w*)\b/g)) commands.add(`${match[1]}Command`);
  return [...commands].sort();
}

/**
 * Commands a handler's bundle holds but the handler never sends: @snaplake/functions' RDS snapshot
 * adapter (src/rds-snapshots.ts) branches on the snapshot kind inside each call, so a handler that only
 * handles cluster snapshots (the Serverless v1 detour and its sweeper) still bundles the instance
 * branch. A command listed here is not simulated for that handler; a new call that reaches the bundle
 * still fails the bundle test.
 */
export const BUNDLED_NOT_SENT: Record<string, string[]> = {
  'serverless-detour': ['CreateDBSnapshotCommand', 'DeleteDBSnapshotCommand', 'DescribeDBSnapshotsCommand'],
  'sweep-temporary': ['DeleteDBSnapshotCommand', 'DescribeDBSnapshotsCommand'],
};
