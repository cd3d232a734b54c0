// Commands that run another command: the risk is the wrapped command's (plus the wrapper's own, e.g. `time -o`).
import type { Word } from './parse';
import { write, type Verdict } from './verdict';

/** What a wrapper does with its arguments: the command it runs, or a verdict when it runs none we can see. */
export type Unwrapped = { inner: Word[]; note: string } | { verdict: Verdict };

interface WrapperSpec {
  /** Flags that take a value. */
  value?: string[];
  /** Flags after which there is no wrapped command we can judge (a shell, an editor, a file). */
  opaque?: Record<string, string>;
  /** Positionals to skip before the command (timeout's duration). */
  skip?: number;
  /** With no command left: what the wrapper does on its own. */
  bare?: Verdict;
  /** Leading NAME=VALUE arguments are environment settings (env). */
  assignments?: boolean;
}

const specs: Record<string, WrapperSpec> = {
  sudo: {
    value: ['-u', '--user', '-g', '--group', '-C', '--close-from', '-D', '--chdir', '-p', '--prompt', '-r', '--role', '-t', '--type', '-U', '--other-user', '-T', '--command-timeout', '-h', '--host'],
    opaque: { '-i': '`sudo -i` opens a root shell', '-s': '`sudo -s` opens a root shell', '-e': '`sudo -e` edits files', '--login': '`sudo -i` opens a root shell', '--shell': '`sudo -s` opens a root shell', '--edit': '`sudo -e` edits files' },
    bare: write('`sudo` without a command is not known to be read-only'),
  },
  doas: { value: ['-u', '-C'], opaque: { '-s': '`doas -s` opens a root shell' }, bare: write('`doas` without a command') },
  env: { value: ['-u', '--unset', '-C', '--chdir'], opaque: { '-S': '`env -S` splits a string into a command', '--split-string': '`env -S` splits a string into a command' }, assignments: true, bare: { read: '`env` prints the environment' } },
  nice: { value: ['-n', '--adjustment'] },
  ionice: { value: ['-c', '--class', '-n', '--classdata', '-p', '--pid', '-P', '--pgid', '-u', '--uid'] },
  timeout: { value: ['-s', '--signal', '-k', '--kill-after'], skip: 1 },
  nohup: {},
  stdbuf: { value: ['-i', '--input', '-o', '--output', '-e', '--error'] },
  time: { value: ['-f', '--format'], opaque: { '-o': '`time -o` writes a file', '--output': '`time -o` writes a file' } },
  command: { opaque: { '-v': '', '-V': '' } },
  builtin: {},
  exec: { value: ['-a'] },
  xargs: {
    value: ['-I', '-n', '--max-args', '-P', '--max-procs', '-L', '--max-lines', '-d', '--delimiter', '-s', '--max-chars', '-E', '--eof', '-a', '--arg-file'],
    bare: { read: '`xargs` runs `echo`' },
  },
  chroot: { value: ['--userspec', '--groups'], skip: 1, bare: write('`chroot DIR` without a command opens a shell') },
};

export const isWrapper = (name: string): boolean => Object.prototype.hasOwnProperty.call(specs, name);

export function unwrap(name: string, args: Word[]): Unwrapped {
  const spec = specs[name]!;
  const values = new Set(spec.value ?? []);
  let i = 0;
  // Options end at the first positional: what follows belongs to the wrapped command.
  for (; i < args.length; i++) {
    const a = args[i]!.text;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const flag = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    const letters = /^-[A-Za-z]+$/.test(flag) ? [...flag.slice(1)].map((c) => `-${c}`) : [flag];
    for (const l of letters) {
      const why = spec.opaque?.[l];
      if (why !== undefined) return why === '' ? { verdict: { read: `\`${name} ${l}\` only describes a command` } } : { verdict: write(why) };
    }
    if (values.has(flag) && !a.includes('=')) i++;
    // `nice -5 cmd`, `timeout 5s`: numeric flags take nothing.
  }
  if (spec.assignments) while (i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!.text)) i++;
  i += spec.skip ?? 0;
  const inner = args.slice(i);
  if (inner.length === 0) return { verdict: spec.bare ?? write(`\`${name}\` without a command is not known to be read-only`) };
  return { inner, note: `\`${name}\` runs` };
}

/** Environment variables that make a harmless command load or run other code. */
export const DANGEROUS_ENV = /^(LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|PATH|BASH_ENV|ENV|IFS|PROMPT_COMMAND|PS4|SHELLOPTS|BASHOPTS|GIT_\w+|PAGER|EDITOR|VISUAL|KUBECTL_EXTERNAL_DIFF|KUBE_EDITOR|PYTHONPATH|PYTHONSTARTUP|NODE_OPTIONS|PERL5OPT|PERL5LIB|RUBYOPT|LESSOPEN|LESSCLOSE)$/;
