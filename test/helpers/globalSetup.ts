import { execFileSync } from 'node:child_process';

/** Tests that start the engine as a real process run the bundles, so build them once per run. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
