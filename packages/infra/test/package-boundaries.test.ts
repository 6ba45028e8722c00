import { join } from 'node:path';

import { findForbiddenImports } from '../../../scripts/package-boundaries';

test('infra imports no AWS SDK and no handler code (it consumes the bundles as assets)', () => {
  expect(findForbiddenImports('infra', join(__dirname, '..'))).toEqual([]);
});
