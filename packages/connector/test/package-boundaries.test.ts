import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findForbiddenImports } = require('../../../scripts/package-boundaries.js');

test('connector imports no AWS SDK, no handlers and no app code', () => {
  expect(findForbiddenImports('connector', join(__dirname, '..'))).toEqual([]);
});
