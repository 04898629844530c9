// vCPU worker entry: loads the body (load-body.mjs) and does the work that needs no hart while it
// waits for its VcpuInit, which comes as the first message: the thread may start before its machine
// exists (src/machine/vcpu-thread.ts). While no VcpuInit is there, it trains the interpreter one
// program at a time; a VcpuInit that is already waiting when the body is ready starts the guest at
// once.
import { once } from 'node:events';
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { loadBody } from './load-body.mjs';

const { prepareVcpu, trainWhileWaiting, runVcpu } = await loadBody('vcpu.mjs', '../src/vcpu/vcpu.ts');
prepareVcpu();
let init = receiveMessageOnPort(parentPort)?.message;
while (init === undefined && trainWhileWaiting()) init = receiveMessageOnPort(parentPort)?.message;
init ??= (await once(parentPort, 'message'))[0];
await runVcpu(init);
// tsx's loader hooks and the comlink endpoint keep ports open; the hart is done, so end the thread
// (messages already posted, such as the final stats, are still delivered).
process.exit(0);
