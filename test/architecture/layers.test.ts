/**
 * The layer rules of src/ (docs/ARCHITECTURE.md, "Layers"), checked on the code's own imports: which
 * folder may import which, no cycle between folders and no cycle between files. Every relative
 * import counts, type-only ones included: a type that crosses a layer is a dependency all the same.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** What each folder may import besides itself. A folder missing here may not be imported at all. */
const ALLOWED: Record<string, string[]> = {
  memory: [],
  cpu: ['memory'],
  devices: ['memory'],
  jit: ['cpu', 'memory'],
  fdt: ['memory'],
  loader: ['memory'],
  // The worker side: a hart, its JIT, and the devices a vCPU serves itself (CLINT, the UART's ring).
  vcpu: ['memory', 'cpu', 'jit', 'devices'],
  // The main thread runs no guest code: never cpu or vcpu.
  vmm: ['memory', 'devices', 'jit'],
  machine: ['memory', 'cpu', 'devices', 'jit', 'fdt', 'loader', 'vcpu', 'vmm'],
  cli: ['memory', 'machine', 'fdt', 'loader'],
  types: [],
};

/** Relative module specifiers in a TypeScript source: import/export ... from, import(), import '...'. */
export function importsOf(source: string): string[] {
  const specs: string[] = [];
  const patterns = [/\bfrom\s+'(\.{1,2}\/[^']+)'/g, /\bimport\s*\(\s*'(\.{1,2}\/[^']+)'\s*\)/g, /^\s*import\s+'(\.{1,2}\/[^']+)'/gm];
  for (const re of patterns) for (const m of source.matchAll(re)) specs.push(m[1]!);
  return specs;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The import graph of src/: file (relative to src/) -> files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const from = path.relative(SRC, file);
    graph.set(from, importsOf(readFileSync(file, 'utf8'))
      .map((spec) => path.relative(SRC, path.resolve(path.dirname(file), spec)))
      .filter((to) => !to.startsWith('..')));
  }
  return graph;
}

const folderOf = (file: string): string => file.split(path.sep)[0]!;

/** Strongly connected components with more than one node, or a node importing itself (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), found: string[][] = [];
  const visit = (v: string): void => {
    indexOf.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); component.push(w); } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indexOf.has(v)) visit(v);
  return found;
}

describe('layer rules of src/', () => {
  const graph = importGraph();

  it('has only the folders the rules know', () => {
    const folders = new Set([...graph.keys()].map(folderOf));
    expect([...folders].filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  it('imports only from the folders each folder may import', () => {
    const violations: string[] = [];
    for (const [from, targets] of graph) {
      for (const to of targets) {
        const a = folderOf(from), b = folderOf(to);
        if (a !== b && !(ALLOWED[a] ?? []).includes(b)) violations.push(`${from} -> ${to}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const folders = new Map<string, string[]>();
    for (const [from, targets] of graph) {
      const list = folders.get(folderOf(from)) ?? [];
      for (const to of targets) if (folderOf(to) !== folderOf(from)) list.push(folderOf(to));
      folders.set(folderOf(from), list);
    }
    expect(cycles(folders)).toEqual([]);
  });

  it('has no cycle between files', () => {
    expect(cycles(graph)).toEqual([]);
  });
});

describe('the checker itself', () => {
  it('finds imports of every form', () => {
    const text = "import { a } from './a.ts';\nimport type { B } from '../b/b.ts';\nexport { c } from './c.ts';\nconst d = await import('./d.ts');\nimport './e.ts';\nimport x from 'node:fs';";
    expect(importsOf(text).sort()).toEqual(['../b/b.ts', './a.ts', './c.ts', './d.ts', './e.ts']);
  });

  it('finds a cycle and its members', () => {
    const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']], ['e', ['e']]]);
    expect(cycles(g)).toEqual([['a', 'b', 'c'], ['e']]);
  });
});
