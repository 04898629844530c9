#!/usr/bin/env node
// The hartvm command: loads the CLI (bundled to plain JavaScript by scripts/bundle.mjs, or through
// tsx when that cannot be done) and sets the process exit status from its result.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_DIR, ensureBundle } from '../scripts/bundle.mjs';

const argv = process.argv.slice(2);
const bundle = (name) => import(pathToFileURL(path.join(BUNDLE_DIR, name)).href);
let main;
const started = {};
if (await ensureBundle()) {
  // The worker bootstraps (workers/*.worker.mjs) load their bundles too when this is set.
  process.env.HARTVM_BUNDLE_DIR = BUNDLE_DIR;
  // A guest to run: hart 0's thread boots while the CLI loads (both take some 60-90 ms). A thread
  // the CLI does not use (a usage error, say) ends with the process.
  if (argv.includes('run')) started.hart0 = new (await bundle('vcpu-thread.mjs')).VcpuThread(0);
  ({ main } = await bundle('cli.mjs'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
const status = await main(argv, {
  stdout: (data) => process.stdout.write(data),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
}, started);
process.exit(status);
