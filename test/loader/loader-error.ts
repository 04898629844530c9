/** For the loader's tests: the LoaderError that `run` throws; anything else, or nothing, fails the test. */
import { LoaderError } from '../../src/loader/errors.ts';

export function loaderError(run: () => unknown): LoaderError {
  try {
    run();
  } catch (error) {
    if (error instanceof LoaderError) return error;
    throw new Error(`expected a LoaderError, got ${String(error)}`);
  }
  throw new Error('expected a LoaderError, but nothing was thrown');
}
