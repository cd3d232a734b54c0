// The engine's import graph as the architecture tests read it: relative runtime imports between source files.
// Type-only imports are erased at build time and are not followed.
import fs from 'node:fs';
import path from 'node:path';

export const IMPORT = /^(import|export)\s+(?!type\b)[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]/gm;

export function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Relative runtime imports of each file, resolved to files of the set. */
export function importGraph(files: readonly string[], read: (file: string) => string): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const deps: string[] = [];
    for (const m of read(file).matchAll(IMPORT)) {
      const base = path.join(path.dirname(file), m[2]!);
      const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => known.has(c));
      if (hit) deps.push(hit);
    }
    graph.set(file, deps);
  }
  return graph;
}

