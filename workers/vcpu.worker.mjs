// vCPU worker entry: Node 20 cannot start a worker from a .ts file, so this bootstrap loads the body,
// bundled (HARTVM_BUNDLE_DIR, set by bin/hartvm.mjs) or through tsx, and hands it the init data.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';

const bundles = process.env.HARTVM_BUNDLE_DIR;
const { runVcpu } = bundles
  ? await import(pathToFileURL(path.join(bundles, 'vcpu.mjs')).href)
  : await (await import('tsx/esm/api')).tsImport('../src/vmm/vcpu.ts', import.meta.url);
await runVcpu(workerData);
// tsx's loader hooks and the comlink endpoint keep ports open; the hart is done, so end the thread
// (messages already posted, such as the final stats, are still delivered).
process.exit(0);
