// `npm run bench -- <name> [args]`: bundles bench/<name>.ts with esbuild and runs it under this Node.
// Each benchmark writes bench/results/<name>.json; `npm run bench` alone lists them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const [name, ...args] = process.argv.slice(2);
const available = fs.readdirSync('bench').filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [--quick]\nbenchmarks: ${available.join(', ') || '(none)'}`);
  process.exit(name ? 2 : 0);
}
// The product first: benchmarks start its worker threads (dist/indexWorker.js and the others), and a stale dist/
// would measure yesterday's code beside today's bench (it did once: a weight changed in the source, not in the worker).
const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const outfile = path.join('.work', 'bench', `${name}.cjs`);
await esbuild.build({
  entryPoints: [path.join('bench', `${name}.ts`)],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: 'inline',
  external: ['better-sqlite3', 'onnxruntime-node', '@xenova/transformers', 'esbuild', 'playwright-core'],
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, ['--enable-source-maps', '--expose-gc', outfile, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
