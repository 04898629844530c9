/**
 * @fileoverview Parses `--cpu rv64[,EXT=on|off...]`, QEMU's spelling of a CPU model and its
 * extension switches (QEMU also takes true and false), into the mask of optional extensions the
 * harts implement (memory/extensions.ts). Every optional extension is on unless switched off, so
 * `--cpu rv64,zba=off,...` can bring a guest down to plain RV64GC.
 */

import { ALL_EXTENSIONS, MULTI_LETTER_EXTENSIONS, OPTIONAL_EXTENSIONS } from '../memory/extensions.ts';
import { ISA_LETTERS } from '../memory/machine-map.ts';

/** The one CPU model: RV64GC plus the optional extensions. */
export const CPU_MODEL = 'rv64';

/** Returns the extension mask, or throws an Error whose message names what is wrong with the text. */
export function parseCpuSpec(text: string): number {
  const [model, ...switches] = text.split(',');
  if (model !== CPU_MODEL) throw new Error(`--cpu ${text}: unknown CPU model "${model}" (hartvm has one: ${CPU_MODEL})`);
  let mask = ALL_EXTENSIONS;
  for (const part of switches) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new Error(`--cpu ${text}: "${part}" is not EXT=on|off`);
    const name = part.slice(0, eq).toLowerCase(), value = part.slice(eq + 1);
    const on = value === 'on' || value === 'true';
    if (!on && value !== 'off' && value !== 'false') throw new Error(`--cpu ${text}: ${name} must be on or off, not "${value}"`);
    const optional = OPTIONAL_EXTENSIONS.find(([n]) => n === name);
    if (optional !== undefined) {
      mask = on ? mask | optional[1] : mask & ~optional[1];
      continue;
    }
    const inBase = (ISA_LETTERS as readonly string[]).includes(name) || MULTI_LETTER_EXTENSIONS.some(([n]) => n === name);
    if (inBase && on) continue; // already on
    if (inBase) throw new Error(`--cpu ${text}: ${name} is part of hartvm's RV64GC base and cannot be switched off`);
    const known = OPTIONAL_EXTENSIONS.map(([n]) => n).join(', ');
    throw new Error(`--cpu ${text}: unknown extension "${name}" (those that can be switched: ${known})`);
  }
  return mask;
}
