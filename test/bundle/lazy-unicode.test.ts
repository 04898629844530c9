/**
 * The bundler's lazy-unicode-tables plugin (scripts/bundle-lazy-unicode.mjs): every copy of
 * string-width the CLI bundle holds must still measure what the package measures, with its
 * Segmenter and emoji expression built on first use rather than at load. Each copy is bundled with
 * and without the plugin and the two are compared on strings that take every path of the package.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as esbuild from 'esbuild';
// @ts-expect-error plain ESM script without type declarations
import { lazyUnicodeTables } from '../../scripts/bundle-lazy-unicode.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** The copies yargs and its help layout use (package-lock.json): 8.x for yargs, 7.x for cliui and wrap-ansi. */
const COPIES = ['node_modules/string-width', 'node_modules/cliui/node_modules/string-width', 'node_modules/wrap-ansi/node_modules/string-width'];
const SAMPLES = [
  '', 'plain ascii', 'tab\there', 'héllo wörld', 'e\u0301', '日本語のテキスト', 'ｱｲｳｴｵ', '한국어', '\u1100\u1161\u11a8',
  '\x1b[31mred\x1b[0m', 'zero\u200bwidth', '\u00ad', '👍', '👩‍👩‍👧‍👦', '🇯🇵', '1️⃣', '#\u20e3', '❤', '❤️', 'a\u0300\u0301\u0302',
];

const dir = mkdtempSync(path.join(tmpdir(), 'hartvm-lazy-unicode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bundles one copy of string-width (with or without the plugin) to a file; returns its source and its stringWidth. */
async function bundled(copy: string, lazy: boolean): Promise<{ source: string; stringWidth: (s: string) => number }> {
  const outfile = path.join(dir, `${copy.replaceAll('/', '_')}-${lazy}.mjs`);
  await esbuild.build({
    stdin: { contents: `export { default } from ${JSON.stringify(path.join(ROOT, copy, 'index.js'))};`, resolveDir: ROOT, loader: 'js' },
    outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error',
    plugins: lazy ? [lazyUnicodeTables] : [],
  });
  const { readFileSync } = await import('node:fs');
  return { source: readFileSync(outfile, 'utf8'), stringWidth: (await import(pathToFileURL(outfile).href)).default };
}

describe('string-width with its Unicode tables built on first use', () => {
  it.each(COPIES)('%s: builds nothing at load and measures as the package does', async (copy) => {
    const [plain, lazy] = [await bundled(copy, false), await bundled(copy, true)];
    expect(plain.source).toMatch(/^var segmenter\d* = new Intl\.Segmenter\(\);$/m);
    expect(lazy.source).not.toMatch(/^var \w+ = new Intl\.Segmenter\(\);$/m);
    expect(lazy.source).not.toMatch(/^var \w+ = new RegExp\("\^\\\\p\{RGI_Emoji\}\$", "v"\);$/m);
    for (const s of SAMPLES) expect([s, lazy.stringWidth(s)]).toEqual([s, plain.stringWidth(s)]);
  });
});
