// vCPU worker entry: loads the body (load-body.mjs) and does the work that needs no hart while it
// waits for its VcpuInit, which comes as the first message: the thread may start before its machine
// exists (src/machine/vcpu-thread.ts).
import { once } from 'node:events';
import { parentPort } from 'node:worker_threads';
import { loadBody } from './load-body.mjs';

const [[init], { runVcpu }] = await Promise.all([
  once(parentPort, 'message'),
  loadBody('vcpu.mjs', '../src/vcpu/vcpu.ts').then((body) => { body.prepareVcpu(); return body; }),
]);
await runVcpu(init);
// tsx's loader hooks and the comlink endpoint keep ports open; the hart is done, so end the thread
// (messages already posted, such as the final stats, are still delivered).
process.exit(0);
