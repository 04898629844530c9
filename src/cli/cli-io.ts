/** @fileoverview Where a hartvm command writes and reads: the process's streams, or a test's. */

export interface CliIo {
  stdout(text: string | Uint8Array): void;
  stderr(text: string): void;
  stdin?: NodeJS.ReadStream;
}
