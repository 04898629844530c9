// vCPU worker entry: Node 20 cannot start a worker from a .ts file, so this bootstrap loads the
// TypeScript body through tsx and hands it the worker's init data.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { runVcpu } = await tsImport('../src/vmm/vcpu.ts', import.meta.url);
await runVcpu(workerData);
// tsx's loader hooks and the comlink endpoint keep ports open; the hart is done, so end the thread
// (messages already posted, such as the final stats, are still delivered).
process.exit(0);
