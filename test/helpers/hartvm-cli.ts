/**
 * @fileoverview Runs the real hartvm CLI from tests, as a user would, and formats what happened for
 * assertion messages. Shared by every suite that drives guest programs.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'hartvm.mjs');
export const BUILD = path.join(ROOT, 'build', 'guest');

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs the hartvm CLI; never rejects (the exit status is part of the result). */
export function hartvm(args: string[], timeoutMs: number, input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 << 20, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout: String(stdout),
          stderr: String(stderr),
        });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

export function describeRun(cmd: string[], r: RunResult): string {
  return [
    `$ hartvm ${cmd.map((a) => path.relative(ROOT, a) || a).join(' ')}`,
    `exit code ${r.code}${r.signal ? ` (signal ${r.signal}, timed out?)` : ''}`,
    `--- stdout ---\n${r.stdout}`,
    `--- stderr ---\n${r.stderr}`,
  ].join('\n');
}

/** The built ELFs of one test/guest subdirectory, sorted. */
export function elfsIn(sub: string): string[] {
  const dir = path.join(BUILD, sub);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.elf'))
    .sort()
    .map((f) => path.join(dir, f));
}

export const nameOf = (elf: string): string => path.basename(elf, '.elf');
