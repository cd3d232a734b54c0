import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The file holds a secret: anything beyond the owner's read/write bits means someone else may have read it. */
const LOOSE_BITS = 0o077;

export class TokenFileProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenFileProblem';
  }
}

/**
 * The intake's bearer token: read from `file`, or generated (32 random bytes) and written there with mode 0600.
 * A file readable by group or others is refused rather than fixed: the token may already have leaked.
 */
export function loadOrCreateToken(file: string): { token: string; created: boolean } {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const token = randomBytes(32).toString('base64url');
    try {
      // 'wx': never overwrite a file another process created in between.
      fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateToken(file);
      throw error;
    }
    return { token, created: true };
  }
  if (!stat.isFile()) throw new TokenFileProblem(`token file ${file} is not a regular file`);
  if ((stat.mode & LOOSE_BITS) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new TokenFileProblem(
      `token file ${file} has mode ${mode}: group or others may read it. Run 'chmod 600 ${file}' if nobody else could have read it, or delete it to generate a new token`,
    );
  }
  const token = fs.readFileSync(file, 'utf8').trim();
  if (token.length < 16) throw new TokenFileProblem(`token file ${file} holds ${token.length === 0 ? 'no token' : 'a token shorter than 16 characters'}; delete it to generate a new one`);
  return { token, created: false };
}
