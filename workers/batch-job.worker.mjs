// Pool worker for `hartvm batch`: piscina calls the default export once per program. The body is
// bundled (HARTVM_BUNDLE_DIR, set by bin/hartvm.mjs) or loaded through tsx.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const bundles = process.env.HARTVM_BUNDLE_DIR;
const loaded = bundles
  ? import(pathToFileURL(path.join(bundles, 'batch-job.mjs')).href)
  : import('tsx/esm/api').then(({ tsImport }) => tsImport('../src/cli/batch-job.ts', import.meta.url));

export default async function run(job) {
  const { runBatchJob } = await loaded;
  return runBatchJob(job);
}
