/**
 * @fileoverview A batch of blocks as one wasm module, compiled: the work a hart hands to the compile
 * pool (and does itself when it has no pool, as the differential mode does). Pure: it reads nothing
 * but its arguments, so it runs the same on the vCPU thread and on a pool thread.
 *
 * The module imports the shared memory, the hart's helper table and two globals, and exports one
 * function per translation unit of the batch as u0, u1, ... in the order of `units`. It imports no
 * function (runtime.ts says why).
 */

import { FunctionBody, Type, buildModule, type Import } from './wasm-writer.ts';
import { translateUnit, type TranslateContext } from './translator.ts';
import { BLOCK_MODULE_TYPES, Fn } from './helper-table.ts';
import type { BlockCode } from './block.ts';

const IMPORTS: Import[] = [
  { module: 'e', name: 'memory', kind: 'memory', shared: true, min: 0, max: 65536 },
  { module: 'e', name: 'helpers', kind: 'table', min: Fn.Count },
  { module: 'e', name: 'exit', kind: 'global', type: Type.I32, mutable: true },
  { module: 'e', name: 'dataTag', kind: 'global', type: Type.I64, mutable: true },
];

/** A batch to compile: plain data, so it can be posted to another thread. */
export interface CompileJob {
  /** The hart's own number for the batch, returned with the result. */
  id: number;
  blocks: BlockCode[];
  /**
   * The batch's translation units: each the indexes in `blocks` of the blocks one function holds,
   * and the privilege they run at.
   */
  units: { blocks: number[]; priv: number }[];
  ctx: TranslateContext;
}

export interface CompileResult {
  id: number;
  module: WebAssembly.Module;
  /** Time the translation and the engine's compile took, where they ran. */
  ms: number;
}

/** Translates and compiles a batch of blocks, a function per unit. */
export function compileBlocks(job: CompileJob): CompileResult {
  const started = performance.now();
  const functions = job.units.map((unit) => {
    const body = new FunctionBody();
    translateUnit(unit.blocks.map((i) => job.blocks[i]), job.ctx, body, unit.priv);
    return { type: 0, body };
  });
  const bytes = buildModule({
    types: BLOCK_MODULE_TYPES, imports: IMPORTS, functions,
    exports: functions.map((_, i) => ({ name: `u${i}`, func: i })),
  });
  const module = new WebAssembly.Module(bytes);
  return { id: job.id, module, ms: performance.now() - started };
}
