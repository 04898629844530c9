// The TypeScript sources compiled into five plain JavaScript files (the CLI, the vCPU thread starter,
// the vCPU worker body, the batch job and the JIT compile job) with esbuild, so that the hartvm command
// and each of its worker threads load one JavaScript file instead of running tsx's on-the-fly
// compiler over every source file: start-up time counts in every Linux boot and every test. The bundle is rebuilt whenever a source file is
// newer than it, so it can never be stale; without esbuild, everything still runs through tsx.
//
// The bundles live in build/dist/, two levels below the root like src/<dir>/, so the source's
// relative paths to workers/ resolve the same from either.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lazyUnicodeTables } from './bundle-lazy-unicode.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE_DIR = path.join(ROOT, 'build', 'dist');
// yargs is bundled in: as ES modules it is some 40 files, and loading them took 130 ms of every
// command's start. piscina stays a package of its own: it starts its workers from its own files.
const UNBUNDLED = ['piscina'];
const ENTRIES = {
  cli: 'src/cli/main.ts', 'vcpu-thread': 'src/machine/vcpu-thread.ts', vcpu: 'src/vcpu/vcpu.ts', 'batch-job': 'src/cli/batch-job.ts', 'jit-compile': 'src/jit/block-module.ts',
};
// The vCPU body is CommonJS (vcpu.cjs), loaded with require() by a CommonJS bootstrap
// (workers/vcpu.worker.cjs): a worker that never starts Node's ES module loader is ready about 8 ms
// sooner on this host (66 against 74 ms from spawn to a loaded body), and hart 0's thread is on the
// way to the guest's first instruction. The source's `import.meta.url` becomes the bundle's own URL.
const COMMONJS = new Set(['vcpu']);
const outputOf = (name) => path.join(BUNDLE_DIR, `${name}.${COMMONJS.has(name) ? 'cjs' : 'mjs'}`);
const COMMONJS_OPTIONS = {
  format: 'cjs', define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function isFresh() {
  // The bundler's own scripts count too: a change to how bundles are made makes them stale.
  const scripts = ['bundle.mjs', 'bundle-lazy-unicode.mjs'].map((f) => statSync(path.join(ROOT, 'scripts', f)).mtimeMs);
  const newest = Math.max(newestSource(path.join(ROOT, 'src')), statSync(path.join(ROOT, 'package.json')).mtimeMs, ...scripts);
  return Object.keys(ENTRIES).every((name) => {
    const out = outputOf(name);
    return existsSync(out) && statSync(out).mtimeMs >= newest;
  });
}

/** Makes sure build/dist holds bundles of the current sources; returns false when it cannot (no esbuild). */
export async function ensureBundle() {
  try {
    if (isFresh()) return true;
    const esbuild = await import('esbuild');
    mkdirSync(BUNDLE_DIR, { recursive: true });
    for (const [name, entry] of Object.entries(ENTRIES)) {
      // Written beside the target and renamed, so a concurrent hartvm never loads half a file.
      const tmp = `${outputOf(name)}.${process.pid}.tmp`;
      await esbuild.build({
        entryPoints: [path.join(ROOT, entry)], outfile: tmp, bundle: true, format: 'esm', platform: 'node',
        target: 'node20', external: UNBUNDLED, logLevel: 'error', plugins: [lazyUnicodeTables],
        ...(COMMONJS.has(name) ? COMMONJS_OPTIONS : {}),
      });
      renameSync(tmp, outputOf(name));
    }
    return true;
  } catch {
    return false;
  }
}
