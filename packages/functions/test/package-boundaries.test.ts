import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findForbiddenImports } = require('../../../scripts/package-boundaries.js');

test('functions import no CDK and no connector or infra code', () => {
  expect(findForbiddenImports('functions', join(__dirname, '..'))).toEqual([]);
});
