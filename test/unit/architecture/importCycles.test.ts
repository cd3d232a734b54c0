// No import cycles in the engine (issue #13): a module's runtime imports never lead back to it, so each folder can
// be read, tested and moved on its own. Type-only imports are erased at build time and are not followed.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importGraph, sources } from './graph';

/** One cycle per strongly connected component of more than one file (or a file importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import cycles', () => {
  it('the check finds a cycle when there is one, through index files, and ignores type-only imports', () => {
    const files = { 'a/x.ts': "import { y } from './y';", 'a/y.ts': "export { z } from '../b';", 'b/index.ts': "import {\n  x,\n} from '../a/x';", 'c.ts': "import type { x } from './a/x';\nimport { y } from './a/y';" };
    const graph = importGraph(Object.keys(files), (f) => files[f as keyof typeof files]);
    expect(cycles(graph)).toEqual([['a/x.ts', 'a/y.ts', 'b/index.ts']]);
    const acyclic = { ...files, 'b/index.ts': "import type { x } from '../a/x';" };
    expect(cycles(importGraph(Object.keys(acyclic), (f) => acyclic[f as keyof typeof acyclic]))).toEqual([]);
  });

  it('the engine has none', () => {
    const files = sources('engine');
    const graph = importGraph(files, (f) => fs.readFileSync(f, 'utf8'));
    expect([...graph.values()].flat().length).toBeGreaterThan(files.length); // the graph was read
    expect(cycles(graph)).toEqual([]);
  });
});
