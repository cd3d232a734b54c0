// The engine's folders are its planes (issue #13), and imports follow them: entry points (server, CLI, agent,
// MCP, eval) sit on top and nothing below imports them; shared code imports no plane; shipped code never imports
// a test harness or a benchmark.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph, sources } from './graph';

const PLANES = ['control', 'entry', 'execution', 'memory', 'planning', 'shared'];
const planeOf = (file: string) => file.split(path.sep)[1] ?? '';

/** Edges from one plane into another that the rules forbid. */
function violations(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [file, deps] of graph) {
    for (const dep of deps) {
      const from = planeOf(file);
      const to = planeOf(dep);
      if (from === to) continue;
      if (to === 'entry' || from === 'shared') out.push(`${file} -> ${dep}`);
    }
  }
  return out;
}

/** Every relative import target (type-only too) that resolves outside engine/ and protocol/. */
function outsideImports(files: readonly string[]): string[] {
  const SPEC = /\bfrom\s+['"](\.[^'"]+)['"]|\bimport\s*\(\s*['"](\.[^'"]+)['"]/g;
  return files.flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(SPEC)]
      .map((m) => path.normalize(path.join(path.dirname(file), (m[1] ?? m[2])!)))
      .filter((target) => !/^(engine|protocol)[\\/]/.test(target) && target !== 'package.json')
      .map((target) => `${file} -> ${target}`),
  );
}

describe('engine planes', () => {
  it('the engine folder holds the planes and nothing else', () => {
    const entries = fs.readdirSync('engine', { withFileTypes: true });
    expect(entries.filter((e) => !e.isDirectory()).map((e) => e.name)).toEqual([]);
    expect(entries.map((e) => e.name).sort()).toEqual(PLANES);
  });

  it('the rules catch an import of an entry point from below, and shared code importing a plane', () => {
    const files = {
      [path.join('engine', 'memory', 'a.ts')]: "import { x } from '../entry/x';",
      [path.join('engine', 'entry', 'x.ts')]: "import { a } from '../memory/a';",
      [path.join('engine', 'shared', 's.ts')]: "import { a } from '../memory/a';",
    };
    const graph = importGraph(Object.keys(files), (f) => files[f]!);
    expect(violations(graph).sort()).toEqual([
      `${path.join('engine', 'memory', 'a.ts')} -> ${path.join('engine', 'entry', 'x.ts')}`,
      `${path.join('engine', 'shared', 's.ts')} -> ${path.join('engine', 'memory', 'a.ts')}`,
    ]);
  });

  it('only entry points import entry points, and shared code imports no plane', () => {
    const files = sources('engine');
    const graph = importGraph(files, (f) => fs.readFileSync(f, 'utf8'));
    expect(new Set(files.map(planeOf))).toEqual(new Set(PLANES)); // every plane was read
    expect(violations(graph)).toEqual([]);
  });

  it('shipped code imports nothing from tests, benchmarks or scripts', () => {
    expect(outsideImports(sources('engine'))).toEqual([]);
  });
});
