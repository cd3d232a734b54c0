import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, openWorkbench } from './browser';
import { CodeServer, type CodeServerOptions } from './codeServer';
import { DEMO_WORKSPACE, VSIX } from './paths';

/** A private copy of the demo workspace, so a test run never changes the repository's files. */
export function copyDemoWorkspace(work: string): string {
  const target = path.join(work, 'demo-workspace');
  fs.cpSync(DEMO_WORKSPACE, target, { recursive: true });
  return target;
}

/**
 * The setup every workbench e2e shares: a code-server with the packaged .vsix, a copy of the demo workspace
 * (`prepare` may break it first, e.g. fill its logs), and chromium on it. `stop()` closes both.
 */
export async function openDemo(name: string, options: CodeServerOptions = {}, prepare: (folder: string) => void = () => undefined) {
  return openWorkspace(name, DEMO_WORKSPACE, options, prepare);
}

/**
 * Like openDemo, for another workspace: a private copy of `source` (a fixture folder) opened in a code-server
 * with the packaged .vsix and `options` (user settings, the environment the extension host and engine inherit).
 */
export async function openWorkspace(name: string, source: string, options: CodeServerOptions = {}, prepare: (folder: string) => void = () => undefined) {
  const server = await CodeServer.start(name, { install: [VSIX], ...options });
  const folder = path.join(server.work, path.basename(source));
  fs.cpSync(source, folder, { recursive: true });
  prepare(folder);
  const browser = await launchBrowser();
  const page = await openWorkbench(browser, server.workspaceUrl(folder));
  return {
    server,
    browser,
    page,
    folder,
    async stop() {
      await browser.close();
      await server.stop();
    },
  };
}

