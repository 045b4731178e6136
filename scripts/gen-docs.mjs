// `npm run docs` (an incremental TypeScript build first: this imports the packages' dist/) writes the
// generated pages of the user guide: docs/operators.md (the converter's op table and the runtime registry
// of native/build/host-opencl/mace_run) and docs/api-reference.md (the API's OpenAPI document).
// test/docs.test.ts fails when a committed page differs from this output.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { apiReferenceMarkdown, loadApiDocument } from './docs/api-reference.mjs';
import { operatorsMarkdown } from './docs/operators.mjs';

const docs = resolve(import.meta.dirname, '../docs');
const pages = {
  'operators.md': () => operatorsMarkdown(),
  'api-reference.md': async () => apiReferenceMarkdown(await loadApiDocument()),
};
for (const [name, render] of Object.entries(pages)) {
  writeFileSync(resolve(docs, name), await render());
  console.log(`wrote docs/${name}`);
}
