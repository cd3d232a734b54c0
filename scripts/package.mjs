// `npm run package [-- --target linux-x64] [--model DIR]`: builds a platform-specific .vsix holding only that
// platform's native binaries and the default embedding model (int8 weights + tokenizer), never committed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { target: { type: 'string', default: `${process.platform}-${process.arch}` }, model: { type: 'string' }, out: { type: 'string' } },
});
const target = values.target;

/** vsce target -> [better-sqlite3 prebuild name, onnxruntime-node bin folder]. */
const natives = {
  'linux-x64': ['linux-x64', 'linux/x64'],
  'linux-arm64': ['linux-arm64', 'linux/arm64'],
  'darwin-arm64': ['darwin-arm64', 'darwin/arm64'],
  'win32-x64': ['win32-x64', 'win32/x64'],
  'win32-arm64': ['win32-arm64', 'win32/arm64'],
};
if (!natives[target]) {
  console.error(`package: no native binaries for target '${target}'; supported: ${Object.keys(natives).join(', ')}`);
  process.exit(2);
}
const [sqlitePrebuild, ortFolder] = natives[target];

const MODEL = 'static-ops-embed-256';
const modelSource = path.resolve(values.model ?? process.env.RUNBOOK_AGENT_MODEL ?? path.join('..', 'shared', 'models', MODEL));
const modelFiles = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'MANIFEST.md', 'onnx/model_quantized.onnx'];
const missing = modelFiles.filter((f) => f !== 'MANIFEST.md' && !fs.existsSync(path.join(modelSource, f)));
if (missing.length) {
  console.error(`package: the embedding model at ${modelSource} lacks ${missing.join(', ')}. Pass --model DIR.`);
  process.exit(1);
}

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

run(process.execPath, ['scripts/build.mjs', '--production']);

// Stage the model inside the extension folder (models/ is git-ignored).
const staged = path.join('models', MODEL);
fs.rmSync('models', { recursive: true, force: true });
for (const file of modelFiles) {
  const from = path.join(modelSource, file);
  if (!fs.existsSync(from)) continue;
  fs.mkdirSync(path.dirname(path.join(staged, file)), { recursive: true });
  fs.copyFileSync(from, path.join(staged, file));
}

const ignoreFile = path.join('.work', `vscodeignore-${target}`);
fs.mkdirSync('.work', { recursive: true });
fs.writeFileSync(
  ignoreFile,
  `${fs.readFileSync('.vscodeignore', 'utf8')}
!node_modules/better-sqlite3/prebuilds/${sqlitePrebuild}.node
!node_modules/onnxruntime-node/bin/napi-v6/${ortFolder}/*
`,
);

const out = values.out ?? path.join('dist', `runbook-agent-${target}.vsix`);
run(process.execPath, [
  'node_modules/@vscode/vsce/vsce',
  'package',
  '--target', target,
  '--ignoreFile', ignoreFile,
  '--out', out,
]);
const bytes = fs.statSync(out).size;
console.log(`package: ${out} ${(bytes / 1024 / 1024).toFixed(1)} MB (${bytes} bytes)`);
