// vCPU worker entry: loads the body (load-body.mjs) and hands it the init data.
import { workerData } from 'node:worker_threads';
import { loadBody } from './load-body.mjs';

const { runVcpu } = await loadBody('vcpu.mjs', '../src/vcpu/vcpu.ts');
await runVcpu(workerData);
// tsx's loader hooks and the comlink endpoint keep ports open; the hart is done, so end the thread
// (messages already posted, such as the final stats, are still delivered).
process.exit(0);
