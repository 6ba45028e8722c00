import { integerEnv, InvalidInputError, isStringList, jsonEnv, listOf, optionalIntegerEnv, optionalJsonEnv, requiredEnv, withStrings } from '../src';

// The stack sets every variable; a wrong value (a hand edit in the console, a bug in a stack) must
// fail the step with InvalidInput naming the variable, never a TypeError or a NaN further down.

const destinations = { expected: 'a list of { region, kmsKeyArn }', matches: listOf(withStrings('region', 'kmsKeyArn')) };

describe('requiredEnv', () => {
  test.each([undefined, ''])('%p is a clear error naming the variable', (value) => {
    expect(() => requiredEnv('EXPORT_BUCKET_NAME', { EXPORT_BUCKET_NAME: value })).toThrow(new InvalidInputError('environment variable EXPORT_BUCKET_NAME is not set: the function was deployed without it'));
  });
});

describe('integer variables', () => {
  const bounds = { min: 1, max: 1000 };

  test('a whole number within the bounds is read; unset is undefined when optional', () => {
    expect(optionalIntegerEnv('KEEP_LAST', bounds, { KEEP_LAST: '7' })).toBe(7);
    expect(optionalIntegerEnv('KEEP_LAST', bounds, {})).toBeUndefined();
    expect(integerEnv('KEEP_LAST', bounds, { KEEP_LAST: '1000' })).toBe(1000);
  });

  test.each(['abc', '7.5', '0', '-3', '1001', '1e3', '0x10', ' '])('KEEP_LAST=%p is refused, naming the variable and the bounds', (value) => {
    const error = (() => {
      try {
        return optionalIntegerEnv('KEEP_LAST', bounds, { KEEP_LAST: value });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toBe(`environment variable KEEP_LAST must be a whole number from 1 to 1000, got ${JSON.stringify(value)}`);
  });

  test('a required integer that is unset says so', () => {
    expect(() => integerEnv('EXPORT_RETENTION_DAYS', bounds, {})).toThrow('environment variable EXPORT_RETENTION_DAYS is not set');
  });
});

describe('JSON variables', () => {
  test('a value of the shape is returned as parsed', () => {
    const value = [{ region: 'eu-central-1', kmsKeyArn: 'arn:aws:kms:eu-central-1:111111111111:alias/dr' }];
    expect(jsonEnv('COPY_DESTINATIONS', destinations, { COPY_DESTINATIONS: JSON.stringify(value) })).toEqual(value);
  });

  test('text that is not JSON names the variable and the shape expected', () => {
    expect(() => jsonEnv('COPY_DESTINATIONS', destinations, { COPY_DESTINATIONS: '[{region: eu-central-1}]' }))
      .toThrow(/^environment variable COPY_DESTINATIONS is not JSON \(.+\); it must be a list of \{ region, kmsKeyArn \}$/);
  });

  test.each([
    ['null', 'null'],
    ['an object in place of a list', '{"region":"eu-central-1"}'],
    ['an item without its key', '[{"region":"eu-central-1"}]'],
    ['a number in place of a string', '[{"region":"eu-central-1","kmsKeyArn":7}]'],
  ])('%s is refused with the value shown, never a TypeError', (_, text) => {
    expect(() => jsonEnv('COPY_DESTINATIONS', destinations, { COPY_DESTINATIONS: text }))
      .toThrow(new InvalidInputError(`environment variable COPY_DESTINATIONS must be a list of { region, kmsKeyArn }, got ${JSON.stringify(text)}`));
  });

  test('a long value is cut short in the message', () => {
    const text = JSON.stringify(Array.from({ length: 100 }, () => 'x'.repeat(10)).map((x) => ({ region: x })));
    const message = (() => {
      try {
        jsonEnv('COPY_DESTINATIONS', destinations, { COPY_DESTINATIONS: text });
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(text.length).toBeGreaterThan(1500);
    expect(message.length).toBeLessThan(400);
    expect(message).toMatch(/\.\.\."$/);
  });

  test('an optional JSON variable that is unset is undefined; set, it is checked', () => {
    const shape = { expected: 'a list of names', matches: isStringList };
    expect(optionalJsonEnv('DESTINATION_REGIONS', shape, {})).toBeUndefined();
    expect(() => optionalJsonEnv('DESTINATION_REGIONS', shape, { DESTINATION_REGIONS: '["eu-central-1", 3]' })).toThrow('DESTINATION_REGIONS must be a list of names');
  });
});
