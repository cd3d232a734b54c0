// `npm run bench -- crash [--quick] [--kills N]`: the crash harness with >= 500 SIGKILL points (50 with --quick).
// The engine child is bundled here with esbuild, so the benchmark does not depend on a prior build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as esbuild from 'esbuild';
import { runCrashHarness } from '../test/harness/crash/crashHarness';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const at = process.argv.indexOf('--kills');
  const killPoints = at > 0 ? Number(process.argv[at + 1]) : quick ? 50 : 500;
  const childEntry = path.resolve('.work/bench/crash-child.cjs');
  await esbuild.build({
    entryPoints: ['test/harness/crash/child.ts'],
    outfile: childEntry,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['better-sqlite3'],
    logLevel: 'warning',
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-bench-crash-'));
  const t0 = performance.now();
  try {
    const report = await runCrashHarness({
      dir,
      childEntry,
      killPoints,
      batch: 20,
      seed: 20261124,
      onProgress: (k) => k % 50 === 0 && console.log(`${k} kill points`),
    });
    const out = {
      benchmark: 'crash',
      measuredAt: new Date().toISOString(),
      node: process.versions.node,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      invariantsHold: report.violations.length === 0,
      ...report,
      violations: report.violations.slice(0, 50),
    };
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync('bench/results/crash.json', `${JSON.stringify(out, null, 2)}\n`);
    console.log(JSON.stringify(out, null, 2));
    process.exitCode = out.invariantsHold ? 0 : 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
