/**
 * @fileoverview The locktorture test kernel for bench:overcommit: the project's Linux guest kernel
 * (scripts/guest/build.mjs: Debian's linux-source-6.1, or 6.12) with CONFIG_LOCK_TORTURE_TEST=y
 * added, so that booting it with `locktorture.*` parameters runs the kernel's own lock stress test
 * and powers off when it is done. Built once into ~/.cache/hartvm/locktorture/<hash of the guest's
 * config>/ (about 5 min on 2 cores) and reused while the guest's kernel config stays the same.
 * Linux 6.1's riscv spinlock is a ticket lock; 6.12's is a queued spinlock (qspinlock).
 */

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import { linuxGuest } from './common.ts';

const CROSS = 'riscv64-linux-gnu-';

function run(cmd: string, args: string[], cwd?: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    console.error(`locktorture kernel: ${cmd} ${args.join(' ')} failed (status ${r.status})`);
    process.exit(1);
  }
}

/** The path of the locktorture kernel Image for Linux `linux` (6.1 or 6.12), built first if needed (progress on stderr). */
export function locktortureKernel(linux = '6.1'): string {
  const guest = linuxGuest(linux); // installs the toolchain and kernel source, and gives the base config
  const topdir = `linux-source-${linux}`;
  const tarball = `/usr/src/${topdir}.tar.xz`;
  const config = readFileSync(join(guest.dir, 'kernel.config'));
  const hash = createHash('sha256').update(config).update('LOCK_TORTURE_TEST=y').digest('hex').slice(0, 16);
  const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hartvm', 'locktorture');
  const dir = join(cacheRoot, hash);
  const image = join(dir, 'Image');
  if (existsSync(image)) return image;
  const build = join(dir, 'build');
  rmSync(build, { recursive: true, force: true });
  mkdirSync(build, { recursive: true });
  console.error(`locktorture kernel: building into ${dir} (about 5 min on 2 cores)...`);
  run('tar', ['-xJf', tarball, '-C', build, `--exclude=${topdir}/Documentation/*/*`, `--exclude=${topdir}/arch/[a-qs-z]*/boot/dts`]);
  const tree = join(build, topdir);
  copyFileSync(join(guest.dir, 'kernel.config'), join(tree, '.config'));
  run(join(tree, 'scripts', 'config'), ['--file', join(tree, '.config'), '-e', 'LOCK_TORTURE_TEST']);
  const make = ['ARCH=riscv', `CROSS_COMPILE=${CROSS}`];
  run('make', ['-C', tree, ...make, 'olddefconfig']);
  if (!readFileSync(join(tree, '.config'), 'utf8').includes('CONFIG_LOCK_TORTURE_TEST=y')) {
    console.error('locktorture kernel: CONFIG_LOCK_TORTURE_TEST did not take');
    process.exit(1);
  }
  run('make', ['-C', tree, ...make, `-j${availableParallelism()}`, 'Image']);
  copyFileSync(join(tree, 'arch', 'riscv', 'boot', 'Image'), `${image}.tmp`);
  renameSync(`${image}.tmp`, image);
  rmSync(build, { recursive: true, force: true });
  return image;
}
