// Commands that do not end on their own: they follow a log, watch a resource or sample forever until someone
// stops them (`journalctl -f`, `kubectl get pods -w`, `watch`, `vmstat 1`). Run unattended, one would hold a
// worker until the step's deadline and then fail with half an output; a runbook writes them for a person at a
// terminal. Independent of risk: a read that never ends is still a read.
import { kubeVerbAt } from './commands/kube';
import { commandWords } from './parse';

/** Programs that only pass their arguments on to the command they run (which is then the one judged). */
const PASS_ON = new Set(['sudo', 'env', 'nice', 'nohup', 'command', 'exec', 'stdbuf']);

/** How a program is told to follow: short letters and long names (`=false` turns a long one off). */
interface Follow {
  readonly letters: string;
  readonly long: readonly string[];
  /** Short options that take a value: in `-fu kubelet` the `f` is a flag, in `-uf` it is the unit's name. */
  readonly valued: string;
  readonly what: string;
}

const FOLLOW: Readonly<Record<string, Follow | ((rest: readonly string[]) => Follow | null)>> = {
  tail: { letters: 'fF', long: ['--follow'], valued: 'ncs', what: 'follows the file' },
  journalctl: { letters: 'f', long: ['--follow'], valued: 'unpSUtoDMcFIT', what: 'follows the journal' },
  dmesg: { letters: 'wW', long: ['--follow', '--follow-new'], valued: 'lfnsF', what: 'follows the kernel log' },
  kubectl: kube,
  oc: kube,
  docker: container,
  podman: container,
  crictl: container,
};

function kube(rest: readonly string[]): Follow | null {
  const verb = rest[kubeVerbAt(rest)];
  if (verb === 'logs' || verb === 'log') return { letters: 'f', long: ['--follow'], valued: 'clnp', what: 'follows the log' };
  if (verb === 'get' || verb === 'events') return { letters: 'w', long: ['--watch', '--watch-only'], valued: 'lonLf', what: 'watches for changes' };
  return null;
}

function container(rest: readonly string[]): Follow | null {
  return rest.find((a) => !a.startsWith('-')) === 'logs' ? { letters: 'f', long: ['--follow'], valued: 'n', what: 'follows the log' } : null;
}

function follows(args: readonly string[], f: Follow): boolean {
  for (const a of args) {
    if (a === '--') return false;
    const [name, value] = a.split('=', 2) as [string, string | undefined];
    if (f.long.includes(name)) return value !== 'false';
    if (/^-[A-Za-z]+$/.test(a)) {
      for (const letter of a.slice(1)) {
        if (f.letters.includes(letter)) return true;
        if (f.valued.includes(letter)) break;
      }
    }
  }
  return false;
}

/** Tools that sample every N seconds: `vmstat 1` never ends, `vmstat 1 5` takes five samples. */
const SAMPLERS = new Set(['vmstat', 'iostat', 'mpstat', 'pidstat', 'sar']);

/** A short flag cluster that holds `letter` (`-bn1` holds `n`). */
const hasShort = (args: readonly string[], letters: RegExp) => args.some((a) => /^-[A-Za-z]/.test(a) && !a.startsWith('--') && letters.test(a.slice(1)));

function reasonFor(argv: readonly string[]): string | null {
  // `sudo journalctl -f`, `env TZ=UTC tail -f`: the command passed on is the one that runs.
  let i = 0;
  while (i < argv.length && (PASS_ON.has(argv[i]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!))) i++;
  const [program, ...rest] = argv.slice(i);
  if (program === undefined) return null;
  const name = program.split('/').at(-1)!;
  // `oc debug node/x -- tcpdump …`, `kubectl exec pod -- tail -f …`: the command after `--` is the one that runs.
  const passed = rest.indexOf('--');
  if ((name === 'kubectl' || name === 'oc') && passed >= 0) return reasonFor(rest.slice(passed + 1));
  if (name === 'chroot') return reasonFor(rest.slice(1));
  switch (name) {
    case 'watch':
      return '`watch` reruns its command until stopped';
    case 'htop':
      return '`htop` redraws until stopped';
    case 'top':
      return hasShort(rest, /^[A-Za-z]*n/) ? null : '`top` without `-n` redraws until stopped';
    case 'ping':
    case 'ping6':
      return hasShort(rest, /^[A-Za-z]*[cw]/) || rest.some((a) => a.startsWith('--count') || a.startsWith('--deadline')) ? null : `\`${name}\` without \`-c\` pings until stopped`;
    case 'tcpdump':
      return hasShort(rest, /^[A-Za-z]*c/) ? null : '`tcpdump` without `-c` captures until stopped';
  }
  if (SAMPLERS.has(name)) {
    const numbers = rest.filter((a) => /^\d+(\.\d+)?$/.test(a));
    return numbers.length === 1 ? `\`${name} ${numbers[0]}\` samples every ${numbers[0]} s until stopped` : null;
  }
  const spec = FOLLOW[name];
  const f = typeof spec === 'function' ? spec(rest) : spec;
  return f && follows(rest, f) ? `\`${name}\` ${f.what} until stopped` : null;
}

/** Why `command` does not end on its own, or null. A command that does not parse is not judged here. */
export function endlessReason(command: string): string | null {
  for (const words of commandWords(command) ?? []) {
    const reason = reasonFor(words.map((w) => w.text));
    if (reason !== null) return reason;
  }
  return null;
}
