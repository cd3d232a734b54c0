import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { CHROMIUM, CODE_SERVER, ROOT } from './paths';

/** Packages the .vsix the tests install (the same command a release uses). */
export default function setup(): void {
  for (const [what, file] of [['code-server', CODE_SERVER], ['chromium', CHROMIUM]] as const) {
    if (!fs.existsSync(file)) throw new Error(`${what} is missing at ${file}: run 'bash scripts/setup-e2e.sh' first`);
  }
  execFileSync(process.execPath, ['scripts/package.mjs'], { cwd: ROOT, stdio: 'inherit' });
}
