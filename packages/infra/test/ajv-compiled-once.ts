// asl-validator checks a definition with a new Ajv on every call, made from the same States Language
// schemas and formats; making it (each schema checked against the meta-schema) and compiling the
// schemas is nearly all of its ~150 ms a call, and Ajv compiles a schema once per instance and keeps
// it. In each test file, `new Ajv(...)` of asl-validator (the tests' own, and the one
// aws-local-stepfunctions checks definitions with) gives a stand-in that records how it is made and
// configured (its recipe), and validates with the one real Ajv made and configured that way.
//
// Why the answer is the one a fresh Ajv gives:
// - The recipe is the constructor's options (which decide all the constructor does) and every later
//   call adding or removing a schema, keyword, vocabulary or format, in order, with its arguments;
//   functions (formats, keyword code) count by their source. Real instances of the same recipe compile
//   the same validators. asl-validator's options (checkPaths, checkArn) give other format functions,
//   so another recipe, and a real instance of its own.
// - Equal source means equal behaviour for these functions: asl-validator's formats close over module
//   constants only (jsonata, asl-path-validator's validatePath and default config, the ARN check).
// - A compiled validator keeps nothing between calls: each call's errors are new, and
//   `validate(key, data)` sets `errors` to them (null when valid); the stand-in hands them on.
// - Only validation by schema key is shared: a schema object given to validate would be added to the
//   shared instance, which refuses a second schema of the same $id where a fresh one accepts it.
// - Options a plugin writes (ajv-formats notes in opts.code where standalone code would load its
//   formats) go to the stand-in's copy: they only matter to standalone code, which validate does not make.
import { dirname } from 'node:path';

interface Ajv {
  errors?: unknown;
  logger: unknown;
  validate(schemaKeyRef: unknown, data: unknown): unknown;
}
type AjvClass = new (options?: Record<string, any>) => Ajv;

/** The calls that configure an instance after its constructor. */
const CONFIGURING = ['addSchema', 'addMetaSchema', 'removeSchema', 'addVocabulary', 'addKeyword', 'removeKeyword', 'addFormat'] as const;

/** The Ajv module `actual` (as `require` gives it), its class replaced by a stand-in that shares the real instance of each recipe. */
export function compiledOnceModule(actual: AjvClass & Record<string, unknown>): unknown {
  const Actual = (actual.default ?? actual) as AjvClass;
  const made = new Map<string, Ajv>();
  const keyOf = (recipe: unknown[]) => JSON.stringify(recipe, (_name, value: unknown) => (typeof value === 'function' || value instanceof RegExp ? String(value) : value));

  class CompiledOnce {
    errors: unknown = null;
    /** A copy of the options, for plugins that read or note them. */
    readonly opts: Record<string, any>;
    private readonly options: Record<string, any>;
    private readonly calls: [string, unknown[]][] = [];

    constructor(options: Record<string, any> = {}) {
      this.options = options;
      this.opts = { ...options, code: { ...options.code } };
    }

    /** The real instance of this recipe, made and configured the first time it is asked for. */
    private real(): Ajv {
      const key = keyOf([this.options, this.calls]);
      let ajv = made.get(key);
      if (!ajv) {
        ajv = new Actual(this.options);
        for (const [method, args] of this.calls) (ajv as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args);
        made.set(key, ajv);
      }
      return ajv;
    }

    get logger(): unknown {
      return this.real().logger;
    }

    validate(schemaKeyRef: unknown, data: unknown): unknown {
      if (typeof schemaKeyRef !== 'string') throw new Error('the compiled-once Ajv of the tests validates by schema key only (see test/ajv-compiled-once.ts)');
      const ajv = this.real();
      const valid = ajv.validate(schemaKeyRef, data);
      this.errors = ajv.errors;
      return valid;
    }
  }
  for (const method of CONFIGURING) {
    Object.defineProperty(CompiledOnce.prototype, method, {
      value: function (this: { calls: [string, unknown[]][] }, ...args: unknown[]) {
        this.calls.push([method, args]);
        return this;
      },
    });
  }
  // The module is the class, as Ajv's is; anything else it exports (KeywordCxt, _, ValidationError...) is the actual one.
  const own = (value: unknown) => ({ value, enumerable: true });
  Object.setPrototypeOf(CompiledOnce, actual);
  return Object.defineProperties(CompiledOnce, { __esModule: own(true), default: own(CompiledOnce), Ajv: own(CompiledOnce) });
}

/** The file of the Ajv that `validator` (the file `require` gives for an asl-validator) loads. */
function ajvOf(validator: string): string {
  return require.resolve('ajv', { paths: [dirname(validator)] });
}

/** In this test file, every asl-validator the tests load compiles its schemas once per recipe. */
export function compileAslSchemasOnce(): void {
  const ours = require.resolve('asl-validator');
  const runners = require.resolve('asl-validator', { paths: [dirname(require.resolve('aws-local-stepfunctions'))] });
  for (const ajvPath of new Set([ajvOf(ours), ajvOf(runners)])) {
    jest.mock(ajvPath, () => compiledOnceModule(jest.requireActual(ajvPath)));
  }
}
