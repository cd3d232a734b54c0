import fs from 'node:fs';
import path from 'node:path';
import { DEMO_WORKSPACE } from './paths';

/** A private copy of the demo workspace, so a test run never changes the repository's files. */
export function copyDemoWorkspace(work: string): string {
  const target = path.join(work, 'demo-workspace');
  fs.cpSync(DEMO_WORKSPACE, target, { recursive: true });
  return target;
}
