/** @fileoverview LoaderError: why a kernel, firmware or test program file could not be loaded. */

export type LoaderErrorKind =
  | 'missing'
  | 'unreadable'
  | 'truncated'
  | 'not-elf'
  | 'wrong-class'
  | 'wrong-endian'
  | 'wrong-machine'
  | 'not-executable'
  | 'out-of-ram'
  | 'empty';

/** A file the loader refused; the message names the file and says what to do where it can. */
export class LoaderError extends Error {
  constructor(
    readonly kind: LoaderErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'LoaderError';
  }
}
