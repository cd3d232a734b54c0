// sed: read-only unless its script writes (`w`, `W`, `s///w`) or runs commands (`e`, `s///e`). The script is read
// with GNU sed's own grammar (addresses, `!`, blocks, `s` and `y` with any delimiter, text and file arguments to
// the end of the line), so `1wfile` or `s/a/b/we` cannot hide in spacing; anything it does not know is a write.
import { write, type Verdict } from '../verdict';
import { has, valuesOf, type Spec } from '../spec';

/** Why the script writes or runs something, or null when it only prints. */
export function sedScriptProblem(script: string): string | null {
  let i = 0;
  const n = script.length;
  const skipSpace = () => {
    while (i < n && /[ \t]/.test(script[i]!)) i++;
  };
  const toEol = () => {
    while (i < n && script[i] !== '\n') i++;
  };
  /** Skips a delimited part (regex or replacement) ending at `delim`; false when unterminated. */
  const part = (delim: string): boolean => {
    while (i < n && script[i] !== delim) {
      if (script[i] === '\\') i++;
      else if (script[i] === '\n' && delim !== '\n') return false;
      i++;
    }
    if (i >= n) return false;
    i++;
    return true;
  };
  const address = (): boolean => {
    const c = script[i];
    if (c === '/' || c === '\\') {
      const delim = c === '\\' ? script[++i] : '/';
      if (delim === undefined) return false;
      i++;
      if (!part(delim)) return false;
      while (i < n && /[IM]/.test(script[i]!)) i++;
      return true;
    }
    if (c === '$') {
      i++;
      return true;
    }
    const m = /^[+~]?\d+(~\d+)?/.exec(script.slice(i));
    if (m) i += m[0].length;
    return true;
  };
  while (i < n) {
    while (i < n && /[\s;]/.test(script[i]!)) i++;
    if (i >= n) break;
    if (script[i] === '#') {
      toEol();
      continue;
    }
    if (!address()) return 'the sed script has an unterminated address';
    skipSpace();
    if (script[i] === ',') {
      i++;
      skipSpace();
      if (!address()) return 'the sed script has an unterminated address';
    }
    skipSpace();
    while (script[i] === '!') {
      i++;
      skipSpace();
    }
    const cmd = script[i++];
    const problem = command(cmd);
    if (problem !== undefined) return problem;
    // GNU sed refuses anything after a command but a separator; so does this reader (it cannot hide a `w`).
    while (i < n && /[ \t]/.test(script[i]!)) i++;
    if (cmd !== '{' && i < n && !/[;\n}#]/.test(script[i]!)) return `the sed script has \`${script[i]}\` after a command, which is not known to be read-only`;
  }
  return null;

  /** Reads the arguments of `cmd`; a reason when it writes or cannot be read, else undefined. */
  function command(cmd: string | undefined): string | null | undefined {
    switch (cmd) {
      case undefined:
        return null;
      case '{':
      case '}':
      case '=':
      case 'd':
      case 'D':
      case 'g':
      case 'G':
      case 'h':
      case 'H':
      case 'n':
      case 'N':
      case 'p':
      case 'P':
      case 'x':
      case 'z':
      case 'F':
        break;
      case 'l':
      case 'L':
      case 'q':
      case 'Q':
        skipSpace();
        while (i < n && /\d/.test(script[i]!)) i++;
        break;
      case ':':
      case 'b':
      case 't':
      case 'T':
      case 'v':
        while (i < n && script[i] !== ';' && script[i] !== '\n') i++;
        break;
      case 'a':
      case 'i':
      case 'c':
        // Text to the end of the line; a trailing backslash continues it.
        while (i < n && script[i] !== '\n') i += script[i] === '\\' ? 2 : 1;
        break;
      case 'r':
      case 'R':
        toEol();
        break;
      case 'w':
      case 'W':
        return `the sed script writes a file (\`${cmd}\`)`;
      case 'e':
        return 'the sed script runs a command (`e`)';
      case 's': {
        const delim = script[i++];
        if (delim === undefined || delim === '\n' || delim === '\\') return 'the sed script has an unterminated `s` command';
        if (!part(delim) || !part(delim)) return 'the sed script has an unterminated `s` command';
        while (i < n && /[gpiImM0-9ew]/.test(script[i]!)) {
          if (script[i] === 'w') return 'the sed script writes a file (`s///w`)';
          if (script[i] === 'e') return 'the sed script runs the pattern space as a command (`s///e`)';
          i++;
        }
        break;
      }
      case 'y': {
        const delim = script[i++];
        if (delim === undefined || delim === '\n' || delim === '\\' || !part(delim) || !part(delim)) return 'the sed script has an unterminated `y` command';
        break;
      }
      default:
        return `the sed script uses \`${cmd}\`, which is not known to be read-only`;
    }
    return undefined;
  }
}

export const sed: Spec = {
  flags: '-n -E -r -s -u -z --quiet --silent --regexp-extended --separate --unbuffered --null-data --posix --debug --sandbox',
  values: '-e -l --expression --line-length',
  check: (p): Verdict | null => {
    // `-i`, `-f` (a script file) and `--follow-symlinks` with -i are not listed above, so they never get here.
    const scripts = has(p, '-e', '--expression') ? valuesOf(p, '-e', '--expression') : p.positionals.slice(0, 1).map((w) => w.text);
    if (scripts.length === 0) return write('`sed` without a script');
    const problem = sedScriptProblem(scripts.join('\n'));
    return problem ? write(problem) : null;
  },
};
