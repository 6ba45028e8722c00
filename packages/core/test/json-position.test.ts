import fc from 'fast-check';
import { jsonErrorOffset } from '../src/config/json-position';

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('jsonErrorOffset', () => {
  test('property: it finds an error exactly when JSON.parse fails, on JSON with one character inserted, removed or replaced', () => {
    const edited = fc.tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.constantFrom('insert', 'remove', 'replace'), fc.constantFrom(...'{}[],:"\\ 0a-.e\n'))
      .map(([json, at, edit, char]) => {
        const i = json.length === 0 ? 0 : at % json.length;
        if (edit === 'insert') return json.slice(0, i) + char + json.slice(i);
        if (edit === 'remove') return json.slice(0, i) + json.slice(i + 1);
        return json.slice(0, i) + char + json.slice(i + 1);
      });
    fc.assert(fc.property(edited, (text) => (jsonErrorOffset(text) === undefined) === parses(text)), { numRuns: 5_000 });
  });

  test.each([
    ['{\n  "a": 1\n  "b": 2\n}', 13],
    ['{"a": [1, 2,]}', 12],
    ['{"a": [} }', 7],
    ['{"a": "x', 8],
    ['{"a": 01}', 7],
    ['{} x', 3],
  ])('%j goes wrong at offset %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});
