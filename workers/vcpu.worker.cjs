// vCPU worker entry: loads the body and does the work that needs no hart while it waits for its
// VcpuInit, which comes as the first message: the thread may start before its machine exists
// (src/machine/vcpu-thread.ts). While no VcpuInit is there, it trains the interpreter one program at
// a time; a VcpuInit that is already waiting when the body is ready starts the guest at once.
//
// CommonJS, unlike the other bootstraps: with the body bundled as CommonJS too (scripts/bundle.mjs),
// the thread never starts Node's ES module loader, and is ready about 8 ms sooner. Without a bundle
// (no esbuild), the TypeScript source is loaded through tsx, as load-body.mjs does.
'use strict';
const { once } = require('node:events');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { parentPort, receiveMessageOnPort } = require('node:worker_threads');

function loadBody() {
  const bundles = process.env.HARTVM_BUNDLE_DIR;
  return bundles
    ? Promise.resolve(require(path.join(bundles, 'vcpu.cjs')))
    : import('tsx/esm/api').then(({ tsImport }) => tsImport('../src/vcpu/vcpu.ts', pathToFileURL(__filename).href));
}

(async () => {
  const { prepareVcpu, trainWhileWaiting, runVcpu } = await loadBody();
  prepareVcpu();
  let init = receiveMessageOnPort(parentPort)?.message;
  while (init === undefined && trainWhileWaiting()) init = receiveMessageOnPort(parentPort)?.message;
  init ??= (await once(parentPort, 'message'))[0];
  await runVcpu(init);
  // tsx's loader hooks and the comlink endpoint keep ports open; the hart is done, so end the thread
  // (messages already posted, such as the final stats, are still delivered).
  process.exit(0);
})();
