import { join } from 'node:path';

import { findForbiddenImports } from '../../../scripts/package-boundaries';

test('functions import no CDK and no connector or infra code', () => {
  expect(findForbiddenImports('functions', join(__dirname, '..'))).toEqual([]);
});
