import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The folder holding the project's package.json: the repository in development, the extension when installed. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const name = (JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string }).name;
      if (name === 'runbook-agent') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find runbook-agent's package.json above ${__dirname}`);
    dir = parent;
  }
}

/** Where the CLI keeps its database unless told otherwise (XDG data home). */
export function defaultDatabasePath(): string {
  if (process.env.RUNBOOK_AGENT_DB) return path.resolve(process.env.RUNBOOK_AGENT_DB);
  const dataHome = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'runbook-agent', 'engine.sqlite');
}

export const DATABASE_FILE = 'engine.sqlite';
