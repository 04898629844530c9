#!/usr/bin/env node
/**
 * @fileoverview `npm run guest`: builds hartvm's Linux guest — a riscv64 Linux kernel `Image` (6.1 by
 * default, or 6.12 with --linux 6.12) and
 * a busybox initramfs `rootfs.cpio` (with our /init and the test programs in programs/) — from
 * Debian packages only, into a cache directory outside the repository keyed by a content hash:
 *
 *   ${XDG_CACHE_HOME:-~/.cache}/hartvm/guest/<hash>/
 *
 * <hash> is the first 16 hex digits of a SHA-256 over every input: this script's text, the kernel
 * version and config fragments (linux.config, and linux-6.12.config for 6.12), the busybox config overrides (busybox.config), the init script,
 * the test program sources, the versions of the Debian packages used and the busybox source
 * package. A complete directory (manifest.json present and matching) is reused without rebuilding.
 *
 * Steps: install missing Debian packages (apt-get) and busybox's source (apt-get source, enabling
 * deb-src if needed); kernel (tinyconfig + fragment, Image); busybox (defconfig + overrides,
 * static); test programs (riscv64-linux-gnu-gcc -static -O2 -pthread); initramfs (the kernel
 * tree's usr/gen_init_cpio with a list file, so no root is needed). Builds are reproducible:
 * fixed timestamps, user and host names, file modes and owners.
 *
 * Usage: node scripts/guest/build.mjs [--linux 6.1|6.12] [--print-dir] [--force] [--keep-build] [--jobs N]
 *                                     [--prune] [--update-float-expected]
 *   --linux V     the kernel: 6.1 (linux-source-6.1, the default) or 6.12 (linux-source-6.12, with
 *                 PARAVIRT_TIME_ACCOUNTING for SBI steal time); each has its own cache directory
 *   --print-dir   print only the cache directory on stdout (building first if needed; progress
 *                 goes to stderr), for other scripts
 *   --force       rebuild even if the cache directory is complete
 *   --keep-build  keep the build trees (<dir>/build, about 1.5 GB) after a successful build
 *   --jobs N      parallel make jobs (default: the number of CPUs, or $HARTVM_GUEST_JOBS)
 *   --prune       afterwards, delete the cache's other <hash> directories (older builds)
 *   --update-float-expected  rewrite programs/float.expected from the host build of float.c
 * Progress lines go to stderr; the output paths to stdout. Exits non-zero on failure, naming the
 * failed step and showing the end of its log (full logs in <dir>/logs/).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync,
  renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUTPUTS, isComplete, lock, prune, sha256File } from './cache-dir.mjs';
import { applyFragment, configMismatches, parseFragment } from './kconfig.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = fileURLToPath(import.meta.url);
const PROGRAMS_DIR = path.join(HERE, 'programs');
const KERNEL_FRAGMENT = path.join(HERE, 'linux.config');
const BUSYBOX_FRAGMENT = path.join(HERE, 'busybox.config');
const INIT_SCRIPT = path.join(HERE, 'init');

/**
 * The kernels the guest can be built with: Debian's source package, its tarball and top directory,
 * and the config fragments merged over tinyconfig, in order.
 */
const KERNELS = {
  '6.1': { pkg: 'linux-source-6.1', fragments: [KERNEL_FRAGMENT] },
  '6.12': { pkg: 'linux-source-6.12', fragments: [KERNEL_FRAGMENT, path.join(HERE, 'linux-6.12.config')] },
};
for (const [version, k] of Object.entries(KERNELS)) {
  k.version = version;
  k.tarball = `/usr/src/${k.pkg}.tar.xz`;
  k.topdir = k.pkg;
}
const CROSS = 'riscv64-linux-gnu-';
/** Test programs: name -> extra flags (all get COMMON_PROGRAM_FLAGS). Installed as /bin/<name>. */
const PROGRAMS = { pthreads: [], atomics: [], float: ['-lm'] };
/** -ffp-contract=off: no fused multiply-adds the source does not write, so that the host build of
 * float.c (float.expected) computes exactly what the riscv64 build computes. */
const COMMON_PROGRAM_FLAGS = ['-O2', '-pthread', '-Wall', '-ffp-contract=off', '-frounding-math'];

/** Fixed build time (2024-01-01T00:00:00Z) for every timestamp that ends up in an output. */
const EPOCH = 1704067200;
const BUILD_ENV = {
  LC_ALL: 'C',
  TZ: 'UTC',
  SOURCE_DATE_EPOCH: String(EPOCH),
  KBUILD_BUILD_TIMESTAMP: new Date(EPOCH * 1000).toUTCString(),
  KBUILD_BUILD_USER: 'hartvm',
  KBUILD_BUILD_HOST: 'hartvm',
  KBUILD_BUILD_VERSION: '1',
  KCONFIG_NOTIMESTAMP: '1',
};

/** Debian packages the build needs (installed with apt-get when missing), besides the kernel's source package. */
const PACKAGES = [
  'gcc-riscv64-linux-gnu', 'binutils-riscv64-linux-gnu', 'libc6-dev-riscv64-cross', // cross toolchain
  'gcc', 'libc6-dev', 'make', 'bc', 'bison', 'flex', 'libssl-dev', 'xz-utils', // kernel host side
  'cpio', // to inspect rootfs.cpio (the build itself uses usr/gen_init_cpio)
  'dpkg-dev', // dpkg-source, for apt-get source busybox
];
/** Packages whose versions also go into the hash (the real compiler behind the gcc-* metapackages). */
const HASHED_PACKAGES = [...PACKAGES, 'gcc-12-riscv64-linux-gnu', 'linux-libc-dev-riscv64-cross', 'gcc-12'];

const DEBIAN_SOURCES = '/etc/apt/sources.list.d/debian.sources';

// ---------------------------------------------------------------------------------------------
// Command line, logging, process helpers

function parseArgs(argv) {
  const opts = { linux: '6.1', printDir: false, force: false, keepBuild: false, updateFloatExpected: false, prune: false,
    jobs: Number(process.env.HARTVM_GUEST_JOBS) || (os.availableParallelism?.() ?? os.cpus().length) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--linux') opts.linux = argv[++i];
    else if (a.startsWith('--linux=')) opts.linux = a.slice(8);
    else if (a === '--print-dir') opts.printDir = true;
    else if (a === '--force') opts.force = true;
    else if (a === '--keep-build') opts.keepBuild = true;
    else if (a === '--prune') opts.prune = true;
    else if (a === '--update-float-expected') opts.updateFloatExpected = true;
    else if (a === '--jobs' || a === '-j') opts.jobs = Number(argv[++i]);
    else if (a.startsWith('--jobs=')) opts.jobs = Number(a.slice(7));
    else if (a === '--help' || a === '-h') {
      process.stdout.write(readFileSync(SCRIPT, 'utf8').match(/Usage:[\s\S]*?\n \* Progress/)[0]
        .replace(/\n \* ?/g, '\n').replace(/\nProgress$/, '\n'));
      process.exit(0);
    } else fail(`unknown option ${a} (try --help)`);
  }
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1) fail('--jobs needs a positive integer');
  if (!Object.hasOwn(KERNELS, opts.linux)) fail(`--linux ${opts.linux}: the guest kernel is one of ${Object.keys(KERNELS).join(', ')}`);
  return opts;
}

function say(msg) {
  process.stderr.write(`[guest] ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`[guest] ERROR: ${msg}\n`);
  process.exit(1);
}

/** A failed build step: carries its log so that the top level can show the end of it. */
class StepError extends Error {
  constructor(step, log, detail) {
    super(`step "${step}" failed${detail ? `: ${detail}` : ''}`);
    this.step = step;
    this.log = log;
  }
}

const sudo = process.getuid?.() === 0 ? [] : ['sudo'];

/** Runs a command synchronously, inheriting stderr; returns stdout (throws on failure). */
function runSync(cmd, args, { env, cwd, allowFail = false } = {}) {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) {
    if (allowFail) return null;
    throw new Error(`${cmd}: ${r.error.message}`);
  }
  if (r.status !== 0) {
    if (allowFail) return null;
    throw new Error(`${cmd} ${args.join(' ')} exited with status ${r.status}\n${r.stderr.trim()}`);
  }
  return r.stdout;
}

/**
 * Runs one command of a build step, appending its output to the step's log file.
 * @returns {Promise<void>} rejects with a StepError naming the step.
 */
function runLogged(step, log, cmd, args, { cwd, env, stdout } = {}) {
  return new Promise((resolve, reject) => {
    const fd = openSync(log, 'a');
    writeSync(fd, `\n$ ${cwd ? `(cd ${cwd} && ` : ''}${[cmd, ...args].join(' ')}${cwd ? ')' : ''}\n`);
    const outFd = stdout ? openSync(stdout, 'w') : fd;
    const child = spawn(cmd, args, {
      cwd, env: { ...process.env, ...BUILD_ENV, ...env }, stdio: ['ignore', outFd, fd],
    });
    const done = (err) => {
      closeSync(fd);
      if (stdout) closeSync(outFd);
      err ? reject(err) : resolve();
    };
    child.on('error', (e) => done(new StepError(step, log, `${cmd}: ${e.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) done();
      else done(new StepError(step, log, `${cmd} ${signal ? `killed by ${signal}` : `exited with status ${code}`}`));
    });
  });
}

function tail(file, lines = 25) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function seconds(t0) {
  return Math.round((Date.now() - t0) / 100) / 10;
}

// ---------------------------------------------------------------------------------------------
// Debian packages and busybox's source

/** Package -> "version architecture" for those of `pkgs` that are installed (one dpkg-query). */
function installedVersions(pkgs) {
  // dpkg-query exits 1 when some package is unknown but still reports the others.
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Package}\t${db:Status-Abbrev}\t${Version} ${Architecture}\n', ...pkgs],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.error) fail(`dpkg-query: ${r.error.message} (this script needs a Debian or Ubuntu host)`);
  const map = new Map();
  for (const line of r.stdout.split('\n')) {
    const [name, status, version] = line.split('\t');
    if (name && status?.startsWith('ii')) map.set(name.replace(/:.*$/, ''), version);
  }
  return map;
}

function aptGet(args) {
  const r = spawnSync(sudo.length ? 'sudo' : 'apt-get', [...(sudo.length ? ['apt-get'] : []), ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 2, 2],
  });
  // apt's own output goes to stderr with the rest of our progress: stdout is for the result paths.
  if (r.status !== 0) fail(`apt-get ${args.join(' ')} failed (status ${r.status})`);
}

let aptUpdated = false;
function aptUpdate() {
  if (aptUpdated) return;
  say('apt-get update');
  aptGet(['update', '-q']);
  aptUpdated = true;
}

function ensurePackages(kernel) {
  const wanted = [kernel.pkg, ...PACKAGES];
  const have = installedVersions(wanted);
  const missing = wanted.filter((p) => !have.has(p));
  if (missing.length === 0) return;
  say(`installing Debian packages: ${missing.join(' ')}`);
  aptUpdate();
  aptGet(['install', '-y', '-q', '--no-install-recommends', ...missing]);
}

/** The busybox source package apt-get would fetch: { version, dsc line } (null without deb-src). */
function busyboxSourceInfo() {
  const out = runSync('apt-get', ['source', '--print-uris', '-q', 'busybox'], { allowFail: true });
  if (!out) return null;
  const line = out.split('\n').find((l) => /\.dsc' /.test(l));
  const m = line?.match(/\/busybox_([^/']+)\.dsc' (\S+) (\d+) (\S+)/);
  if (!m) return null;
  return { version: decodeURIComponent(m[1]), id: `${m[2]} ${m[3]} ${m[4]}` };
}

/** Makes sure apt knows busybox's source package, enabling deb-src in debian.sources if needed. */
function ensureBusyboxSourceKnown() {
  let info = busyboxSourceInfo();
  if (info) return info;
  if (!existsSync(DEBIAN_SOURCES)) {
    fail(`apt-get source busybox needs deb-src entries; add them to your apt sources (${DEBIAN_SOURCES} is missing) and run apt-get update`);
  }
  const text = readFileSync(DEBIAN_SOURCES, 'utf8');
  if (!/^Types:.*\bdeb-src\b/m.test(text)) {
    const backup = `${DEBIAN_SOURCES}.hartvm-backup`;
    say(`enabling deb-src in ${DEBIAN_SOURCES} (backup: ${backup})`);
    const updated = text.replace(/^Types:\s*deb\s*$/gm, 'Types: deb deb-src');
    if (sudo.length) {
      runSync('sudo', ['cp', '-n', DEBIAN_SOURCES, backup]);
      const r = spawnSync('sudo', ['tee', DEBIAN_SOURCES], { input: updated, stdio: ['pipe', 'ignore', 'inherit'] });
      if (r.status !== 0) fail(`could not write ${DEBIAN_SOURCES}`);
    } else {
      if (!existsSync(backup)) copyFileSync(DEBIAN_SOURCES, backup);
      writeFileSync(DEBIAN_SOURCES, updated);
    }
  }
  aptUpdated = false;
  aptUpdate();
  info = busyboxSourceInfo();
  if (!info) fail('apt-get source --print-uris busybox still finds no source package after enabling deb-src');
  return info;
}

/** Unpacks busybox's Debian source (patches applied) into <cacheRoot>/src/busybox-<version>. */
function ensureBusyboxSource(cacheRoot, info) {
  const dest = path.join(cacheRoot, 'src', `busybox-${info.version}`);
  if (existsSync(path.join(dest, 'Makefile'))) return dest;
  say(`fetching busybox source ${info.version} (apt-get source)`);
  const tmp = `${dest}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  // Unpinned (the .dsc version has no epoch); the check below makes sure it is the hashed one.
  const r = spawnSync('apt-get', ['source', '-q', 'busybox'], {
    cwd: tmp, stdio: ['ignore', process.stderr, process.stderr],
  });
  if (r.status !== 0) fail(`apt-get source busybox failed (status ${r.status})`);
  const dsc = info.id.split(' ')[0];
  if (!existsSync(path.join(tmp, dsc))) fail(`apt-get source busybox did not fetch ${dsc} (apt lists changed during the build? run again)`);
  const dir = readdirSync(tmp, { withFileTypes: true }).find((e) => e.isDirectory() && e.name.startsWith('busybox'));
  if (!dir) fail(`apt-get source busybox left no source directory in ${tmp}`);
  rmSync(dest, { recursive: true, force: true });
  renameSync(path.join(tmp, dir.name), dest);
  rmSync(tmp, { recursive: true, force: true });
  return dest;
}

// ---------------------------------------------------------------------------------------------
// Inputs and the content hash

function packageVersions(kernel) {
  const hashed = [kernel.pkg, ...HASHED_PACKAGES];
  const have = installedVersions(hashed);
  return hashed.map((p) => `${p}=${have.get(p) ?? '(not installed)'}`);
}

function programSources() {
  return readdirSync(PROGRAMS_DIR).filter((f) => !f.startsWith('.')).sort();
}

function computeHash(kernel, packages, busybox) {
  const h = createHash('sha256');
  const add = (name, data) => {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
    h.update(`${name}\0${buf.length}\0`);
    h.update(buf);
  };
  add('build.mjs', readFileSync(SCRIPT));
  for (const part of ['cache-dir.mjs', 'kconfig.mjs']) add(part, readFileSync(path.join(HERE, part)));
  add('linux', kernel.version);
  for (const f of kernel.fragments) add(path.basename(f), readFileSync(f));
  add('busybox.config', readFileSync(BUSYBOX_FRAGMENT));
  add('init', readFileSync(INIT_SCRIPT));
  for (const f of programSources()) add(`programs/${f}`, readFileSync(path.join(PROGRAMS_DIR, f)));
  add('packages', packages.join('\n'));
  add('busybox-source', busybox.id);
  return h.digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Build steps

/** Unpacks the kernel tree into <build>/linux (Documentation and device trees left out). */
async function unpackKernel(kernel, build, logs) {
  const tree = path.join(build, 'linux');
  if (existsSync(path.join(tree, '.hartvm-unpacked'))) return tree;
  const log = path.join(logs, 'kernel.log');
  rmSync(tree, { recursive: true, force: true });
  const top = kernel.topdir;
  rmSync(path.join(build, top), { recursive: true, force: true });
  // Kconfig reads every architecture's Kconfig files and Documentation/Kconfig, so only the bulky
  // parts nothing reads go: documentation subdirectories and other architectures' device trees.
  const excludes = [`${top}/Documentation/*/*`, `${top}/arch/[a-qs-z]*/boot/dts`];
  await runLogged('kernel: unpack source', log, 'tar',
    ['-xJf', kernel.tarball, '-C', build, ...excludes.map((e) => `--exclude=${e}`)]);
  renameSync(path.join(build, top), tree);
  writeFileSync(path.join(tree, '.hartvm-unpacked'), '');
  return tree;
}

async function buildKernel(kernel, dir, build, logs, jobs) {
  const log = path.join(logs, 'kernel.log');
  const tree = await unpackKernel(kernel, build, logs);
  const make = (step, ...targets) => runLogged(step, log, 'make',
    ['-C', tree, 'ARCH=riscv', `CROSS_COMPILE=${CROSS}`, ...targets]);
  await make('kernel: make tinyconfig', 'tinyconfig');
  await runLogged('kernel: merge config fragments', log, path.join(tree, 'scripts/kconfig/merge_config.sh'),
    ['-m', '-O', tree, path.join(tree, '.config'), ...kernel.fragments], { cwd: tree, env: { ARCH: 'riscv', CROSS_COMPILE: CROSS } });
  await make('kernel: make olddefconfig', 'olddefconfig');
  const finalConfig = readFileSync(path.join(tree, '.config'), 'utf8');
  const wanted = kernel.fragments.map((f) => readFileSync(f, 'utf8')).join('\n');
  const bad = configMismatches(parseFragment(wanted), finalConfig);
  if (bad.length) {
    writeFileSync(log, `\nconfig fragment options not in the final .config:\n  ${bad.join('\n  ')}\n`, { flag: 'a' });
    throw new StepError('kernel: check config', log, `${bad.length} option(s) of the config fragments did not take (unmet dependencies?): ${bad.join('; ')}`);
  }
  await make('kernel: make Image', `-j${jobs}`, 'Image');
  copyFileSync(path.join(tree, 'System.map'), path.join(dir, 'System.map'));
  copyFileSync(path.join(tree, '.config'), path.join(dir, 'kernel.config'));
  copyFileSync(path.join(tree, 'arch/riscv/boot/Image'), path.join(dir, 'Image.tmp'));
  renameSync(path.join(dir, 'Image.tmp'), path.join(dir, 'Image'));
}

async function buildBusybox(dir, build, logs, jobs, src) {
  const log = path.join(logs, 'busybox.log');
  const out = path.join(build, 'busybox');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const make = (step, ...targets) => runLogged(step, log, 'make',
    ['-C', src, `O=${out}`, `CROSS_COMPILE=${CROSS}`, ...targets]);
  await make('busybox: make defconfig', 'defconfig');
  const fragment = parseFragment(readFileSync(BUSYBOX_FRAGMENT, 'utf8'));
  applyFragment(path.join(out, '.config'), fragment);
  await make('busybox: make oldconfig', 'oldconfig');
  const bad = configMismatches(fragment, readFileSync(path.join(out, '.config'), 'utf8'));
  if (bad.length) throw new StepError('busybox: check config', log, bad.join('; '));
  await make('busybox: make', `-j${jobs}`, 'busybox');
  await make('busybox: make busybox.links', 'busybox.links');
  copyFileSync(path.join(out, '.config'), path.join(dir, 'busybox.config'));
  copyFileSync(path.join(out, 'busybox.links'), path.join(dir, 'busybox.links'));
  copyFileSync(path.join(out, 'busybox'), path.join(dir, 'busybox.tmp'));
  renameSync(path.join(dir, 'busybox.tmp'), path.join(dir, 'busybox'));
}

async function buildPrograms(dir, build, logs, opts) {
  const log = path.join(logs, 'programs.log');
  const outDir = path.join(dir, 'programs');
  mkdirSync(outDir, { recursive: true });
  const prefixMap = `-ffile-prefix-map=${HERE}/=`;
  for (const [name, extra] of Object.entries(PROGRAMS)) {
    const src = path.join(PROGRAMS_DIR, `${name}.c`);
    const tmp = path.join(outDir, `${name}.tmp`);
    await runLogged(`programs: ${name}`, log, `${CROSS}gcc`,
      ['-static', ...COMMON_PROGRAM_FLAGS, prefixMap, '-o', tmp, src, ...extra]);
    renameSync(tmp, path.join(outDir, name));
  }
  // float.expected must be what the same program prints when built for the host.
  const hostFloat = path.join(build, 'float-host');
  mkdirSync(build, { recursive: true });
  await runLogged('programs: float (host build)', log, 'gcc',
    [...COMMON_PROGRAM_FLAGS, prefixMap, '-o', hostFloat, path.join(PROGRAMS_DIR, 'float.c'), '-lm']);
  const hostOut = path.join(build, 'float-host.out');
  await runLogged('programs: float (host run)', log, hostFloat, [], { stdout: hostOut });
  // The verbose listing (every operation) goes next to the binaries, to diff against `float -v`.
  await runLogged('programs: float -v (host run)', log, hostFloat, ['-v'], { stdout: path.join(outDir, 'float-v.expected') });
  const expectedPath = path.join(PROGRAMS_DIR, 'float.expected');
  const got = readFileSync(hostOut, 'utf8');
  if (opts.updateFloatExpected) {
    writeFileSync(expectedPath, got);
    say(`wrote ${expectedPath}`);
  } else if (!existsSync(expectedPath) || readFileSync(expectedPath, 'utf8') !== got) {
    writeFileSync(log, `\nhost float output (${hostOut}) differs from ${expectedPath}\n`, { flag: 'a' });
    throw new StepError('programs: float.expected check', log,
      `the host build of float.c does not print programs/float.expected; run with --update-float-expected after checking the difference (diff ${hostOut} ${expectedPath})`);
  }
}

async function buildInitramfs(kernel, dir, build, logs) {
  const log = path.join(logs, 'initramfs.log');
  // usr/gen_init_cpio from the kernel tree (unpacked by the kernel step; extracted alone otherwise).
  let genSrc = path.join(build, 'linux', 'usr', 'gen_init_cpio.c');
  if (!existsSync(genSrc)) {
    await runLogged('initramfs: extract gen_init_cpio.c', log, 'tar',
      ['-xJf', kernel.tarball, '-C', build, `${kernel.topdir}/usr/gen_init_cpio.c`]);
    genSrc = path.join(build, kernel.topdir, 'usr', 'gen_init_cpio.c');
  }
  const gen = path.join(build, 'gen_init_cpio');
  await runLogged('initramfs: build gen_init_cpio', log, 'gcc', ['-O2', '-o', gen, genSrc]);

  // Stage the files with fixed modes and mtimes (gen_init_cpio stores a file's own mtime).
  const stage = path.join(build, 'rootfs');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const stageFile = (from, name) => {
    const to = path.join(stage, name);
    copyFileSync(from, to);
    chmodSync(to, 0o755);
    utimesSync(to, EPOCH, EPOCH);
    return to;
  };
  const list = [];
  for (const d of ['/bin', '/sbin', '/usr', '/usr/bin', '/usr/sbin', '/dev', '/proc', '/sys', '/etc', '/root', '/mnt']) {
    list.push(`dir ${d} 0755 0 0`);
  }
  list.push('dir /tmp 01777 0 0');
  list.push('nod /dev/console 0600 0 0 c 5 1');
  list.push('nod /dev/null 0666 0 0 c 1 3');
  list.push(`file /init ${stageFile(INIT_SCRIPT, 'init')} 0755 0 0`);
  list.push(`file /bin/busybox ${stageFile(path.join(dir, 'busybox'), 'busybox')} 0755 0 0`);
  const programs = Object.keys(PROGRAMS).map((p) => `/bin/${p}`);
  for (const name of Object.keys(PROGRAMS)) {
    list.push(`file /bin/${name} ${stageFile(path.join(dir, 'programs', name), name)} 0755 0 0`);
  }
  const links = readFileSync(path.join(dir, 'busybox.links'), 'utf8').split('\n').map((l) => l.trim())
    .filter((l) => l.startsWith('/') && l !== '/bin/busybox' && !programs.includes(l)).sort();
  for (const l of new Set(links)) list.push(`slink ${l} /bin/busybox 0777 0 0`);
  const listFile = path.join(dir, 'rootfs.list');
  writeFileSync(listFile, `${list.join('\n')}\n`);
  const tmp = path.join(dir, 'rootfs.cpio.tmp');
  await runLogged('initramfs: gen_init_cpio', log, gen, ['-t', String(EPOCH), listFile], { stdout: tmp });
  renameSync(tmp, path.join(dir, 'rootfs.cpio'));
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cacheRoot = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'hartvm', 'guest');
  if (os.platform() !== 'linux') fail('the guest build needs a Debian (or Ubuntu) Linux host');

  const kernel = KERNELS[opts.linux];
  ensurePackages(kernel);
  const busyboxInfo = ensureBusyboxSourceKnown();
  const packages = packageVersions(kernel);
  const fullHash = computeHash(kernel, packages, busyboxInfo);
  const hash = fullHash.slice(0, 16);
  const dir = path.join(cacheRoot, hash);

  const report = () => {
    if (opts.prune) prune(cacheRoot, hash, say);
    if (opts.printDir) {
      process.stdout.write(`${dir}\n`);
      return;
    }
    for (const o of [...OUTPUTS, 'manifest.json']) process.stdout.write(`${path.join(dir, o)}\n`);
  };

  if (!opts.force && isComplete(dir, fullHash)) {
    say(`up to date: ${dir}`);
    report();
    return;
  }
  mkdirSync(dir, { recursive: true });
  const release = await lock(dir, fullHash, say);
  if (!opts.force && isComplete(dir, fullHash)) {
    release();
    say(`up to date: ${dir}`);
    report();
    return;
  }
  rmSync(path.join(dir, 'manifest.json'), { force: true });
  if (opts.force) for (const f of ['Image', 'busybox', 'rootfs.cpio']) rmSync(path.join(dir, f), { force: true });
  const logs = path.join(dir, 'logs');
  const build = path.join(dir, 'build');
  mkdirSync(logs, { recursive: true });
  mkdirSync(build, { recursive: true });
  writeFileSync(path.join(dir, 'inputs.txt'),
    `hash ${fullHash}\nbusybox source ${busyboxInfo.id}\n${packages.join('\n')}\n`);
  say(`building into ${dir} (${opts.jobs} jobs; logs in ${logs})`);

  const times = {};
  const t0 = Date.now();
  try {
    // Steps whose output already exists in this directory (an earlier, interrupted run with the
    // same inputs) are not redone.
    if (!existsSync(path.join(dir, 'Image'))) {
      say(`building kernel: Linux ${kernel.version} Image (about 2-10 min on 2 cores; ${path.join(logs, 'kernel.log')})...`);
      rmSync(path.join(logs, 'kernel.log'), { force: true });
      const t = Date.now();
      await buildKernel(kernel, dir, build, logs, opts.jobs);
      times.kernel = seconds(t);
      say(`kernel done in ${times.kernel} s`);
    }
    if (!existsSync(path.join(dir, 'busybox'))) {
      const src = ensureBusyboxSource(cacheRoot, busyboxInfo);
      say(`building busybox ${busyboxInfo.version} (static; about 1-2 min on 2 cores)...`);
      rmSync(path.join(logs, 'busybox.log'), { force: true });
      const t = Date.now();
      await buildBusybox(dir, build, logs, opts.jobs, src);
      times.busybox = seconds(t);
      say(`busybox done in ${times.busybox} s`);
    }
    say(`building test programs (${Object.keys(PROGRAMS).join(', ')})...`);
    rmSync(path.join(logs, 'programs.log'), { force: true });
    let t = Date.now();
    await buildPrograms(dir, build, logs, opts);
    times.programs = seconds(t);
    say('building initramfs rootfs.cpio...');
    rmSync(path.join(logs, 'initramfs.log'), { force: true });
    t = Date.now();
    await buildInitramfs(kernel, dir, build, logs);
    times.initramfs = seconds(t);
  } catch (e) {
    if (!(e instanceof StepError)) throw e;
    process.stderr.write(`[guest] FAILED: ${e.message}\n[guest] last lines of ${e.log}:\n`);
    process.stderr.write(`${tail(e.log).replace(/^/gm, '    ')}\n`);
    process.stderr.write(`[guest] full logs in ${logs}\n`);
    process.exit(1);
  }

  const files = {};
  for (const f of ['Image', 'rootfs.cpio', 'System.map', 'kernel.config', 'busybox', 'busybox.config', 'rootfs.list',
    ...Object.keys(PROGRAMS).map((p) => `programs/${p}`), 'programs/float-v.expected']) {
    const p = path.join(dir, f);
    files[f] = { size: statSync(p).size, sha256: sha256File(p) };
  }
  const manifest = {
    hash: fullHash,
    dir,
    kernel: { version: packages.find((p) => p.startsWith(`${kernel.pkg}=`)), image: 'Image', config: 'kernel.config' },
    initramfs: { file: 'rootfs.cpio', format: 'newc (uncompressed)', init: '/init', programs: Object.keys(PROGRAMS).map((p) => `/bin/${p}`) },
    busyboxSource: busyboxInfo.id,
    packages,
    files,
    buildSeconds: { ...times, total: seconds(t0) },
  };
  writeFileSync(path.join(dir, 'manifest.json.tmp'), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(path.join(dir, 'manifest.json.tmp'), path.join(dir, 'manifest.json'));
  if (!opts.keepBuild) rmSync(build, { recursive: true, force: true });
  release();
  say(`done in ${seconds(t0)} s`);
  report();
}

main().catch((e) => fail(e.stack ?? String(e)));
