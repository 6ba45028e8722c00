// infra's tests read @snaplake/connector from its TypeScript source, not from its last build (lib/): a
// change to the connector is tested in the apps at once, without compiling the connector first (its
// `build` type-checks and emits the typings it publishes, which no test here reads). Jest's workers get
// the mapping from jest.config.json's moduleNameMapper (.projenrc.ts); the processes that synthesize the
// fixture apps outside a worker (global-setup.ts, synthesize-fixtures.js) get it from readWorkspaceSources.
import Module from 'node:module';
import { join } from 'node:path';

/** Each workspace package the tests read from source, and its source entry point. */
export const WORKSPACE_SOURCES: Readonly<Record<string, string>> = {
  '@snaplake/connector': join(__dirname, '..', '..', 'connector', 'src', 'index.ts'),
};

type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as { _resolveFilename: Resolve & { readsWorkspaceSources?: boolean } };

/** Makes `require` in this process resolve the packages of WORKSPACE_SOURCES to their sources. */
export function readWorkspaceSources(): void {
  const resolve = moduleInternals._resolveFilename;
  if (resolve.readsWorkspaceSources) return;
  const resolveToSource = function (this: unknown, request: string, ...rest: unknown[]): string {
    return Object.hasOwn(WORKSPACE_SOURCES, request) ? WORKSPACE_SOURCES[request]! : resolve.call(this, request, ...rest);
  };
  moduleInternals._resolveFilename = Object.assign(resolveToSource, { readsWorkspaceSources: true });
}
