/**
 * @fileoverview The ISA conformance suite: runs hartvm's own bare-metal guest programs
 * (test/guest, built by test/setup/guest-programs.ts) on the emulator through the CLI, as a user would:
 *   - build/guest/isa/*.elf, build/guest/fp/*.elf and build/guest/bitmanip/*.elf in one `hartvm batch` (each ends through the
 *     sifive_test finisher);
 *   - build/guest/htif/*.elf with `hartvm run` (HTIF tohost: exit 0 for htif-pass, 3 for htif-fail);
 *   - build/guest/c/*.elf, build/guest/fp-c/*.elf and build/guest/bitmanip-c/*.elf with `hartvm run`, stdout compared with
 *     test/guest/<dir>/<name>.expected (recorded on QEMU 7.2; fp-c's also equals the host's result).
 * Every program passes on `qemu-system-riscv64 -machine virt -bios none` (see test/guest/README.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { BIN, BUILD, ROOT, describeRun, elfsIn, hartvm, nameOf } from './helpers/hartvm-cli.ts';

describe('ISA conformance (guest programs)', () => {
  beforeAll(() => {
    const buildError = inject('guestBuildError');
    if (buildError) throw new Error(`building the guest programs failed:\n${buildError}`);
    if (!existsSync(BIN)) throw new Error(`${path.relative(ROOT, BIN)} does not exist yet`);
  });

  const isa = [...elfsIn('isa'), ...elfsIn('fp'), ...elfsIn('bitmanip')];
  const htif = elfsIn('htif');
  const cprogs = [...elfsIn('c'), ...elfsIn('fp-c'), ...elfsIn('bitmanip-c')];

  it('has programs to run', () => {
    expect(isa.length).toBeGreaterThanOrEqual(12);
    expect(htif.map(nameOf)).toEqual(['htif-fail', 'htif-pass']);
    expect(cprogs.length).toBeGreaterThanOrEqual(2);
  });

  it('passes every ISA program in one batch', { timeout: 600_000 }, async () => {
    const args = ['batch', '--bios', 'none', '--jobs', '2', ...isa];
    const r = await hartvm(args, 590_000);
    const report = describeRun(args, r);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)?.trim(), report).toBe(`${isa.length} passed, 0 failed`);
    for (const elf of isa) {
      const name = nameOf(elf);
      const passLine = new RegExp(`^\\s*PASS\\s+(\\S*/)?${name.replace(/[.-]/g, '\\$&')}(\\.elf)?\\b`, 'm');
      expect(r.stdout, `no "PASS ${name}" line\n${report}`).toMatch(passLine);
    }
    expect(r.code, report).toBe(0);
  });

  it.each([
    ['htif-pass', 0],
    ['htif-fail', 3],
  ])('ends %s through HTIF tohost with exit code %i', async (name, code) => {
    const elf = path.join(BUILD, 'htif', `${name}.elf`);
    const args = ['run', '--bios', 'none', elf];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(code);
  });

  it.each(cprogs.map((elf) => [nameOf(elf), elf]))('runs the C program %s with the expected output', async (name, elf) => {
    const expected = readFileSync(path.join(ROOT, 'test', 'guest', path.basename(path.dirname(elf)), `${name}.expected`), 'utf8');
    const args = ['run', '--bios', 'none', '--timeout', '30', elf];
    const r = await hartvm(args, 60_000);
    const report = describeRun(args, r);
    expect(r.stdout, report).toBe(expected);
    expect(r.code, report).toBe(0);
  });
});
