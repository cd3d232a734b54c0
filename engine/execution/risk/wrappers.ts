// Commands that run another command: the risk is the wrapped command's (plus the wrapper's own, e.g. `time -o`).
import type { Word } from './parse';
import { write, type Verdict } from './verdict';

/** What a wrapper does with its arguments: the command it runs, or a verdict when it runs none we can see. */
export type Unwrapped = { inner: Word[] } | { verdict: Verdict };

interface WrapperSpec {
  /** Flags that take no value. */
  flags?: string;
  /** Flags that take a value. */
  value?: string;
  /** Positionals to skip before the command (timeout's duration, chroot's folder). */
  skip?: number;
  /** With no command left: what the wrapper does on its own. */
  bare?: Verdict;
  /** Leading NAME=VALUE arguments are environment settings (env). */
  assignments?: boolean;
  /** `nice -5 cmd`: a numeric flag. */
  numeric?: boolean;
}

const specs: Record<string, WrapperSpec> = {
  // Flags that open a shell (-i, -s), edit (-e) or list privileges are not listed: they make it a write.
  sudo: { flags: '-n -H -P -S -E -k -K -b --non-interactive --set-home --preserve-groups --stdin --preserve-env --reset-timestamp', value: '-u -g -C -D -p -r -t -T -U -h --user --group --close-from --chdir --prompt --role --type --other-user --command-timeout --host', bare: write('`sudo` without a command is not known to be read-only') },
  doas: { flags: '-n', value: '-u -C', bare: write('`doas` without a command') },
  env: { flags: '-i -0 --ignore-environment --null', value: '-u --unset -C --chdir', assignments: true, bare: { read: '`env` prints the environment' } },
  nice: { value: '-n --adjustment', numeric: true },
  ionice: { flags: '-t --ignore', value: '-c -n --class --classdata' },
  timeout: { flags: '-v --verbose --preserve-status --foreground', value: '-s -k --signal --kill-after', skip: 1 },
  nohup: {},
  stdbuf: { value: '-i -o -e --input --output --error' },
  // `time -o FILE` writes it; `-f` only formats.
  time: { flags: '-p -v -a --portability --verbose --append', value: '-f --format' },
  command: { flags: '-p' },
  builtin: {},
  exec: { flags: '-c -l', value: '-a' },
  chroot: { value: '--userspec --groups', skip: 1, bare: write('`chroot DIR` without a command opens a shell') },
};

export const isWrapper = (name: string): boolean => Object.hasOwn(specs, name);

const set = (s: string | undefined): Set<string> => new Set((s ?? '').split(/\s+/).filter(Boolean));

export function unwrap(name: string, args: Word[]): Unwrapped {
  const spec = specs[name]!;
  const flags = set(spec.flags);
  const values = set(spec.value);
  let i = 0;
  // Options end at the first positional: what follows belongs to the wrapped command.
  for (; i < args.length; i++) {
    const a = args[i]!.text;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (spec.numeric && /^-\d+$/.test(a)) continue;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (flags.has(flag)) continue;
    if (values.has(flag)) {
      if (eq < 0 || !a.startsWith('--')) i++;
      continue;
    }
    // A cluster of known no-value letters (`sudo -nH`), or letters ending in a value-taking one (`sudo -uroot`).
    const letters = /^-[A-Za-z]+$/.test(a) ? [...a.slice(1)].map((c) => `-${c}`) : [];
    const at = letters.findIndex((l) => !flags.has(l));
    if (letters.length > 0 && at < 0) continue;
    if (letters.length > 0 && values.has(letters[at]!)) {
      if (at === letters.length - 1) i++;
      continue;
    }
    return { verdict: write(`\`${name} ${a}\` is not an option \`${name}\` is known to run commands with`) };
  }
  if (spec.assignments) {
    for (; i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!.text); i++) {
      const variable = args[i]!.text.slice(0, args[i]!.text.indexOf('='));
      if (!harmlessVariable(variable)) return { verdict: write(`\`${name} ${variable}=…\` sets a variable that can change what the command loads or runs`) };
    }
  }
  i += spec.skip ?? 0;
  const inner = args.slice(i);
  if (inner.length === 0) return { verdict: spec.bare ?? write(`\`${name}\` without a command is not known to be read-only`) };
  return { inner };
}

/**
 * Variables a command may set for itself or the commands it starts: formatting only. Anything else (PATH,
 * LD_PRELOAD, HOME=., KUBECONFIG, GIT_*, PAGER, SSLKEYLOGFILE, LD_DEBUG_OUTPUT, …) can make a read load code, read
 * a planted config or write a file, so setting it is a write.
 */
export function harmlessVariable(name: string): boolean {
  return /^(LC_[A-Z]+|LANG|LANGUAGE|TZ|COLUMNS|LINES|NO_COLOR|POSIXLY_CORRECT|SYSTEMD_COLORS|GREP_COLORS?)$/.test(name);
}
