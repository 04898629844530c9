#!/usr/bin/env node
/**
 * @fileoverview Builds hartvm's bare-metal guest test programs: every test/guest/**\/*.{S,c} program
 * becomes build/guest/<subdir>/<name>.elf, compiled with riscv64-unknown-elf-gcc and fixed flags.
 *
 * A program is skipped when the content hash of its inputs (source, shared headers, linker script,
 * C runtime, flags) matches the hash stored next to its ELF, so repeated runs are cheap.
 * Directories named `include` and `runtime` hold shared inputs, not programs. C programs are linked
 * with test/guest/c/runtime/*.{S,c} (our own crt0 and UART helpers).
 *
 * Usage: node scripts/build-guests.mjs [--check] [--force] [--quiet] [--qemu]
 *   --check   build nothing; exit 1 if any ELF is missing or stale
 *   --force   rebuild everything
 *   --qemu    build into build/guest-qemu/ with -DQEMU_DEVIATIONS: the few spec-mandated checks that
 *             QEMU 7.2 gets wrong are compiled out, for validating the programs on QEMU
 * Also exports buildGuests(options?): Promise<string[]> (the ELF paths) for vitest's globalSetup.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Repository root (this file lives in scripts/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GUEST_DIR = path.join(ROOT, 'test', 'guest');
const OUT_DIRS = { spec: path.join(ROOT, 'build', 'guest'), qemu: path.join(ROOT, 'build', 'guest-qemu') };
const SHARED_DIRS = new Set(['include', 'runtime']);

export const CC = process.env.RISCV_CC ?? 'riscv64-unknown-elf-gcc';

/** Flags for every program; the prefix map keeps absolute paths out of the output. */
const COMMON_FLAGS = [
  '-mabi=lp64',
  '-mcmodel=medany',
  '-nostdlib',
  '-nostartfiles',
  '-static',
  '-ffreestanding',
  '-fno-pic',
  '-Wl,--build-id=none',
  '-Wl,--no-warn-rwx-segments',
  `-ffile-prefix-map=${ROOT}/=`,
  '-I', 'test/guest/include',
];
/** Linker script by top-level directory under test/guest (default link.ld, RAM at 0x8000_0000).
 * smp-s/ holds S-mode programs started by SBI firmware at 0x8020_0000 (hartvm's builtin SBI and
 * QEMU's default OpenSBI fw_jump both jump there). */
const DEFAULT_LINK_SCRIPT = 'test/guest/link.ld';
const LINK_SCRIPTS = { 'smp-s': 'test/guest/link-smode.ld' };
/** Link flags instead of a linker script, by top-level directory. no-link-script/ is linked as
 * programs ported from QEMU often are: GNU ld's default script with only the text address given,
 * which puts the ELF headers in the first segment, a page below RAM. */
const LINK_WITHOUT_SCRIPT = { 'no-link-script': ['-Wl,-Ttext=0x80000000'] };
/** ISA, ABI and extra flags by top-level directory, replacing the defaults' -march/-mabi: the F and
 * D programs need hard float. fp-c/ gets FMAs only where its source writes them and needs no libm,
 * so that its host-compiled twin (float.expected) computes the same. */
const DIR_FLAGS = {
  fp: { march: 'rv64gc', mabi: 'lp64d', extra: [] },
  'fp-c': { march: 'rv64gc', mabi: 'lp64d', extra: ['-ffp-contract=off', '-fno-math-errno', '-frounding-math'] },
  // The bit-manipulation programs spell out the extensions they test (GCC 12 knows all but Zicond).
  bitmanip: { march: 'rv64imac_zicsr_zifencei_zba_zbb_zbc_zbs_zbkb_zbkx', mabi: 'lp64', extra: [] },
  'bitmanip-c': { march: 'rv64imac_zba_zbb_zbc_zbs_zbkb_zbkx', mabi: 'lp64', extra: [] },
};
/** -march by program (path under test/guest), replacing its directory's: a program that tests an
 * optional extension its directory's other programs must not be assembled with. */
const PROGRAM_MARCH = {
  'fp/zfhmin.S': 'rv64gc_zfhmin',
};
/** Assembly test programs: the harness needs Zicsr and Zifencei spelled out (GCC 12, ISA 20191213). */
const ASM_FLAGS = ['-march=rv64imac_zicsr_zifencei', ...COMMON_FLAGS];
/** C programs: -O2, rv64imac (its multilib has libgcc), our own runtime. */
const C_FLAGS = ['-march=rv64imac', '-O2', '-Wall', '-Werror', '-fno-builtin-printf', '-I', 'test/guest/c/runtime', ...COMMON_FLAGS];
const C_LIBS = ['-lgcc'];

async function walk(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out.sort();
}

/** Every file under test/guest that can affect a build (sources, headers, linker script). */
async function listInputs() {
  const files = await walk(GUEST_DIR);
  const programs = [];
  const runtime = [];
  const shared = [];
  for (const f of files) {
    const rel = path.relative(GUEST_DIR, f);
    const parts = rel.split(path.sep);
    const inShared = parts.slice(0, -1).some((p) => SHARED_DIRS.has(p));
    const ext = path.extname(f);
    if (inShared) {
      if (parts.includes('runtime') && (ext === '.S' || ext === '.c')) runtime.push(f);
      else shared.push(f);
    } else if ((ext === '.S' || ext === '.c') && parts.length > 1) {
      programs.push(f);
    } else if (ext === '.ld' || ext === '.h') {
      shared.push(f);
    }
  }
  return { programs, runtime, shared };
}

/** The base flags with the directory's -march/-mabi substituted and its extra flags appended. */
function withDirFlags(base, { march, mabi, extra }) {
  const isa = base.map((f) => (f.startsWith('-march=') ? `-march=${march}` : f.startsWith('-mabi=') ? `-mabi=${mabi}` : f));
  return [...isa, ...extra];
}

function planFor(src, runtime, qemu) {
  const rel = path.relative(GUEST_DIR, src);
  const outRoot = qemu ? OUT_DIRS.qemu : OUT_DIRS.spec;
  const out = path.join(outRoot, rel.replace(/\.(S|c)$/, '.elf'));
  const isC = src.endsWith('.c');
  const sources = isC ? [src, ...runtime] : [src];
  const defs = qemu ? ['-DQEMU_DEVIATIONS'] : [];
  const top = rel.split(path.sep)[0];
  const linkFlags = LINK_WITHOUT_SCRIPT[top] ?? ['-T', LINK_SCRIPTS[top] ?? DEFAULT_LINK_SCRIPT];
  const base = isC ? C_FLAGS : ASM_FLAGS;
  const dir = DIR_FLAGS[top];
  const march = PROGRAM_MARCH[rel.split(path.sep).join('/')];
  const isa = (dir ? withDirFlags(base, dir) : base).map((f) => (march && f.startsWith('-march=') ? `-march=${march}` : f));
  const flags = [...isa, ...linkFlags, ...defs];
  // Objects get fixed names (not gcc's random /tmp names, which would land in the symbol table),
  // so the same inputs always give a byte-identical ELF.
  const objDir = path.join(outRoot, '.obj', rel.replace(/\.(S|c)$/, ''));
  const objects = sources.map((s) => path.join(objDir, path.basename(s).replace(/\.(S|c)$/, '.o')));
  const steps = sources.map((s, i) => [...flags, '-c', '-o', path.relative(ROOT, objects[i]), path.relative(ROOT, s)]);
  const link = [...flags, '-o', path.relative(ROOT, out), ...objects.map((o) => path.relative(ROOT, o)), ...(isC ? C_LIBS : [])];
  return { src, out, isC, sources, objDir, steps, link, args: [...steps.flat(), '\0', ...link] };
}

async function hashOf(plan, shared) {
  const h = createHash('sha256');
  h.update(CC + '\0' + plan.args.join('\0') + '\0');
  for (const f of [...plan.sources, ...shared]) {
    h.update(path.relative(ROOT, f) + '\0');
    h.update(await readFile(f));
  }
  return h.digest('hex');
}

async function upToDate(plan, hash) {
  if (!existsSync(plan.out)) return false;
  try {
    return (await readFile(plan.out + '.hash', 'utf8')).trim() === hash;
  } catch {
    return false;
  }
}

async function compile(plan, hash) {
  await mkdir(plan.objDir, { recursive: true });
  await mkdir(path.dirname(plan.out), { recursive: true });
  const env = { ...process.env, SOURCE_DATE_EPOCH: '0', LC_ALL: 'C' };
  for (const args of [...plan.steps, plan.link]) {
    try {
      await execFileAsync(CC, args, { cwd: ROOT, maxBuffer: 16 << 20, env });
    } catch (err) {
      const msg = `${path.relative(ROOT, plan.src)}: ${CC} failed\n${CC} ${args.join(' ')}\n${err.stderr ?? ''}${err.stdout ?? ''}${err.code === 'ENOENT' ? `${CC} not found (install gcc-riscv64-unknown-elf)\n` : ''}`;
      throw new Error(msg);
    }
  }
  const tmp = plan.out + '.hash.tmp';
  await writeFile(tmp, hash + '\n');
  await rename(tmp, plan.out + '.hash');
}

/** Runs fn over items with at most `limit` in flight. */
async function pool(items, limit, fn) {
  const results = [];
  const errors = [];
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]);
      } catch (err) {
        errors.push(err);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  return results;
}

/**
 * Builds every guest program that is missing or stale.
 * @param {{check?: boolean, force?: boolean, verbose?: boolean, jobs?: number, qemu?: boolean}} [options]
 * @returns {Promise<string[]>} absolute ELF paths, sorted
 */
export async function buildGuests(options = {}) {
  const { check = false, force = false, verbose = false, jobs = 2, qemu = false } = options;
  const { programs, runtime, shared } = await listInputs();
  const plans = programs.map((p) => planFor(p, runtime, qemu));
  const stale = [];
  await pool(plans, 4, async (plan) => {
    plan.hash = await hashOf(plan, shared);
    if (force || !(await upToDate(plan, plan.hash))) stale.push(plan);
  });
  if (check) {
    if (stale.length) throw new Error(`stale or missing guest ELFs:\n${stale.map((p) => '  ' + path.relative(ROOT, p.out)).join('\n')}`);
  } else {
    await pool(stale, jobs, async (plan) => {
      await compile(plan, plan.hash);
      if (verbose) console.log(`built ${path.relative(ROOT, plan.out)}`);
    });
  }
  return plans.map((p) => p.out).sort();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const argv = process.argv.slice(2);
  const opts = {
    check: argv.includes('--check'),
    force: argv.includes('--force'),
    verbose: !argv.includes('--quiet'),
    qemu: argv.includes('--qemu'),
  };
  buildGuests(opts).then(
    (elfs) => {
      if (opts.check) console.log(`${elfs.length} guest programs up to date`);
      else console.log(`${elfs.length} guest programs in ${path.relative(ROOT, opts.qemu ? OUT_DIRS.qemu : OUT_DIRS.spec)}`);
    },
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
