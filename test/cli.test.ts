/**
 * @fileoverview The hartvm command line as a user meets it: exit statuses, clear one-line errors for
 * bad input (never a stack trace), --timeout, guest faults, batch output and --help.
 */
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { BUILD, describeRun, hartvm } from './helpers/hartvm-cli.ts';
import { makeElf } from './loader/make-elf.ts';

const cli = (name: string): string => path.join(BUILD, 'cli', `${name}.elf`);
const scratch = mkdtempSync(path.join(tmpdir(), 'hartvm-cli-'));

/** No JavaScript stack trace may reach the user for bad input. */
function expectNoStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(stderr).not.toMatch(/Error:/);
}

describe('hartvm run', () => {
  beforeAll(() => {
    const buildError = inject('guestBuildError');
    if (buildError) throw new Error(`building the guest programs failed:\n${buildError}`);
  });

  it('runs a bare-metal program: its UART output on stdout, exit 0 on the finisher pass', async () => {
    const args = ['run', '--bios', 'none', cli('hello')];
    const r = await hartvm(args, 60_000);
    expect(r.stdout, describeRun(args, r)).toBe('hello from hart 0\n');
    expect(r.code, describeRun(args, r)).toBe(0);
  });

  it('accepts the kernel as --kernel too', async () => {
    const args = ['run', '--bios', 'none', '--kernel', cli('hello')];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(0);
  });

  it("exits with the guest's failure code", async () => {
    const args = ['run', '--bios', 'none', cli('fail-code')];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(7);
  });

  it('ends a guest that spins forever with --timeout and exit status 124', async () => {
    const args = ['run', '--bios', 'none', '--timeout', '1', cli('spin')];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(124);
    expect(r.stderr).toMatch(/timed out after 1 s/);
  });

  it('reports a guest whose fault cannot be handled, instead of looping', async () => {
    const args = ['run', '--bios', 'none', '--timeout', '30', cli('wild-jump')];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(1);
    expect(r.stderr).toMatch(/instruction access fault\) at pc 0x1234/);
    expect(r.stderr).toMatch(/trap vector 0x0 cannot be fetched/);
    expectNoStackTrace(r.stderr);
  });

  it('treats garbage executed as code as a guest fault, not a host crash', async () => {
    const file = path.join(scratch, 'garbage.bin');
    writeFileSync(file, Buffer.from('this is not RISC-V machine code at all'));
    const args = ['run', '--bios', 'none', '--timeout', '30', file];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(1);
    expect(r.stderr).toMatch(/exception \d+ \([a-z /]+\) at pc 0x8000000[0-9a-f]/);
    expectNoStackTrace(r.stderr);
  });

  it.each([
    ['a missing file', () => path.join(scratch, 'nope.elf'), /does not exist/],
    ['a directory', () => scratch, /directory|not a file|cannot read/i],
    ['an empty file', () => { const f = path.join(scratch, 'empty.elf'); writeFileSync(f, ''); return f; }, /empty/],
    ['a truncated ELF', () => {
      const f = path.join(scratch, 'truncated.elf');
      writeFileSync(f, readFileSync(cli('hello')).subarray(0, 100));
      return f;
    }, /truncated|corrupt/],
    ['an ELF for another machine', () => process.execPath, /not RISC-V/],
    ['an image that does not fit in RAM', () => cli('big-bss'), /outside guest RAM|--memory/],
  ])('refuses %s with a clear message and exit status 2', async (_what, file, message) => {
    const args = ['run', '--bios', 'none', file()];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(2);
    expect(r.stderr).toMatch(/^hartvm: /);
    expect(r.stderr).toMatch(message);
    expectNoStackTrace(r.stderr);
  });

  it.each([
    [['--memory', '9G'], /too large/],
    [['--memory', '12Q'], /not a size/],
    [['--memory', '0'], /memory/],
    [['--smp', '0'], /--smp 0/],
    [['--smp', '65'], /--smp 65/],
    [['--timeout', '-1'], /--timeout/],
    [['--host-cpus', '0'], /--host-cpus 0/],
    [['--ple', 'sometimes'], /ple/],
    [['--frobnicate'], /Unknown argument/],
    [['--cpu', 'rv32'], /unknown CPU model "rv32"/],
    [['--cpu', 'rv64,zbq=off'], /unknown extension "zbq"/],
    [['--cpu', 'rv64,zba=maybe'], /zba must be on or off/],
    [['--cpu', 'rv64,c=off'], /c is part of hartvm's RV64GC base and cannot be switched off/],
  ])('refuses bad options %j with exit status 2', async (extra, message) => {
    const args = ['run', '--bios', 'none', ...extra, cli('hello')];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(2);
    expect(r.stderr).toMatch(message);
    expectNoStackTrace(r.stderr);
  });

  it('says when no kernel is given', async () => {
    const r = await hartvm(['run', '--bios', 'none'], 60_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no kernel given/);
  });

  it('prints instructions and MIPS per hart with --stats', async () => {
    const args = ['run', '--bios', 'none', '--smp', '2', '--stats', cli('hello')];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(0);
    expect(r.stderr).toMatch(/^hart 0: \d+ instructions in [\d.]+ s, [\d.]+ MIPS$/m);
    expect(r.stderr).toMatch(/^hart 1: \d+ instructions in [\d.]+ s, [\d.]+ MIPS$/m);
  });

  it('prints every instruction with --trace, the last ones too', async () => {
    // The trace is written by the vCPU thread; the machine may not end before all of it is out.
    const args = ['run', '--bios', 'none', '--trace', '--stats', cli('hello')];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(0);
    const retired = Number(/^hart 0: (\d+) instructions/m.exec(r.stderr)?.[1]);
    expect(retired).toBeGreaterThan(10);
    expect(r.stderr.match(/^hart0 pc=[0-9a-f]+ priv=3$/gm)?.length).toBe(retired);
  });

  it('accounts each hart\'s time by run-loop state with --stats, adding up to its run time', async () => {
    const elf = path.join(BUILD, 'smp-m', 'wfi-wake.elf'); // harts 1..3 sleep in WFI until hart 0 wakes them
    const args = ['run', '--bios', 'none', '--smp', '4', '--stats', elf];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(0);
    let halted = 0;
    for (let hart = 0; hart < 4; hart++) {
      const run = new RegExp(`^hart ${hart}: \\d+ instructions in ([\\d.]+) s`, 'm').exec(r.stderr);
      const time = new RegExp(`^hart ${hart}: time: running ([\\d.]+) s, waiting for a host CPU \\(steal\\) ([\\d.]+) s, ` +
        'halted ([\\d.]+) s, yielding ([\\d.]+) s, stopped ([\\d.]+) s, other ([\\d.]+) s$', 'm').exec(r.stderr);
      const scheduling = new RegExp(`^hart ${hart}: scheduling: halt polls \\d+ caught, \\d+ then slept, \\d+ skipped, \\d+ short halts handed over; ` +
        'pause-loop exits \\d+: \\d+ directed yields, \\d+ sleeps; \\d+ timeslice expiries; IPIs \\d+ sent, \\d+ received$', 'm').exec(r.stderr);
      expect(run, describeRun(args, r)).not.toBeNull();
      expect(time, describeRun(args, r)).not.toBeNull();
      expect(scheduling, describeRun(args, r)).not.toBeNull();
      const parts = time!.slice(1).map(Number);
      const sum = parts.reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - Number(run![1])), `hart ${hart}: states add up to ${sum} s of ${run![1]} s`).toBeLessThan(0.05);
      halted += parts[2];
    }
    expect(halted, 'the sleepers spent time halted').toBeGreaterThan(0);
  });

  it('documents every option in --help', async () => {
    const r = await hartvm(['run', '--help'], 60_000);
    expect(r.code).toBe(0);
    for (const option of ['--bios', '--memory', '--smp', '--timeout', '--stats', '--trace', '--kernel', '--append', '--ple', '--host-cpus', '--timeslice', '--ple-yield', '--cpu', '--verbose']) {
      expect(r.stdout).toContain(option);
    }
  });
});

describe('hartvm run on an ELF linked with -Ttext=0x80000000 and no linker script', () => {
  // GNU ld puts the ELF headers in the first segment, at 0x7ffff000: below RAM. QEMU -bios none runs it.
  const elf = path.join(BUILD, 'no-link-script', 'headers-below-ram.elf');

  beforeAll(() => {
    const buildError = inject('guestBuildError');
    if (buildError) throw new Error(`building the guest programs failed:\n${buildError}`);
  });

  it('runs it as QEMU does, leaving out the headers below RAM', async () => {
    const args = ['run', '--bios', 'none', elf];
    const r = await hartvm(args, 60_000);
    expect(r.stdout, describeRun(args, r)).toBe('loaded the part in RAM\n');
    expect(r.code, describeRun(args, r)).toBe(0);
    expect(r.stderr, describeRun(args, r)).toBe('');
  });

  it('says what it left out with --verbose', async () => {
    const args = ['run', '--bios', 'none', '--verbose', elf];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(0);
    expect(r.stderr).toMatch(/^hartvm: .*headers-below-ram\.elf: skipped 0x7ffff000\.\.0x80000000 of segment 0, below guest RAM .*ELF headers/);
  });

  it('refuses it with exit status 2, naming the section, when a section lies below RAM', async () => {
    const file = path.join(scratch, 'text-below-ram.elf');
    writeFileSync(file, makeElf({
      entry: 0x7fff_f800n,
      segments: [{ paddr: 0x7fff_f000n, data: Uint8Array.from([0x13, 0, 0, 0]), headers: 0x800 }],
      sections: [{ name: '.text', addr: 0x7fff_f800n, size: 4n }],
    }));
    const args = ['run', '--bios', 'none', file];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(2);
    expect(r.stderr).toMatch(/^hartvm: .*text-below-ram\.elf: section \.text at 0x7ffff800\.\.0x7ffff804 lies outside guest RAM 0x80000000\.\./);
    expectNoStackTrace(r.stderr);
  });
});

describe('hartvm run --cpu', () => {
  // zb-edges tests Zba (tests 1-19), then Zbb: ANDN, ORN and XNOR (20-23, which Zbkb has too), CLZ
  // (test 24) and on; then Zbc, Zbs, Zbkb and Zbkx.
  const elf = path.join(BUILD, 'bitmanip', 'zb-edges.elf');

  it('runs the bit-manipulation program with every extension on by default, and with rv64 alone', async () => {
    for (const extra of [[], ['--cpu', 'rv64'], ['--cpu', 'rv64,zba=on,zbb=true']]) {
      const args = ['run', '--bios', 'none', ...extra, elf];
      const r = await hartvm(args, 60_000);
      expect(r.code, describeRun(args, r)).toBe(0);
    }
  });

  it.each([
    ['zba', 1],
    ['zbb', 24],
  ])('makes %s instructions illegal when it is switched off: the guest fails at test %i', async (ext, firstTest) => {
    const args = ['run', '--bios', 'none', '--cpu', `rv64,${ext}=off`, elf];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(firstTest);
    expect(r.stdout).toMatch(new RegExp(`unexpected trap cause=0x0*2 .* test=0x0*${firstTest.toString(16)}\\n`));
  });

  it('leaves an extension out of the device tree when it is switched off', async () => {
    const dtb = path.join(scratch, 'no-zbb.dtb');
    const args = ['dtb', '--cpu', 'rv64,zbb=off,svpbmt=off', '-o', dtb];
    const r = await hartvm(args, 60_000);
    expect(r.code, describeRun(args, r)).toBe(0);
    const text = readFileSync(dtb).toString('latin1');
    expect(text).toContain('rv64imafdc_zicbom');
    expect(text).toContain('_zba_zbc_');
    expect(text).not.toContain('zbb');
    expect(text).not.toContain('svpbmt');
  });
});

describe('hartvm batch', () => {
  it('prints PASS/FAIL per file in the order given and a summary line; exit 1 if any failed', async () => {
    const failing = path.join(scratch, 'fail-code.elf');
    copyFileSync(cli('fail-code'), failing);
    const args = ['batch', '--bios', 'none', '--jobs', '2', '--timeout', '20', cli('hello'), failing, cli('spin')];
    const r = await hartvm(args, 120_000);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0], describeRun(args, r)).toBe('PASS hello.elf');
    expect(lines[1]).toMatch(/^FAIL fail-code\.elf 7\b/);
    expect(lines[2]).toMatch(/^FAIL spin\.elf 124\b/);
    expect(lines[3]).toBe('1 passed, 2 failed');
    expect(r.code).toBe(1);
  });

  it('exits 0 when every program passes', async () => {
    const args = ['batch', '--bios', 'none', cli('hello'), cli('hello')];
    const r = await hartvm(args, 120_000);
    expect(r.stdout.trimEnd().split('\n').at(-1), describeRun(args, r)).toBe('2 passed, 0 failed');
    expect(r.code).toBe(0);
  });
});
