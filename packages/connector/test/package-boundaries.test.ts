import { join } from 'node:path';

import { findForbiddenImports } from '../../../scripts/package-boundaries';

test('connector imports no AWS SDK and no snaplake package', () => {
  expect(findForbiddenImports('connector', join(__dirname, '..'))).toEqual([]);
});

test('connector installs no snaplake package with it', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const manifest = require('../package.json');
  expect(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter((name) => name.startsWith('@snaplake/'))).toEqual([]);
});
