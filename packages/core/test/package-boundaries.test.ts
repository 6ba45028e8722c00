import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { findForbiddenImports } from '../../../scripts/package-boundaries';

describe('package boundaries', () => {
  test('core imports no AWS SDK, no CDK and no other snaplake package', () => {
    expect(findForbiddenImports('core', join(__dirname, '..'))).toEqual([]);
  });

  test('the check reports a forbidden import with its file, line and reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'boundaries-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'bad.ts'), [
      "import { RDSClient } from '@aws-sdk/client-rds';",
      "import type { Stack } from 'aws-cdk-lib';",
      "const cdk = require('aws-cdk-lib/aws-s3');",
      "import { mockClient } from 'aws-sdk-client-mock';",
    ].join('\n'));
    expect(findForbiddenImports('core', dir)).toEqual([
      expect.objectContaining({ file: join('src', 'bad.ts'), line: 1, specifier: '@aws-sdk/client-rds' }),
      expect.objectContaining({ line: 2, specifier: 'aws-cdk-lib' }),
      expect.objectContaining({ line: 3, specifier: 'aws-cdk-lib/aws-s3', reason: expect.stringContaining('no CDK') }),
    ]);
  });

  test('functions may use the AWS SDK but not the CDK', () => {
    const dir = mkdtempSync(join(tmpdir(), 'boundaries-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'handler.ts'), "import { S3Client } from '@aws-sdk/client-s3';\nimport { Duration } from 'aws-cdk-lib';\n");
    expect(findForbiddenImports('functions', dir).map((v: { specifier: string }) => v.specifier)).toEqual(['aws-cdk-lib']);
  });
});
