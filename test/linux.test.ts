/**
 * @fileoverview The main job: riscv64 Linux 6.1 (the project's guest, built by scripts/guest/build.mjs
 * and cached outside the repository) booted through the real CLI on 1, 2 and 4 harts, with the builtin
 * SBI and with OpenSBI's fw_jump. The guest's /init runs the scenario named by `hartvm.test=` on the
 * kernel command line and powers off, so every run ends by itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, describeRun, hartvm, type RunResult } from './helpers/hartvm-cli.ts';
import { makeElf } from './loader/make-elf.ts';

const OPENSBI_FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
/** A boot on this interpreter takes seconds; leave room for a loaded 2-core CI machine. */
const BOOT_TIMEOUT_S = 240;

let guestDir = '';

/** The guest's cache directory for a kernel version (scripts/guest/build.mjs --linux), built on first use. */
function buildGuest(linux: string): string {
  // Builds the kernel, busybox and the test programs on first use (minutes), else reuses the cache.
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'guest', 'build.mjs'), '--linux', linux, '--print-dir'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 1_500_000,
  });
  if (build.status !== 0) throw new Error(`the Linux ${linux} guest build failed:\n${build.stderr.slice(-4000)}`);
  return build.stdout.trim().split('\n').at(-1)!;
}

/** Runs hartvm with the guest console's \r\n (the tty's newline translation) turned back into \n. */
async function runGuest(args: string[]): Promise<RunResult> {
  const r = await hartvm(args, 290_000);
  return { ...r, stdout: r.stdout.replace(/\r\n/g, '\n') };
}

function boot(test: string, extra: string[] = [], dir = guestDir): string[] {
  return [
    'run', '--memory', '256M', '--timeout', String(BOOT_TIMEOUT_S),
    '--kernel', path.join(dir, 'Image'), '--initrd', path.join(dir, 'rootfs.cpio'),
    '--append', `console=ttyS0 hartvm.test=${test}`, ...extra,
  ];
}

describe('Linux guest', () => {
  beforeAll(() => {
    guestDir = buildGuest('6.1');
  }, 1_600_000);

  it.each([1, 2, 4])('boots to userspace on %i hart(s) and lists every hart in /proc/cpuinfo', { timeout: 300_000 }, async (harts) => {
    const args = boot('cpuinfo', ['--smp', String(harts)]);
    const r = await runGuest(args);
    const report = describeRun(args, r);
    expect(r.stdout, report).toContain(`hartvm-init: up, ${harts} cpus`);
    const processors = r.stdout.match(/^processor\s*:\s*\d+/gm) ?? [];
    expect(processors.map((p) => Number(p.split(':')[1])), report).toEqual([...Array(harts).keys()]);
    // Linux 6.1 names the multi-letter extensions it knows of those in the device tree, and uses
    // them: Svpbmt's memory types in its page tables, Zicbom for cache maintenance.
    const isas = r.stdout.match(/^isa\s*: [^\r\n]*/gm) ?? [];
    expect(isas, report).toEqual(Array(harts).fill('isa\t\t: rv64imafdc_sstc_svinval_svpbmt_zicbom_zihintpause'));
    expect(r.stdout, report).toContain('hartvm-init: test cpuinfo done');
    expect(r.code, report).toBe(0); // powered off through SBI SRST
  });

  it('runs the pthread, atomics and float programs with correct output on 2 harts', { timeout: 300_000 }, async () => {
    const args = boot('programs', ['--smp', '2']);
    const r = await runGuest(args);
    const report = describeRun(args, r);
    expect(r.stdout, report).toMatch(/^pthreads: .* OK$/m);
    expect(r.stdout, report).toMatch(/^atomics: OK/m);
    const expectedFloat = readFileSync(path.join(ROOT, 'scripts', 'guest', 'programs', 'float.expected'), 'utf8');
    const floatLines = r.stdout.split('\n').filter((l) => l.startsWith('float:')).join('\n');
    expect(floatLines + '\n', report).toBe(expectedFloat);
    expect(r.stdout, report).toContain('programs: OK');
    expect(r.code, report).toBe(0);
  });

  it('keeps what the guest wrote and synced to a virtio-blk disk after power-off', { timeout: 300_000 }, async () => {
    const image = path.join(mkdtempSync(path.join(tmpdir(), 'hartvm-disk-')), 'disk.img');
    writeFileSync(image, Buffer.alloc(1 << 20));
    const args = boot('disk', ['--smp', '2', '--drive', `file=${image}`]);
    const r = await runGuest(args);
    const report = describeRun(args, r);
    expect(r.stdout, report).toContain('disk: readback OK');
    expect(r.code, report).toBe(0);
    const written = readFileSync(image).subarray(0, 4096).toString('latin1');
    const lines = written.split('\n');
    expect(lines[0], report).toBe('hartvm-disk-pattern 0000 ......');
    expect(lines[127], report).toBe('hartvm-disk-pattern 0127 ......');
  });

  it('refuses guest writes to a read-only drive', { timeout: 300_000 }, async () => {
    const image = path.join(mkdtempSync(path.join(tmpdir(), 'hartvm-disk-')), 'ro.img');
    writeFileSync(image, Buffer.alloc(1 << 20));
    const args = boot('disk', ['--smp', '1', '--drive', `file=${image},readonly=on`]);
    const r = await runGuest(args);
    expect(r.stdout, describeRun(args, r)).toMatch(/disk: (FAIL|readback FAIL)/);
    expect(readFileSync(image).every((b) => b === 0)).toBe(true);
  });

  it('boots the kernel given as a vmlinux-style ELF linked at its virtual addresses', { timeout: 300_000 }, async () => {
    // The Image is the vmlinux's loadable content: wrap it as the ELF `make vmlinux` would link.
    const image = readFileSync(path.join(guestDir, 'Image'));
    const imageSize = new DataView(image.buffer, image.byteOffset).getBigUint64(16, true);
    const base = 0xffff_ffff_8000_0000n;
    const vmlinux = path.join(mkdtempSync(path.join(tmpdir(), 'hartvm-vmlinux-')), 'vmlinux');
    writeFileSync(vmlinux, makeElf({ entry: base, segments: [{ paddr: base, vaddr: base, data: image, memsz: imageSize }] }));
    const args = boot('cpuinfo', ['--smp', '1']).map((a) => (a.endsWith('Image') ? vmlinux : a));
    const r = await runGuest(args);
    expect(r.stdout, describeRun(args, r)).toContain('hartvm-init: test cpuinfo done');
    expect(r.code, describeRun(args, r)).toBe(0);
  });

  it.runIf(existsSync(OPENSBI_FW_JUMP))('boots the same guest under OpenSBI fw_jump (--bios FILE)', { timeout: 300_000 }, async () => {
    const args = boot('cpuinfo', ['--smp', '2', '--bios', OPENSBI_FW_JUMP]);
    const r = await runGuest(args);
    const report = describeRun(args, r);
    expect(r.stdout, report).toContain('OpenSBI');
    expect(r.stdout, report).toContain('hartvm-init: up, 2 cpus');
    expect(r.stdout, report).toContain('hartvm-init: test cpuinfo done');
    expect(r.code, report).toBe(0);
  });
});

/** The /proc/stat "cpu" line's fields: user nice system idle iowait irq softirq steal (USER_HZ ticks). */
function cpuTimes(line: string): number[] {
  return line.trim().split(/\s+/).slice(1, 9).map(Number);
}

describe('Linux 6.12 guest', () => {
  let dir = '';
  beforeAll(() => {
    dir = buildGuest('6.12');
  }, 1_600_000);

  it('boots on 2 harts with the RVA22 extensions in its device tree and lists them in /proc/cpuinfo', { timeout: 300_000 }, async () => {
    // 6.12 patches itself to use Zbb (string functions), Zicboz (clear_page) and Svpbmt once it
    // sees them, so the boot itself runs them.
    const args = boot('cpuinfo', ['--smp', '2'], dir);
    const r = await runGuest(args);
    const report = describeRun(args, r);
    const isa = 'rv64imafdc_zicbom_zicboz_zicond_zicsr_zifencei_zihintntl_zihintpause_zfhmin_zca_zcd_zba_zbb_zbc_' +
      'zbkb_zbkx_zbs_sstc_svinval_svnapot_svpbmt';
    expect(r.stdout.match(/^isa\s*: [^\r\n]*/gm), report).toEqual(Array(2).fill(`isa\t\t: ${isa}`));
    expect(r.stdout.match(/^hart isa\s*: [^\r\n]*/gm), report).toEqual(Array(2).fill(`hart isa\t: ${isa}`));
    expect(r.stdout, report).toContain('hartvm-init: test cpuinfo done');
    expect(r.code, report).toBe(0);
  });

  // The scheduler and the STA record do not depend on the execution tier: one run, with the JIT.
  it.skipIf(process.env.HARTVM_JIT === 'off')('reports the time its vCPUs wait for a host CPU as steal in /proc/stat (SBI STA)', { timeout: 300_000 }, async () => {
    // 4 vCPUs, each running a busy loop, on 1 host CPU: each runs a quarter of the time.
    const args = boot('steal', ['--smp', '4', '--host-cpus', '1'], dir);
    const r = await runGuest(args);
    const report = describeRun(args, r);
    expect(r.stdout, report).toContain('riscv-pv: SBI STA extension detected');
    const before = /^steal: before (cpu .*)$/m.exec(r.stdout);
    const after = /^steal: after (cpu .*)$/m.exec(r.stdout);
    expect(before && after, report).toBeTruthy();
    const delta = cpuTimes(after![1]).map((t, i) => t - cpuTimes(before![1])[i]);
    const steal = delta[7] / delta.reduce((a, b) => a + b, 0);
    expect(steal, `${report}\nsteal share ${steal.toFixed(3)} of ${delta.join(' ')}`).toBeGreaterThan(0.6);
    expect(steal, `${report}\nsteal share ${steal.toFixed(3)} of ${delta.join(' ')}`).toBeLessThan(0.9);
    expect(r.code, report).toBe(0);
  });
});
