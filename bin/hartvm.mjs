#!/usr/bin/env node
// The hartvm command: loads the CLI (bundled to plain JavaScript by scripts/bundle.mjs, or through
// tsx when that cannot be done) and sets the process exit status from its result.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_DIR, ensureBundle } from '../scripts/bundle.mjs';

let main;
if (await ensureBundle()) {
  // The worker bootstraps (workers/*.worker.mjs) load their bundles too when this is set.
  process.env.HARTVM_BUNDLE_DIR = BUNDLE_DIR;
  ({ main } = await import(pathToFileURL(path.join(BUNDLE_DIR, 'cli.mjs')).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
const status = await main(process.argv.slice(2), {
  stdout: (data) => process.stdout.write(data),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
});
process.exit(status);
