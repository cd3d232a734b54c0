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
