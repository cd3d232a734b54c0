// Reading a file the repository supplies (a policy file, a runbook, a .gitignore): a cloned repository chooses
// what sits at that path, so it may be a FIFO (the read never returns), a link to /dev/zero (it never ends), a
// link out of the workspace, or a file that keeps growing. Only a regular file inside the workspace, up to a cap,
// is read.
import fs from 'node:fs';
import path from 'node:path';

/** Why a read was refused; `missing` lets a caller treat an absent file as "none" and everything else as an error. */
export type WorkspaceFileProblem = 'missing' | 'outside' | 'not-regular' | 'too-large' | 'unreadable';

export class WorkspaceFileError extends Error {
  constructor(
    message: string,
    readonly problem: WorkspaceFileProblem,
  ) {
    super(message);
    this.name = 'WorkspaceFileError';
  }
}

export interface ReadWorkspaceFileOptions {
  /** The largest file read, in bytes; a larger one is refused with this number in the message. */
  readonly maxBytes: number;
  /** What messages call the file, e.g. "policy file /ws/.runbook-agent/policy.json" (default: its path). */
  readonly label?: string;
  /** Return the first `maxBytes` of a larger file instead of refusing it (a head read: front matter). */
  readonly truncate?: boolean;
}

// Not every platform has these (Windows): there the lstat, realpath and fstat checks still apply.
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const READ_CHUNK = 64 * 1024;

/**
 * The bytes of `rel` (relative to `root`, or absolute inside it). In order: the path must stay inside `root`
 * once every link is resolved (realpath containment, so a link to /dev/zero or to /etc is refused); it must
 * be a regular file (not a FIFO, socket, device or directory: lstat of the resolved path); it is opened with
 * O_RDONLY|O_NONBLOCK|O_NOFOLLOW, so a FIFO swapped in since cannot block the open and a link swapped in is
 * refused; `fstat` of the opened descriptor confirms a regular file no larger than the cap (closing the race
 * between the checks and the open); and at most `maxBytes + 1` bytes are read, so a file growing while it is
 * read is refused instead of exhausting memory. Synchronous, and never blocks on the file's content.
 */
export function readWorkspaceFile(root: string, rel: string, options: ReadWorkspaceFileOptions): Buffer {
  const { maxBytes } = options;
  const limit = options.truncate ? Number.POSITIVE_INFINITY : maxBytes;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
  const base = path.resolve(root);
  const abs = path.resolve(base, rel);
  const name = options.label ?? abs;
  if (rel.includes('\0')) throw new WorkspaceFileError(`${name}: the path contains a NUL byte`, 'outside');
  if (!contained(base, abs)) throw new WorkspaceFileError(`${name} is outside the workspace ${base}`, 'outside');

  let link: fs.Stats;
  try {
    link = fs.lstatSync(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new WorkspaceFileError(`${name} does not exist`, 'missing');
    throw new WorkspaceFileError(`cannot read ${name}: ${(error as Error).message}`, 'unreadable');
  }
  // Every link on the way (the file's own, or a folder's) is resolved before anything is opened.
  let real: string;
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(base);
    real = fs.realpathSync(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (link.isSymbolicLink() && (code === 'ENOENT' || code === 'ELOOP')) {
      throw new WorkspaceFileError(`${name} is a symbolic link to ${safeReadlink(abs)}, which ${code === 'ELOOP' ? 'loops' : 'does not exist'}`, 'unreadable');
    }
    throw new WorkspaceFileError(`cannot read ${name}: ${(error as Error).message}`, 'unreadable');
  }
  if (!contained(realRoot, real)) {
    const how = link.isSymbolicLink() ? `is a symbolic link to ${real}` : `leads through a symbolic link to ${real}`;
    throw new WorkspaceFileError(`${name} ${how}, outside the workspace ${realRoot}`, 'outside');
  }
  let target = link;
  try {
    if (link.isSymbolicLink()) target = fs.lstatSync(real);
  } catch (error) {
    throw new WorkspaceFileError(`cannot read ${name}: ${(error as Error).message}`, 'unreadable');
  }
  refuseUnlessRegular(name, target, limit);

  let fd: number;
  try {
    fd = fs.openSync(real, fs.constants.O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new WorkspaceFileError(`${name} turned into a symbolic link while being read`, 'not-regular');
    if (code === 'ENOENT') throw new WorkspaceFileError(`${name} does not exist`, 'missing');
    throw new WorkspaceFileError(`cannot read ${name}: ${(error as Error).message}`, 'unreadable');
  }
  try {
    // What was opened, not what the path named a moment ago.
    refuseUnlessRegular(name, fs.fstatSync(fd), limit);
    // At most maxBytes + 1 bytes, in chunks: the one byte past the cap is how growth is noticed.
    const want = options.truncate ? maxBytes : maxBytes + 1;
    const chunks: Buffer[] = [];
    let filled = 0;
    while (filled < want) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, want - filled));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      filled += n;
    }
    if (filled > maxBytes) throw new WorkspaceFileError(`${name} grew past the ${maxBytes}-byte cap while being read`, 'too-large');
    return Buffer.concat(chunks, filled);
  } catch (error) {
    if (error instanceof WorkspaceFileError) throw error;
    throw new WorkspaceFileError(`cannot read ${name}: ${(error as Error).message}`, 'unreadable');
  } finally {
    fs.closeSync(fd);
  }
}

/** `readWorkspaceFile` decoded as UTF-8 (invalid bytes become U+FFFD, like `readFileSync(file, 'utf8')`). */
export function readWorkspaceText(root: string, rel: string, options: ReadWorkspaceFileOptions): string {
  return readWorkspaceFile(root, rel, options).toString('utf8');
}

function refuseUnlessRegular(name: string, stat: fs.Stats, maxBytes: number): void {
  if (!stat.isFile()) throw new WorkspaceFileError(`${name} is ${kindOf(stat)}, not a regular file`, 'not-regular');
  if (stat.size > maxBytes) throw new WorkspaceFileError(`${name} is ${stat.size} bytes, more than the ${maxBytes}-byte cap`, 'too-large');
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'an unknown kind of file';
}

function safeReadlink(file: string): string {
  try {
    return fs.readlinkSync(file);
  } catch {
    return 'an unreadable target';
  }
}

/** `abs` is `root` itself or below it. */
function contained(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
