// The guest build's cache directory (~/.cache/hartvm/guest/<hash>/): whether a build there is
// complete (its manifest lists every output with its size), the lock that keeps two builds of the
// same inputs from racing, and pruning the builds of older inputs.
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

export const OUTPUTS = ['Image', 'rootfs.cpio'];

export function readManifest(dir) {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
}

export function isComplete(dir, hash) {
  const m = readManifest(dir);
  if (!m || m.hash !== hash) return false;
  return Object.entries(m.files ?? {}).every(([name, f]) => {
    try {
      return statSync(path.join(dir, name)).size === f.size;
    } catch {
      return false;
    }
  }) && OUTPUTS.every((o) => m.files?.[o]);
}

export function sha256File(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Takes <dir>.lock (waiting while another live build holds it, saying so); returns a release function. */
export async function lock(dir, hash, say) {
  const lockFile = `${dir}.lock`;
  let waited = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        try { unlinkSync(lockFile); } catch { /* already gone */ }
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    const pid = Number(readFileSync(lockFile, 'utf8') || 0);
    let alive = false;
    try {
      if (pid > 0) { process.kill(pid, 0); alive = true; }
    } catch (e) {
      alive = e.code === 'EPERM';
    }
    if (!alive) {
      try { unlinkSync(lockFile); } catch { /* raced */ }
      continue;
    }
    if (!waited) say(`waiting for another build (pid ${pid}) of ${dir}`);
    waited = true;
    await new Promise((r) => setTimeout(r, 2000));
    if (isComplete(dir, hash)) return () => {};
  }
}

/** Deletes the cache's <hash> directories other than `keep` (and their stale locks). */
export function prune(cacheRoot, keep, say) {
  for (const e of readdirSync(cacheRoot, { withFileTypes: true })) {
    const m = e.name.match(/^([0-9a-f]{16})(\.lock)?$/);
    if (!m || m[1] === keep) continue;
    if (m[2]) continue; // a lock: left to its owner
    if (existsSync(path.join(cacheRoot, `${m[1]}.lock`))) continue; // being built right now
    say(`pruning ${path.join(cacheRoot, e.name)}`);
    rmSync(path.join(cacheRoot, e.name), { recursive: true, force: true });
  }
}
