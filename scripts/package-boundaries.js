// Package boundaries: which packages each snaplake package may not import from its sources.
// Used by every package's boundary test and runnable as `node scripts/package-boundaries.js`.
'use strict';
const fs = require('fs');
const path = require('path');

const CDK = ['aws-cdk-lib', 'constructs', 'cdk-nag', 'aws-cdk'];
const AWS_SDK = ['aws-sdk', '@aws-sdk/', '@smithy/'];

/** Import prefixes each package must never use, with the reason shown when one does. */
const FORBIDDEN_IMPORTS = {
  core: {
    prefixes: [...AWS_SDK, ...CDK, '@snaplake/functions', '@snaplake/connector', '@snaplake/infra'],
    reason: 'core is pure domain logic: no AWS SDK, no CDK, no other snaplake package',
  },
  functions: {
    prefixes: [...CDK, '@snaplake/connector', '@snaplake/infra'],
    reason: 'functions are Lambda handlers on the AWS SDK: no CDK',
  },
  connector: {
    prefixes: [...AWS_SDK, '@snaplake/core', '@snaplake/functions', '@snaplake/infra'],
    reason: 'connector is a publishable CDK construct library: no AWS SDK, and no snaplake package (its users would install snaplake\'s CLI and config parser with it)',
  },
  infra: {
    prefixes: [...AWS_SDK, '@snaplake/functions'],
    reason: 'infra is the CDK app: it consumes function bundles as assets, never their code',
  },
};

const IMPORT_PATTERNS = [
  /\bimport\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g,
  /\bexport\s+(?:type\s+)?[^'";]*?\sfrom\s+['"]([^'"]+)['"]/g,
  /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function importsOf(sourceText) {
  const specifiers = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of sourceText.matchAll(pattern)) specifiers.push(match[1]);
  }
  return specifiers;
}

function sourceFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/**
 * Lists every import in `<packageDir>/src` that crosses the package's boundary.
 * @param {string} packageName one of core, functions, connector, infra
 * @param {string} packageDir the package's folder
 * @returns {{ file: string, line: number, specifier: string, reason: string }[]}
 */
function findForbiddenImports(packageName, packageDir) {
  const rule = FORBIDDEN_IMPORTS[packageName];
  if (!rule) throw new Error(`Unknown package '${packageName}': expected one of ${Object.keys(FORBIDDEN_IMPORTS).join(', ')}`);
  const violations = [];
  for (const file of sourceFiles(path.join(packageDir, 'src'))) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, index) => {
      for (const specifier of importsOf(text)) {
        if (rule.prefixes.some((prefix) => specifier === prefix || specifier.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))) {
          violations.push({ file: path.relative(packageDir, file), line: index + 1, specifier, reason: rule.reason });
        }
      }
    });
  }
  return violations;
}

module.exports = { FORBIDDEN_IMPORTS, findForbiddenImports, importsOf };

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const violations = Object.keys(FORBIDDEN_IMPORTS).flatMap((name) =>
    findForbiddenImports(name, path.join(root, 'packages', name)).map((v) => ({ ...v, file: path.join('packages', name, v.file) })));
  for (const v of violations) console.error(`${v.file}:${v.line} imports '${v.specifier}': ${v.reason}`);
  console.log(violations.length === 0 ? 'package boundaries: ok' : `package boundaries: ${violations.length} forbidden import(s)`);
  process.exit(violations.length === 0 ? 0 : 1);
}
