import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { ConfigError } from '../src';
import { parseSnaplakeConfigText, snaplakeConfigJsonSchema } from '../src/config';

const valid = {
  project: 'acme',
  stages: [{
    name: 'prod',
    account: '123456789012',
    region: 'eu-west-1',
    databases: [{ identifier: 'orders-db', kind: 'cluster', engine: 'postgres' }],
    disasterRecovery: { destinationRegions: ['eu-central-1'], databases: ['orders-db'] },
  }],
};

function errorOf(text: string): ConfigError {
  try {
    parseSnaplakeConfigText(text, 'my.config.json');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseSnaplakeConfigText', () => {
  test('reads a valid file', () => {
    expect(parseSnaplakeConfigText(JSON.stringify(valid, null, 2), 'my.config.json').stages[0]!.name).toBe('prod');
  });

  test.each([
    ['a missing comma', '{\n  "project": "acme"\n  "stages": []\n}', 'my.config.json:3:3'],
    ['a trailing comma', '{\n  "project": "acme",\n}', 'my.config.json:3:1'],
    ['an unquoted field', '{ stages: ', 'my.config.json:1:3'],
    ['a file that ends too early', '{\n  "project": "acme",\n  "stages": [', 'my.config.json:3:14'],
    ['a stray bracket (Node 20 gives no position for it)', '{\n  "project": "acme",\n  "stages": [}\n}', 'my.config.json:3:14'],
  ])('a JSON syntax error (%s) is reported by line and column', (_case, text, field) => {
    const error = errorOf(text);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(new RegExp(`^${field}: invalid JSON: \\S`));
    expect(error.message).not.toContain('position');
    expect(error.message).not.toContain('is not valid JSON');
  });

  test('an empty file says so', () => {
    expect(errorOf(' \n').message).toBe('my.config.json: the file is empty; it should hold the JSON configuration');
  });

  test('an invalid field is named after the file', () => {
    const error = errorOf(JSON.stringify({ ...valid, stages: [{ ...valid.stages[0], region: 'eu-west-9' }] }));
    expect(error.field).toBe('my.config.json: stages[0].region');
  });
});

describe('the JSON Schema', () => {
  const schemaFile = join(__dirname, '..', 'snaplake.config.schema.json');

  test('the committed snaplake.config.schema.json is the one the validator describes (run `npx projen config-schema` in packages/core)', () => {
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(snaplakeConfigJsonSchema());
  });

  // Ajv stands in for an editor: it checks files against the schema as VS Code or IntelliJ would.
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(snaplakeConfigJsonSchema());

  test('an editor accepts a valid config written without the defaults', () => {
    expect(validate({ $schema: './snaplake.config.schema.json', ...valid })).toBe(true);
  });

  test.each([
    ['a misspelt field', { ...valid, stages: [{ ...valid.stages[0], exportRetentionDay: 90 }] }, '/stages/0', 'additionalProperties'],
    ['an unknown region', { ...valid, stages: [{ ...valid.stages[0], region: 'eu-west-9' }] }, '/stages/0/region', 'enum'],
    ['an account given as a number', { ...valid, stages: [{ ...valid.stages[0], account: 123456789012 }] }, '/stages/0/account', 'type'],
    ['a missing engine', { ...valid, stages: [{ ...valid.stages[0], databases: [{ identifier: 'x', kind: 'instance' }] }] }, '/stages/0/databases/0', 'required'],
  ])('an editor flags %s where the validator does', (_case, config, instancePath, keyword) => {
    expect(validate(config)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ instancePath, keyword }));
    expect(() => parseSnaplakeConfigText(JSON.stringify(config), 'x.json')).toThrow(ConfigError);
  });
});
