import { InvalidInputError } from './errors';

/** A required environment variable, or a clear error naming it (a deployment bug, not bad input). */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new InvalidInputError(`environment variable ${name} is not set: the function was deployed without it`);
  }
  return value;
}
