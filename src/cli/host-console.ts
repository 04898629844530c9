/**
 * @fileoverview The host terminal as the guest's console, as QEMU's -nographic makes it: raw mode on a
 * TTY so keys reach the guest unprocessed (Ctrl-C included), and an escape character, Ctrl-A, for
 * the VMM's own commands: Ctrl-A x quits, Ctrl-A h lists the commands, Ctrl-A Ctrl-A sends Ctrl-A.
 */

import { PassThrough } from 'node:stream';

const CTRL_A = 0x01;

export class HostConsole {
  /** What the guest reads: host input with the escape sequences taken out. */
  readonly guestInput = new PassThrough();
  private escaped = false;
  private readonly wasRaw: boolean;
  private readonly onData = (chunk: Buffer): void => this.filter(chunk);

  constructor(
    private readonly stdin: NodeJS.ReadStream,
    private readonly notice: (text: string) => void,
    private readonly quit: () => void,
  ) {
    this.wasRaw = stdin.isTTY ? stdin.isRaw : false;
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.on('data', this.onData);
  }

  /** Gives the terminal back as it was; the process can then exit without waiting for input. */
  close(): void {
    this.stdin.off('data', this.onData);
    if (this.stdin.isTTY) this.stdin.setRawMode(this.wasRaw);
    this.stdin.pause();
    this.guestInput.end();
  }

  private filter(chunk: Buffer): void {
    // Escapes only make sense on an interactive terminal; piped input goes to the guest untouched.
    if (!this.stdin.isTTY) { this.guestInput.write(chunk); return; }
    const out: number[] = [];
    for (const byte of chunk) {
      if (!this.escaped) {
        if (byte === CTRL_A) this.escaped = true;
        else out.push(byte);
        continue;
      }
      this.escaped = false;
      switch (byte) {
        case 0x78: case 0x58: // x: quit
          this.notice('\r\nhartvm: terminated (Ctrl-A x)\r\n');
          this.quit();
          break;
        case 0x68: case 0x48: case 0x3f: // h, ?: help
          this.notice('\r\nC-a x    exit hartvm\r\nC-a h    print this help\r\nC-a C-a  send C-a to the guest\r\n');
          break;
        case CTRL_A:
          out.push(CTRL_A);
          break;
        default:
          break; // unknown escapes are dropped, as QEMU does
      }
    }
    if (out.length > 0) this.guestInput.write(Buffer.from(out));
  }
}
