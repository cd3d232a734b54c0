import path from 'node:path';
import { packageRoot } from '../../../engine/shared/paths';

/** Found by walking up, so the harness also works when bundled elsewhere (bench/run.mjs). */
export const ROOT = packageRoot();
export const CODE_SERVER = path.join(ROOT, '.tools', 'code-server', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = '/usr/bin/chromium';
export const VSIX = path.join(ROOT, 'dist', `runbook-agent-${process.platform}-${process.arch}.vsix`);
export const DEMO_WORKSPACE = path.join(ROOT, 'examples', 'demo-workspace');
export const RESULTS = path.join(ROOT, 'test-results', 'e2e');
