// `npx projen config-schema`: writes snaplake.config.schema.json from the config validator (after a build).
// test/config-schema.test.ts fails while the committed file differs from what the validator describes.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { snaplakeConfigJsonSchema } = require('../lib/config');

const file = join(__dirname, '..', 'snaplake.config.schema.json');
writeFileSync(file, `${JSON.stringify(snaplakeConfigJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
