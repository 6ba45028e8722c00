import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** The handlers @snaplake/functions bundles; each is `dist/<name>/index.js` in that package. */
export type HandlerName =
  | 'start-export' | 'resolve-snapshot' | 'describe-export' | 'register-catalog' | 'start-crawler' | 'start-workflow'
  | 'start-scheduled-query' | 'check-scheduled-query' | 'finish-scheduled-query'
  | 'plan-copies' | 'copy-snapshot' | 'describe-copy' | 'prune-copies' | 'report-recovery-points'
  | 'deliver-export' | 'serverless-detour' | 'sweep-temporary' | 'report-export';

/** Folder of @snaplake/functions' bundles, found through the workspace, never by importing its code. */
export function functionBundlesDir(): string {
  return join(dirname(require.resolve('@snaplake/functions/package.json')), 'dist');
}

/** A handler's bundle as a Lambda asset. Fails synth with the fix when the bundle was not built. */
export function handlerCode(handler: HandlerName): lambda.Code {
  const dir = join(functionBundlesDir(), handler);
  if (!existsSync(join(dir, 'index.js'))) {
    throw new Error(`The bundle of handler '${handler}' is missing at ${dir}: run 'npx nx build functions' (npm run synth does it for you)`);
  }
  return lambda.Code.fromAsset(dir);
}
