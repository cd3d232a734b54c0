// Runbooks open a node's debug shell and type into it:
//
//     oc debug node/<node>
//     chroot /host
//     systemctl status chronyd
//
// Run as one script, `oc debug` gets no terminal and exits at once, and the lines after it read the machine the
// engine runs on (its own healthy chronyd: a misleading answer). What the author meant runs them in the debug pod:
// `oc debug node/<node> -- chroot /host systemctl status chronyd`. So a block whose `oc debug node/…` (or
// `kubectl debug node/…`) has no command of its own passes the lines after it to the pod. Several lines go as one
// `sh -c` script, unless one of them uses a variable the block set before (the pod's shell would not have it):
// then the block stays as written, and lint says why.
import { commandWords } from '../../execution/risk/parse';

export type DebugShell = { commands: string[]; note?: string };

/** `oc debug node/X` (any flags, no `--` command): the words of a debug command that opens an interactive shell. */
function opensNodeShell(command: string): boolean {
  // Parsing is slow (GopherJS): only a short line that names a node's debug is read.
  if (command.length > 500 || !/\bdebug\b[^\n]*\bnode\//.test(command)) return false;
  // `node/<node-name>` is a placeholder until the planner fills it, not a redirection.
  const commands = commandWords(command.replace(/<[A-Za-z][^<>\n]*>/g, 'PLACEHOLDER'));
  if (commands?.length !== 1) return false;
  const words = commands[0]!.map((w) => w.text);
  const program = words[0]?.split('/').at(-1);
  return (program === 'oc' || program === 'kubectl') && words.includes('debug') && words.some((w) => /^node\//.test(w)) && !words.includes('--');
}

const quote = (script: string) => `'${script.replace(/'/g, `'\\''`)}'`;

export function intoDebugShell(commands: readonly string[]): DebugShell {
  const at = commands.findIndex(opensNodeShell);
  if (at < 0 || at === commands.length - 1) return { commands: [...commands] };
  const debug = commands[at]!;
  let rest = commands.slice(at + 1);
  let prefix = `${debug} --`;
  if (rest[0]!.trim() === 'chroot /host') {
    prefix = `${debug} -- chroot /host`;
    rest = rest.slice(1);
    if (rest.length === 0) return { commands: [...commands] };
  }
  if (rest.length > 1) {
    const assigned = commands.slice(0, at).flatMap((c) => [...c.matchAll(/^\s*(?:export\s+)?([A-Za-z_]\w*)=/gm)].map((m) => m[1]!));
    const uses = assigned.find((name) => rest.some((c) => new RegExp(`\\$\\{?${name}\\b`).test(c)));
    if (uses !== undefined) return { commands: [...commands], note: `the lines after \`${debug}\` are meant for its shell, but use $${uses}, set outside it: run them there by hand` };
  }
  const inside = rest.length === 1 ? `${prefix} ${rest[0]}` : `${prefix} sh -c ${quote(rest.join('\n'))}`;
  return { commands: [...commands.slice(0, at), inside], note: `the lines after \`${debug}\` run in its debug pod: \`${inside.length > 120 ? `${inside.slice(0, 119)}…` : inside}\`` };
}
