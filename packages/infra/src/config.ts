import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, SnaplakeConfig } from '@snaplake/core';
import { parseSnaplakeConfigText } from '@snaplake/core/config';

/** The repository's root folder: relative `SNAPLAKE_CONFIG` and `SNAPLAKE_QUERIES_DIR` paths start here. */
export const REPOSITORY_ROOT = resolve(__dirname, '..', '..', '..');

/** The example configuration committed with the app, used when `SNAPLAKE_CONFIG` is not set. */
export const DEFAULT_CONFIG_PATH = join(__dirname, '..', 'snaplake.config.json');

/**
 * The configuration file synth reads: `SNAPLAKE_CONFIG`, an absolute path or one relative to the
 * repository root (wherever the command runs from), else the example config.
 */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.SNAPLAKE_CONFIG?.trim();
  return given ? resolve(REPOSITORY_ROOT, given) : DEFAULT_CONFIG_PATH;
}

/**
 * The folder of scheduled queries (`*.sql`): `SNAPLAKE_QUERIES_DIR` (absolute or relative to the
 * repository root), else the `queries` folder next to the configuration file, if there is one.
 */
export function queriesDirectory(configFile: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env.SNAPLAKE_QUERIES_DIR?.trim();
  if (given) {
    const dir = resolve(REPOSITORY_ROOT, given);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ConfigError(`SNAPLAKE_QUERIES_DIR=${given}`, `${displayPath(dir)} is not a folder (relative paths start at the repository root)`);
    }
    return dir;
  }
  const beside = join(dirname(configFile), 'queries');
  return existsSync(beside) && statSync(beside).isDirectory() ? beside : undefined;
}

/**
 * Reads and validates the stage configuration.
 * @throws ConfigError whose message names the file and the invalid field, or the line and column of a JSON error.
 */
export function loadSnaplakeConfig(path: string = configPath()): SnaplakeConfig {
  const shown = displayPath(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? `no such file (SNAPLAKE_CONFIG is read relative to the repository root, ${REPOSITORY_ROOT})`
      : code === 'EISDIR' ? 'is a folder; SNAPLAKE_CONFIG names the JSON file itself'
        : `cannot be read: ${(error as Error).message}`;
    throw new ConfigError(shown, problem);
  }
  return parseSnaplakeConfigText(text, shown);
}

/** A path as the user gave it: relative to the repository root when inside it. */
function displayPath(path: string): string {
  const inside = relative(REPOSITORY_ROOT, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
