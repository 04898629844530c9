// Compile-pool worker for the JIT: piscina calls the default export once per batch of blocks. The
// body is bundled (HARTVM_BUNDLE_DIR, set by bin/hartvm.mjs) or loaded through tsx.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const bundles = process.env.HARTVM_BUNDLE_DIR;
const loaded = bundles
  ? import(pathToFileURL(path.join(bundles, 'jit-compile.mjs')).href)
  : import('tsx/esm/api').then(({ tsImport }) => tsImport('../src/jit/block-module.ts', import.meta.url));

export default async function compile(job) {
  const { compileBlocks } = await loaded;
  return compileBlocks(job);
}
