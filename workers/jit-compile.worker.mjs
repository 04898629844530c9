// Compile-pool worker for the JIT: piscina calls the default export once per batch of blocks.
import { loadBody } from './load-body.mjs';

const loaded = loadBody('jit-compile.mjs', '../src/jit/block-module.ts');

export default async function compile(job) {
  const { compileBlocks } = await loaded;
  return compileBlocks(job);
}
