// The user guide stays true: no broken relative links or anchors in docs/*.md and README.md; the
// generated pages (operators, API reference) equal what the generators produce from today's code;
// the deployment file reference names exactly the keys @mace/config accepts.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MODEL_KEYS, SUBGRAPH_KEYS, TOP_KEYS } from '@mace/config';
import { ENGINE_OPS, GPU_KERNELS } from '@mace/converter';
import { apiReferenceMarkdown, loadApiDocument } from '../scripts/docs/api-reference.mjs';
import { checkLinks } from '../scripts/docs/links.mjs';
import { MACE_RUN, operatorsMarkdown } from '../scripts/docs/operators.mjs';

const root = resolve(import.meta.dirname, '..');
const docs = join(root, 'docs');
const read = (name: string): string => readFileSync(join(docs, name), 'utf8');
const STALE = 'is stale: run `npm run docs` and commit the result';

describe('links', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mace-docs-links-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('every relative link and anchor of docs/*.md and README.md resolves', () => {
    const files = [
      join(root, 'README.md'),
      ...readdirSync(docs)
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(docs, f)),
    ];
    expect(checkLinks(files, root)).toEqual([]);
  });

  it('reports a missing file, a missing anchor and a missing anchor of the same page', () => {
    writeFileSync(join(tmp, 'b.md'), '# Title\n\n## Second part\n');
    writeFileSync(
      join(tmp, 'a.md'),
      [
        '# A',
        'Good: [b](b.md), [part](b.md#second-part), [self](#a), [web](https://example.com/x.md).',
        'Bad: [gone](c.md) and [part](b.md#third-part) and [self](#nowhere).',
        '```',
        '[in code](ignored.md)',
        '```',
      ].join('\n'),
    );
    expect(checkLinks([join(tmp, 'a.md')], tmp)).toEqual([
      'a.md:3: broken link c.md: c.md does not exist',
      'a.md:3: missing anchor b.md#third-part: b.md has no heading #third-part',
      'a.md:3: missing anchor #nowhere: a.md has no heading #nowhere',
    ]);
  });
});

describe('deployment file reference', () => {
  // The keys of each section's table: the first cell of every row, a `code` span.
  function tableKeys(section: string): string[] {
    const text = read('deployment-file.md');
    const start = text.indexOf(`\n## ${section}`);
    expect(start, `docs/deployment-file.md has a section "## ${section}"`).toBeGreaterThan(-1);
    const end = text.indexOf('\n## ', start + 1);
    const body = text.slice(start, end < 0 ? undefined : end);
    return [...body.matchAll(/^\| `([a-z_0-9]+)` \|/gm)].map((m) => m[1]);
  }

  it.each([
    ['Top level', TOP_KEYS],
    ['Per model', MODEL_KEYS],
    ['Per subgraph', SUBGRAPH_KEYS],
  ])('"%s" documents exactly the keys @mace/config accepts there', (section, keys) => {
    expect(tableKeys(section).sort()).toEqual([...keys].sort());
  });
});

describe('generated pages', () => {
  it(`docs/api-reference.md equals the OpenAPI document's rendering`, async () => {
    const expected = apiReferenceMarkdown(await loadApiDocument());
    expect(read('api-reference.md'), `docs/api-reference.md ${STALE}`).toBe(expected);
  });

  it('the operator list refuses registries that disagree, naming the ops', () => {
    const cpu = [...ENGINE_OPS]
      .filter((op) => op !== 'Tile')
      .concat('NewOp')
      .sort();
    const gpu = Object.keys(GPU_KERNELS).sort();
    expect(() => operatorsMarkdown({ cpu, gpu })).toThrow(
      /the converter accepts Tile but the runtime has no kernel\n.*the runtime has kernels for NewOp that the converter does not list/,
    );
    expect(operatorsMarkdown({ cpu: [...ENGINE_OPS].sort(), gpu })).toContain('| `Tile` | yes: ');
  });

  // The runtime side is the OpenCL build's registry (`mace_run --list_ops`). CI builds it before
  // vitest and sets MACE_REQUIRE_NATIVE=1 (scripts/test.sh); a developer machine without it skips.
  const native = existsSync(MACE_RUN) || process.env.MACE_REQUIRE_NATIVE === '1';
  it.skipIf(!native)(`docs/operators.md equals the converter's and runtime's registries`, () => {
    expect(read('operators.md'), `docs/operators.md ${STALE}`).toBe(operatorsMarkdown());
  });
});
