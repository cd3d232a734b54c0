// Text tools that are reads unless told to edit in place, write a file, or run a command.
import { harmlessSinks, has, splitArgs, valuesOf } from './args';
import type { Word } from './parse';
import { read, worst, write, type Context, type Verdict } from './verdict';

/** sed: -i edits files; the `w`/`W` commands and `s///w` write files; `e` and `s///e` run commands. */
export const sed = (args: Word[]): Verdict => {
  const split = splitArgs(args, { value: ['-e', '--expression', '-f', '--file', '-l', '--line-length'] });
  if (split.flags.some((f) => /^(-i|--in-place)/.test(f)) || split.flags.some((f) => /^-[a-zA-Z]*i/.test(f) && !f.startsWith('--'))) {
    return write('`sed -i` edits files in place');
  }
  if (has(split, '-f', '--file')) return write('`sed -f` runs a script from a file that was not checked');
  const scripts = valuesOf(split, '-e', '--expression');
  const scriptWords = scripts.length > 0 ? [] : split.positionals.slice(0, 1);
  if (scriptWords.some((w) => w.dynamic)) return write('the `sed` script is built at run time');
  for (const script of [...scripts, ...scriptWords.map((w) => w.text)]) {
    if (/(^|[;{}\n]|[0-9$\/])\s*[wWe](\s|$)/.test(script) || /\/[gpIiMm0-9]*[we](\s|;|$)/.test(script)) {
      return write('the `sed` script writes a file or runs a command (`w`/`e`)');
    }
  }
  return read('`sed` without -i only prints');
};

/** awk: reads unless the program redirects output, pipes, or calls system(); `-f` programs are not checked. */
export const awk = (name: string) => (args: Word[]): Verdict => {
  const split = splitArgs(args, { value: ['-F', '-v', '-f', '-e', '--source', '-i', '--include', '--field-separator', '--assign', '--file'] });
  if (has(split, '-f', '--file', '-i', '--include')) return write(`\`${name} -f/-i\` runs program files that were not checked`);
  const programs = [...valuesOf(split, '-e', '--source'), ...(has(split, '-e', '--source') ? [] : split.positionals.slice(0, 1).map((w) => w.text))];
  if (!has(split, '-e', '--source') && split.positionals[0]?.dynamic) return write(`the \`${name}\` program is built at run time`);
  for (const prog of programs) {
    if (/\bsystem\s*\(|\|\s*getline|\|\s*"|\|&|>>?\s*("|[A-Za-z_$(])/.test(prog.replace(/"[^"]*"/g, (m) => (/^"\s*$/.test(m) ? m : '"s"')))) {
      return write(`the \`${name}\` program writes files or runs commands`);
    }
  }
  return read(`\`${name}\` only prints`);
};

/** tee writes every file it is given (except /dev/null and friends). */
export const tee = (args: Word[]): Verdict => {
  const files = splitArgs(args).positionals.filter((w) => w.dynamic || !harmlessSinks.has(w.text));
  return files.length > 0 ? write(`\`tee\` writes to ${files.map((w) => w.text).join(', ')}`) : read('`tee` to the terminal only');
};

/** A command that is a read unless given one of `flags` (which write a file, or do what `does` says). */
export const outputFlag = (name: string, flags: string[], opts: { value?: string[]; does?: string } = {}) => (args: Word[]): Verdict => {
  const split = splitArgs(args, { value: opts.value ?? flags });
  const out = flags.find((f) => has(split, f));
  return out ? write(`\`${name} ${out}\` ${opts.does ?? 'writes a file'}`) : read(`\`${name}\` only prints`);
};

/** Commands whose second positional is an output file (uniq IN OUT). */
export const maxPositionals = (name: string, max: number, value: string[] = []) => (args: Word[]): Verdict =>
  splitArgs(args, { value }).positionals.length > max ? write(`\`${name}\` with ${max + 1} files writes the last one`) : read(`\`${name}\` only prints`);

/** find: -delete, -fprint* and -ok write or prompt; -exec is judged by the command it runs. */
export const find = (args: Word[], ctx: Context): Verdict => {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.text;
    if (a === '-delete') return write('`find -delete` deletes files');
    if (/^-(fprint|fprint0|fprintf|fls)$/.test(a)) return write(`\`find ${a}\` writes a file`);
    if (/^-(ok|okdir)$/.test(a)) return write(`\`find ${a}\` asks on a terminal and runs a command`);
    if (a === '-exec' || a === '-execdir') {
      const end = args.findIndex((w, j) => j > i && (w.text === ';' || w.text === '+'));
      const inner = args.slice(i + 1, end < 0 ? args.length : end);
      if (inner.length === 0) return write(`\`find ${a}\` without a command`);
      const v = worst(ctx.argv(inner), '');
      if ('write' in v) return write(`\`find ${a}\` runs a command that writes: ${v.write}`);
      i = end < 0 ? args.length : end;
    }
  }
  return read('`find` only lists files');
};
