// The workspace as the runbook planner may see it: Markdown files found by a bounded walk, and reads that never
// leave the folder (a `runbook_url` of `../../etc/passwd` or a symlink out of it finds nothing).
import fs from 'node:fs';
import path from 'node:path';
import { readWorkspaceText } from '../../memory/fsafe/readWorkspaceFile';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.work', '.tools']);
export const MAX_FILES = 20_000;
const MAX_DEPTH = 16;
/** Runbooks are documents; a multi-megabyte "runbook" is not one a person wrote. */
export const MAX_RUNBOOK_BYTES = 2 * 1024 * 1024;

/** Workspace-relative paths (forward slashes) of .md/.markdown files, sorted; symlinks are not followed. */
export function listMarkdown(workspace: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string, depth: number) => {
    if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= MAX_FILES) return;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(path.join(dir, e.name), childRel, depth + 1);
      } else if (e.isFile() && isMarkdown(e.name)) out.push(childRel);
    }
  };
  walk(workspace, '', 0);
  return out.sort();
}

export function isMarkdown(name: string): boolean {
  return /\.(md|markdown)$/i.test(name);
}

/** The workspace-relative path of `candidate` when it names a Markdown file inside the workspace, else null. */
export function insideWorkspace(workspace: string, candidate: string): string | null {
  if (candidate.includes('\0') || !isMarkdown(candidate.split(/[?#]/)[0]!)) return null;
  const root = path.resolve(workspace);
  const abs = path.resolve(root, candidate.split(/[?#]/)[0]!);
  if (!contained(root, abs)) return null;
  try {
    const real = fs.realpathSync(abs);
    if (!contained(fs.realpathSync(root), real) || !fs.statSync(real).isFile()) return null;
  } catch {
    return null;
  }
  return path.relative(root, abs).split(path.sep).join('/');
}

function contained(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Reads a runbook the planner chose; refuses files that left the workspace, are no longer regular files, or grew
 * past the bound since (engine/memory/fsafe: the checks and the read are one step, so a swap in between is caught).
 */
export function readRunbook(workspace: string, rel: string): string {
  const checked = insideWorkspace(workspace, rel);
  if (checked === null) throw new Error(`${rel} is not a Markdown file inside the workspace`);
  return readWorkspaceText(workspace, checked, { maxBytes: MAX_RUNBOOK_BYTES, label: rel });
}

/** The first bytes of a file: enough for front matter without reading every document whole. */
export function readHead(workspace: string, rel: string, bytes = 4096): string {
  // A FIFO here would block the open itself; engine/memory/fsafe opens non-blocking and refuses anything but a file.
  return readWorkspaceText(workspace, rel, { maxBytes: bytes, truncate: true, label: rel });
}
