// vCPU worker entry: Node 20 cannot start a worker from a .ts file, so this bootstrap loads the
// TypeScript body through tsx and hands it the worker's init data.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { runVcpu } = await tsImport('../src/vmm/vcpu.ts', import.meta.url);
await runVcpu(workerData);
// The comlink endpoint listens on parentPort; dropping it lets the worker end once its messages are sent.
parentPort?.removeAllListeners('message');
