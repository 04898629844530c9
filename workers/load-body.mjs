// What the ES-module worker bootstraps do (vcpu.worker.cjs does the same in CommonJS): Node 20
// cannot start a worker from a .ts file, so a bootstrap loads its body as the bundle esbuild made
// (HARTVM_BUNDLE_DIR, set by bin/hartvm.mjs) or, without one, the TypeScript source through tsx.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The body's module: `bundle` (a file in the bundle directory) or `source` (relative to workers/). */
export function loadBody(bundle, source) {
  const bundles = process.env.HARTVM_BUNDLE_DIR;
  return bundles
    ? import(pathToFileURL(path.join(bundles, bundle)).href)
    : import('tsx/esm/api').then(({ tsImport }) => tsImport(source, import.meta.url));
}
