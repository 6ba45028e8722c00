// projen's tasks (tasks.json, from .projenrc.ts) run tools installed in node_modules/.bin: jest, tsc, nx...
// They must find them however projen is started: `npm run`, `npx projen`, or projen itself
// (`node_modules/.bin/projen build`, a global projen, an editor's projen integration), which adds nothing to
// the PATH. The task's environment gives the PATH (projenrc/workspace-package.ts, TASK_PATH).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const repositoryRoot = join(__dirname, '..', '..', '..', '..');
const FOLDERS = ['.', 'packages/core', 'packages/functions', 'packages/connector', 'packages/infra'];
/** A caller's PATH without any node_modules/.bin: what a shell gives projen started by its path. */
const callerPath = process.env.PATH!.split(delimiter).filter((dir) => !dir.includes('node_modules')).join(delimiter);

function isOnPath(tool: string, path: string): boolean {
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

describe.each(FOLDERS)('the projen tasks of %s', (folder) => {
  const cwd = join(repositoryRoot, folder);
  const { env, tasks } = JSON.parse(readFileSync(join(cwd, '.projen', 'tasks.json'), 'utf8'));
  const tools = new Set<string>();
  for (const task of Object.values<{ steps?: { exec?: string; execArgs?: string[] }[] }>(tasks)) {
    for (const step of task.steps ?? []) {
      const tool = step.execArgs?.[0] ?? step.exec?.split(' ')[0];
      if (tool) tools.add(tool);
    }
  }

  test('find every tool they run, with a PATH that has no node_modules/.bin (projen started by its path)', () => {
    const command = /^\$\((.*)\)$/s.exec(env?.PATH ?? '')?.[1];
    expect(command).toBeDefined();
    const taskPath = execFileSync('sh', ['-c', command!], { cwd, encoding: 'utf8', env: { ...process.env, PATH: callerPath } }).trim();
    expect([...tools].filter((tool) => !isOnPath(tool, taskPath))).toEqual([]);
    expect([...tools].filter((tool) => !isOnPath(tool, callerPath))).not.toEqual([]);
  });
});
