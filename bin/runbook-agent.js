#!/usr/bin/env node
// The CLI needs Node >= 22 (better-sqlite3 13 uses N-API 10). On an older Node, re-run under the Node 24
// that the project's scripts keep in .tools/, or explain how to get one.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { spawn } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  const bundled = path.join(root, '.tools', 'node24', 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
  if (!fs.existsSync(bundled)) {
    process.stderr.write(
      `runbook-agent needs Node >= 22 (this is ${process.version}). Install Node 22+, or run ` +
        "'bash scripts/setup.sh' in the repository, which fetches Node 24 from npm into .tools/.\n",
    );
    process.exit(1);
  }
  const child = spawn(bundled, [__filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  // `serve` shuts down gracefully on SIGTERM/SIGINT: pass them on instead of dying before the child does.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
  return;
}
require(path.join(root, 'dist', 'cli.js'));
