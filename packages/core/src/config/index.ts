// `@snaplake/core/config`: the configuration's validator, types and JSON Schema. An entry of its own
// so that the Lambda handlers, which import `@snaplake/core`, never bundle the validator (zod).
export * from './schema';
export * from './parse';
export { AWS_REGIONS } from './regions';
export { closestName } from './fields';
