// Pool worker for `hartvm batch`: piscina calls the default export once per program.
import { tsImport } from 'tsx/esm/api';

const loaded = tsImport('../src/cli/batch-job.ts', import.meta.url);

export default async function run(job) {
  const { runBatchJob } = await loaded;
  return runBatchJob(job);
}
