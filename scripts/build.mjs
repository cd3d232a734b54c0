// Bundles the three programs with esbuild: the extension host entry, the engine (server + CLI), the webview.
// Native modules stay external and ship in node_modules; everything else is inlined.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const natives = ['better-sqlite3', 'onnxruntime-node'];

const node = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const builds = [
  { ...node, entryPoints: { extension: 'extension/main.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...node, entryPoints: { engine: 'engine/server/main.ts', cli: 'engine/cli/main.ts' }, outdir: 'dist', external: natives },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: { panel: 'webview/main.ts' },
    outdir: 'dist/webview',
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
