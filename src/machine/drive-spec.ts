/**
 * @fileoverview Parses QEMU-style `--drive` specifications: `file=IMG[,readonly=on|off]`. Each
 * drive becomes a virtio-blk device in the next free virtio-mmio slot.
 */

export interface DriveSpec {
  path: string;
  readonly: boolean;
}

/** Returns the drive, or throws an Error whose message says what is wrong with the text. */
export function parseDriveSpec(text: string): DriveSpec {
  let path: string | undefined;
  let readonly = false;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new Error(`--drive ${text}: "${part}" is not key=value (use file=IMG[,readonly=on])`);
    const key = part.slice(0, eq), value = part.slice(eq + 1);
    switch (key) {
      case 'file':
        if (value === '') throw new Error(`--drive ${text}: file= needs a path`);
        path = value;
        break;
      case 'readonly':
        if (value !== 'on' && value !== 'off') throw new Error(`--drive ${text}: readonly must be on or off`);
        readonly = value === 'on';
        break;
      default:
        throw new Error(`--drive ${text}: unknown key "${key}" (known: file, readonly)`);
    }
  }
  if (path === undefined) throw new Error(`--drive ${text}: give the image as file=IMG`);
  return { path, readonly };
}
