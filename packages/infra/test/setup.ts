import { compileAslSchemasOnce } from './ajv-compiled-once';

// aws-local-stepfunctions calls Promise.withResolvers, which Node 20 lacks (it arrived in Node 22).
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

// The tests never read the example config or queries, which a user replaces with their own: every
// test uses a fixture of test/fixtures. Code that falls back to the example reads these instead, and fails.
// Only the delivery tests check the committed workflows and package.json files against the config in
// use (whichever it is), which the user's SNAPLAKE_CONFIG names: it is kept for them.
process.env.SNAPLAKE_CONFIG_IN_USE ??= process.env.SNAPLAKE_CONFIG ?? '';
process.env.SNAPLAKE_CONFIG = `${__dirname}/fixtures/not-a-fixture/snaplake.config.json`;
process.env.SNAPLAKE_QUERIES_DIR = `${__dirname}/fixtures/not-a-fixture/queries`;

// asl-validator compiles the States Language schemas once per test file, not once per definition checked.
compileAslSchemasOnce();
