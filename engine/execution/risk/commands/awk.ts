// awk: read-only unless the program writes or runs something. Strings, comments and regular expressions are
// taken out the way awk's own lexer does (a `/` starts a regex only where an operand is expected); what is left
// must not call system(), pipe into or out of commands (`|`, `|&`), redirect print output (`>`, `>>` inside a
// print statement), call functions indirectly (`@f()`, gawk) or load extensions (`@load`, `@include`).
import { write, type Verdict } from '../verdict';
import { has, valuesOf, type Spec } from '../spec';

/** The program with strings, comments and regexes blanked (same length). */
function strip(program: string): string {
  let out = '';
  let i = 0;
  let operand = false; // whether the previous token ended an operand (then `/` divides)
  const n = program.length;
  while (i < n) {
    const c = program[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < n && program[j] !== '"' && program[j] !== '\n') j += program[j] === '\\' ? 2 : 1;
      out += `"${' '.repeat(Math.max(0, Math.min(j, n) - i - 1))}"`;
      i = j + 1;
      operand = true;
      continue;
    }
    if (c === '#') {
      while (i < n && program[i] !== '\n') {
        out += ' ';
        i++;
      }
      continue;
    }
    if (c === '/' && !operand) {
      let j = i + 1;
      let bracket = false;
      while (j < n && program[j] !== '\n' && (bracket || program[j] !== '/')) {
        if (program[j] === '\\') j++;
        else if (program[j] === '[') bracket = true;
        else if (program[j] === ']') bracket = false;
        j++;
      }
      out += `/${' '.repeat(Math.max(0, Math.min(j, n) - i - 1))}/`;
      i = j + 1;
      operand = true;
      continue;
    }
    out += c;
    if (/[A-Za-z0-9_$)\]]/.test(c)) operand = true;
    else if (!/\s/.test(c)) operand = false;
    else if (c === '\n') operand = false;
    i++;
  }
  return out.slice(0, n + 2);
}

/** Why the program writes or runs something, or null when it only prints. */
export function awkProgramProblem(program: string): string | null {
  // A string cannot be called in awk except through gawk's `@name()`, which is refused below: only code counts.
  const code = strip(program);
  if (/\bsystem\b/.test(code)) return 'the awk program calls `system()`';
  if (/@/.test(code)) return 'the awk program uses `@` (an indirect call, `@load` or `@include`)';
  if (/\|/.test(code.replace(/\|\|/g, '  '))) return 'the awk program pipes to or from a command';
  // Inside a print/printf statement, an unparenthesised `>` redirects output to a file.
  for (const m of code.matchAll(/\bprintf?\b([^;{}\n]*)/g)) {
    let depth = 0;
    for (const ch of m[1]!) {
      if (ch === '(') depth++;
      else if (ch === ')') depth = Math.max(0, depth - 1);
      else if (ch === '>' && depth === 0) return 'the awk program redirects print output into a file';
    }
  }
  if (/\/inet\//.test(program)) return 'the awk program opens a network connection (`/inet/`)';
  return null;
}

function awk(name: string): Spec {
  return {
    // -f / -i / -l / -E (program files, includes, extensions) are not listed, so they are writes.
    flags: '-b -c -C -d -D -g -h -M -N -n -O -P -r -s -S -t -V --characters-as-bytes --traditional --copyright --gen-pot --non-decimal-data --bignum --use-lc-numeric --optimize --posix --re-interval --no-optimize --sandbox --lint-old --help --version',
    values: '-F -v --field-separator --assign -e --source',
    optional: '-L --lint',
    posixOrder: true,
    check: (p): Verdict | null => {
      const programs = has(p, '-e', '--source') ? valuesOf(p, '-e', '--source') : p.positionals.slice(0, 1).map((w) => w.text);
      if (programs.length === 0) return write(`\`${name}\` without a program`);
      for (const program of programs) {
        const problem = awkProgramProblem(program);
        if (problem) return write(problem);
      }
      return null;
    },
  };
}

export const awks: Record<string, Spec> = { awk: awk('awk'), gawk: awk('gawk'), mawk: awk('mawk'), nawk: awk('nawk') };
