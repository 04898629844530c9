/**
 * The repository stands on its own: no tracked file points at documents or files outside it (the
 * workspace around a clone is not the user's), so README.md and docs/ must say all there is to say.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** References that lead out of the repository: the parent directory's shared folder, design notes kept there. */
const OUTSIDE = [/\.\.\/shared\b/, /\bshared\/guest\//, /\bDESIGN\.md\b/];

function trackedTextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  return listed.filter((f) => !/\.(bin|elf|dtb|png|json)$/.test(f) && f !== 'package-lock.json');
}

describe('the repository', () => {
  it('refers to nothing outside itself', () => {
    const hits: string[] = [];
    for (const file of trackedTextFiles()) {
      const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (OUTSIDE.some((re) => re.test(line))) hits.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
