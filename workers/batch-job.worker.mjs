// Pool worker for `hartvm batch`: piscina calls the default export once per program.
import { loadBody } from './load-body.mjs';

const loaded = loadBody('batch-job.mjs', '../src/cli/batch-job.ts');

export default async function run(job) {
  const { runBatchJob } = await loaded;
  return runBatchJob(job);
}
