import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseSnaplakeConfig, SnaplakeConfig } from '@snaplake/core';

/** The example configuration committed with the app; `SNAPLAKE_CONFIG` points synth at another file. */
export const DEFAULT_CONFIG_PATH = join(__dirname, '..', 'snaplake.config.json');

/**
 * Reads and validates the stage configuration.
 * @throws ConfigError whose message names the file and the invalid field.
 */
export function loadSnaplakeConfig(path: string = process.env.SNAPLAKE_CONFIG || DEFAULT_CONFIG_PATH): SnaplakeConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(path, `cannot read the configuration as JSON: ${(error as Error).message}`);
  }
  try {
    return parseSnaplakeConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${path}: ${error.field}`, error.message.slice(error.field.length + 2));
    throw error;
  }
}
