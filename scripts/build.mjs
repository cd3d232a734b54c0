// Bundles the three programs with esbuild: the extension host entry, the engine (server + CLI), the webview.
// Native modules stay external and ship in node_modules; everything else is inlined.
import path from 'node:path';
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

// The embedding worker bundles @xenova/transformers' tokenizer only. Its onnx backend module is swapped for a
// shim that re-exports the engine's onnxruntime-node (so no second runtime or onnxruntime-web is loaded), and
// import.meta.url (read by its env module) is given the bundle's own URL.
const xenovaOnnxShim = {
  name: 'xenova-onnx-shim',
  setup(build) {
    build.onResolve({ filter: /backends[\\/]onnx\.js$/ }, (args) =>
      args.importer.includes('@xenova') ? { path: path.resolve('engine/memory/embed/xenovaOnnxShim.ts') } : undefined,
    );
  },
};
const embedWorker = {
  ...node,
  entryPoints: { embedWorker: 'engine/memory/embed/worker.ts' },
  outdir: 'dist',
  external: natives,
  plugins: [xenovaOnnxShim],
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('url').pathToFileURL(__filename).href;" },
};

const builds = [
  embedWorker,
  { ...node, entryPoints: { extension: 'extension/main.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...node, entryPoints: { engine: 'engine/entry/server/main.ts', cli: 'engine/entry/cli/main.ts', 'crash-child': 'test/harness/crash/child.ts' }, outdir: 'dist', external: natives },
  // The engine's worker threads: the vector index (train, rebuild, serve), the integrity check, the HTTP intake;
  // and its process launcher, a child process that starts the tools' programs.
  {
    ...node,
    entryPoints: { indexWorker: 'engine/memory/retrieval/indexWorker.ts', integrityWorker: 'engine/control/db/integrityWorker.ts', intakeWorker: 'engine/control/intake/worker.ts', launcher: 'engine/execution/tools/launcher/main.ts' },
    outdir: 'dist',
    external: natives,
  },
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
