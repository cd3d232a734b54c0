import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { readWorkspaceFile, readWorkspaceText, WorkspaceFileError, type WorkspaceFileProblem } from '../fsafe/readWorkspaceFile';

export interface WorkspaceFile {
  /** Relative to the workspace root, with forward slashes. */
  readonly rel: string;
  readonly abs: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface SkippedFile {
  readonly rel: string;
  readonly reason: string;
}

export interface ScanOptions {
  /** Extra gitignore-style patterns (the `runbookAgent.index.exclude` setting). */
  readonly exclude?: readonly string[];
  /** Files larger than this are skipped (default 2 MiB): a runbook that large is generated, not written. */
  readonly maxBytes?: number;
  readonly extensions?: readonly string[];
}

export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
/** A .gitignore is a list of patterns; one past 1 MiB is not one a person wrote, and is not read. */
const MAX_GITIGNORE_BYTES = 1024 * 1024;
const DEFAULT_EXTENSIONS = ['.md', '.markdown'];
/** Never worth walking into, whatever .gitignore says. */
const ALWAYS_IGNORED = ['.git/', 'node_modules/'];

export interface Scan {
  readonly files: WorkspaceFile[];
  readonly skipped: SkippedFile[];
}

/** Rules of .gitignore files, each applying to paths below the folder that holds it. */
class IgnoreRules {
  private readonly layers: Array<{ dir: string; rules: Ignore }> = [];

  constructor(root: string, exclude: readonly string[]) {
    this.layers.push({ dir: '', rules: ignore().add([...ALWAYS_IGNORED, ...exclude]) });
    this.loadDir(root, '');
  }

  loadDir(root: string, dir: string): void {
    let text: string;
    try {
      // The repository's file: a FIFO or a link to /dev/zero here must not hang or fill the indexer (engine/memory/fsafe).
      text = readWorkspaceText(root, path.join(dir, '.gitignore'), { maxBytes: MAX_GITIGNORE_BYTES });
    } catch {
      return;
    }
    this.layers.push({ dir, rules: ignore().add(text) });
  }

  ignores(rel: string, isDir: boolean): boolean {
    for (const { dir, rules } of this.layers) {
      if (dir && !rel.startsWith(`${dir}/`)) continue;
      const sub = dir ? rel.slice(dir.length + 1) : rel;
      if (rules.ignores(isDir ? `${sub}/` : sub)) return true;
    }
    return false;
  }

  /** Also loads the .gitignore files of the folders on the way to `rel`, for single-file checks. */
  loadAncestors(root: string, rel: string): void {
    const parts = rel.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) this.loadDir(root, parts.slice(0, i).join('/'));
  }
}

/** Walks a workspace for Markdown files, applying ignore rules and the checks that need only metadata. */
export function scanWorkspace(root: string, options: ScanOptions = {}, under = ''): Scan {
  const rules = new IgnoreRules(root, options.exclude ?? []);
  if (under) {
    // A sub-folder (a folder event): the .gitignore files above it apply, and an ignored folder yields nothing.
    rules.loadAncestors(root, `${under}/.`);
    const parts = under.split('/');
    for (let i = 1; i <= parts.length; i++) if (rules.ignores(parts.slice(0, i).join('/'), true)) return { files: [], skipped: [] };
  }
  const files: WorkspaceFile[] = [];
  const skipped: SkippedFile[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch (error) {
      skipped.push({ rel: dir || '.', reason: `unreadable folder: ${(error as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (rules.ignores(rel, true)) continue;
        rules.loadDir(root, rel);
        walk(rel);
        continue;
      }
      const result = checkPath(root, rel, options, rules);
      if (result === null) continue;
      if ('reason' in result) skipped.push(result);
      else files.push(result);
    }
  };
  walk(under);
  return { files, skipped };
}

/**
 * Checks one path (a file-system event): a file to index, a skip with its reason, or null when the path is
 * not ours at all (not Markdown, ignored, or gone).
 */
export function checkOnePath(root: string, rel: string, options: ScanOptions = {}): WorkspaceFile | SkippedFile | null {
  const rules = new IgnoreRules(root, options.exclude ?? []);
  rules.loadAncestors(root, rel);
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) if (rules.ignores(parts.slice(0, i).join('/'), true)) return null;
  return checkPath(root, rel, options, rules);
}

function checkPath(root: string, rel: string, options: ScanOptions, rules: IgnoreRules): WorkspaceFile | SkippedFile | null {
  const extensions = options.extensions ?? DEFAULT_EXTENSIONS;
  if (!extensions.some((e) => rel.toLowerCase().endsWith(e))) return null;
  if (rules.ignores(rel, false)) return null;
  const abs = path.join(root, rel);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(abs);
    if (stat.isSymbolicLink()) {
      const target = fs.realpathSync(abs);
      const realRoot = fs.realpathSync(root);
      if (target !== realRoot && !target.startsWith(realRoot + path.sep)) return { rel, reason: 'symlink leads outside the workspace' };
      stat = fs.statSync(abs);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { rel, reason: `unreadable: ${(error as Error).message}` };
  }
  if (!stat.isFile()) return null;
  if (stat.size === 0) return { rel, reason: 'empty file' };
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (stat.size > max) return { rel, reason: `too large (${stat.size} bytes, limit ${max})` };
  return { rel, abs, size: stat.size, mtimeMs: stat.mtimeMs };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const READ_REFUSED: Record<WorkspaceFileProblem, string> = {
  missing: 'unreadable',
  unreadable: 'unreadable',
  outside: 'symlink leads outside the workspace',
  'not-regular': 'not a regular file',
  'too-large': 'too large',
};

/**
 * Reads a file's text, or says why it cannot be indexed (binary, invalid UTF-8, blank). The scan's checks
 * are repeated at the read (engine/memory/fsafe): the file may have become a FIFO, a link out, or grown since.
 */
export function readText(file: WorkspaceFile, maxBytes = DEFAULT_MAX_BYTES): { text: string; bytes: Buffer } | { reason: string } {
  let bytes: Buffer;
  try {
    bytes = readWorkspaceFile(rootOf(file), file.rel, { maxBytes, label: file.rel });
  } catch (error) {
    const why = error instanceof WorkspaceFileError ? READ_REFUSED[error.problem] : 'unreadable';
    return { reason: `${why}: ${(error as Error).message}` };
  }
  if (bytes.subarray(0, 8192).includes(0)) return { reason: 'binary file (contains NUL bytes)' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { reason: 'invalid UTF-8' };
  }
  if (text.trim() === '') return { reason: 'empty file' };
  return { text: text.replace(/^\uFEFF/, ''), bytes };
}

/** The workspace root a file was found under: `abs` without `rel` (its folder when they do not line up). */
function rootOf(file: WorkspaceFile): string {
  const rel = file.rel.split('/').join(path.sep);
  return file.abs.endsWith(`${path.sep}${rel}`) ? file.abs.slice(0, -(rel.length + 1)) || path.sep : path.dirname(file.abs);
}
