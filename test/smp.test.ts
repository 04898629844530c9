/**
 * @fileoverview SMP guest programs (test/guest/smp-m, test/guest/smp-s, built by test/setup/guest-programs.ts)
 * run through the CLI at 1, 2, 4 and 8 harts:
 *   - smp-m/*.elf: bare metal, `--bios none` (every hart starts in M-mode); each must exit 0 and print
 *     "smp: N harts" (the harts it counted at start-up, see test/guest/include/smp.h) with N = --smp;
 *   - smp-s/*.elf: S-mode on the builtin SBI (`--bios builtin`); each must exit 0, except srst-fail,
 *     which shuts down with SRST reason "system failure" and must exit non-zero.
 * Every program also passes on QEMU 7.2 (`-bios none` / default OpenSBI); the file comments say where
 * QEMU's OpenSBI 1.1 differs from SBI v2.0 (base, srst-fail, timer-sbi's Sstc part).
 * A failing check ends the guest with the check's number as exit status and a line
 * "smp: hart H failed check C" / "sbi: hart H failed check C" on the console.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'hartvm.mjs');
const BUILD = path.join(ROOT, 'build', 'guest');
const HARTS = [1, 2, 4, 8];
const GUEST_TIMEOUT_S = 60;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function hartvm(args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BIN, 'run', ...args], {
      cwd: ROOT, timeout: (GUEST_TIMEOUT_S + 30) * 1000, killSignal: 'SIGKILL', maxBuffer: 16 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; signal?: string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: `${e.stderr ?? ''}${e.signal ? `\n(killed by ${e.signal})` : ''}` };
  }
}

function programs(sub: string): string[] {
  const dir = path.join(BUILD, sub);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.elf')).map((f) => f.slice(0, -4)).sort() : [];
}

function explain(args: string[], r: Run): string {
  return `$ hartvm run ${args.map((a) => path.relative(ROOT, a) || a).join(' ')}\nexit ${r.code}\n--- stdout ---\n${r.stdout}--- stderr ---\n${r.stderr}`;
}

const mPrograms = programs('smp-m');
const sPrograms = programs('smp-s');

describe('SMP guest programs', () => {
  beforeAll(() => {
    const buildError = inject('guestBuildError');
    if (buildError) throw new Error(`building the guest programs failed:\n${buildError}`);
  });

  it('has the programs', () => {
    expect(mPrograms).toEqual(expect.arrayContaining(['amo-counter', 'lrsc-lock', 'mp-litmus', 'sb-litmus', 'msip-pingpong', 'timer-all-harts', 'wfi-wake']));
    expect(sPrograms).toEqual(expect.arrayContaining(['hsm', 'ipi-pingpong', 'timer-sbi', 'srst-pass', 'srst-fail', 'base']));
  });

  describe.each(mPrograms)('smp-m/%s (--bios none)', (name) => {
    it.each(HARTS)('%i harts', async (harts) => {
      const args = ['--bios', 'none', '--smp', String(harts), '--timeout', String(GUEST_TIMEOUT_S), path.join(BUILD, 'smp-m', `${name}.elf`)];
      const r = await hartvm(args);
      expect(r.code, explain(args, r)).toBe(0);
      expect(r.stdout, explain(args, r)).toContain(`smp: ${harts} harts\n`);
    });
  });

  describe.each(sPrograms)('smp-s/%s (--bios builtin)', (name) => {
    it.each(HARTS)('%i harts', async (harts) => {
      const args = ['--bios', 'builtin', '--smp', String(harts), '--timeout', String(GUEST_TIMEOUT_S), path.join(BUILD, 'smp-s', `${name}.elf`)];
      const r = await hartvm(args);
      if (name === 'srst-fail') {
        expect(r.code, explain(args, r)).not.toBe(0);
        expect(r.code, explain(args, r)).not.toBe(124);
        expect(r.stdout, explain(args, r)).toContain('shutting down with reason 1');
        expect(r.stdout, explain(args, r)).not.toContain('returned');
        return;
      }
      expect(r.code, explain(args, r)).toBe(0);
      expect(r.stdout, explain(args, r)).toContain(name.startsWith('srst') ? 'shutting down with reason 0' : 'sbi: PASS');
      // hartvm implements Sstc: every hart must have used stimecmp, not skipped it.
      if (name === 'timer-sbi') expect(r.stdout.match(/sstc yes/g)?.length, explain(args, r)).toBe(harts);
    });
  });
});
