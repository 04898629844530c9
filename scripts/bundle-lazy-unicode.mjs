// An esbuild plugin for the bundles (scripts/bundle.mjs): the `string-width` package, which yargs
// and its help-text layout (cliui, wrap-ansi) each bring in a copy of, builds an Intl.Segmenter and
// a /^\p{RGI_Emoji}$/v regular expression at module load. The first Segmenter loads ICU's break
// iterator data and the emoji expression compiles Unicode's emoji sequence sets: loading the CLI
// bundle took 39 ms of the main thread with them and 3 ms without, for widths that only a help or
// error text ever measures (string-width measures printable ASCII without either). This plugin
// makes both be built on first use instead. Only those exact declarations are rewritten; a version
// of the package that spells them otherwise is bundled as it is.

const SEGMENTER = 'const segmenter = new Intl.Segmenter();';
const LAZY_SEGMENTER = 'let segmenterOnFirstUse;\n' +
  'const segmenter = {segment: (text) => (segmenterOnFirstUse ??= new Intl.Segmenter()).segment(text)};';
const EMOJI = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
const LAZY_EMOJI = 'let rgiEmojiRegexOnFirstUse;\n' +
  'const rgiEmojiRegex = {test: (text) => (rgiEmojiRegexOnFirstUse ??= /^\\p{RGI_Emoji}$/v).test(text)};';

/**
 * Whether the module's code (its comments left out) uses `name` only as `name.method(` besides its
 * declaration, so that an object with that one method can stand in for it.
 */
function onlyCalls(source, name, method) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const uses = (code.match(new RegExp(`\\b${name}\\b`, 'g')) ?? []).length - 1;
  const calls = (code.match(new RegExp(`\\b${name}\\.${method}\\(`, 'g')) ?? []).length;
  return uses >= 1 && calls === uses;
}

export const lazyUnicodeTables = {
  name: 'lazy-unicode-tables',
  setup(build) {
    build.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, async ({ path }) => {
      const { readFile } = await import('node:fs/promises');
      let contents = await readFile(path, 'utf8');
      if (contents.includes(SEGMENTER) && onlyCalls(contents, 'segmenter', 'segment')) contents = contents.replace(SEGMENTER, LAZY_SEGMENTER);
      if (contents.includes(EMOJI) && onlyCalls(contents, 'rgiEmojiRegex', 'test')) contents = contents.replace(EMOJI, LAZY_EMOJI);
      return { contents, loader: 'js' };
    });
  },
};
