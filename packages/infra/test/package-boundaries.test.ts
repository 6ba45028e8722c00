import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findForbiddenImports } = require('../../../scripts/package-boundaries.js');

test('infra imports no AWS SDK and no handler code (it consumes the bundles as assets)', () => {
  expect(findForbiddenImports('infra', join(__dirname, '..'))).toEqual([]);
});
