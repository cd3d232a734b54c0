// `console` blocks mix commands and what they printed. Rules (decided here, tested in console.test.ts):
//  - A line starting with `$ ` is a command (the prompt is removed). So is one with an explicit prompt prefix:
//    `user@host:~$ `, `[root@host ~]# `, `sh-5.1# `, `bash-4.4$ `.
//  - A sh/bash/shell/zsh block with such a prompt line is a pasted session and follows these rules too, with
//    its bare `#` lines dropped as comments.
//  - A bare `# ` line is a root prompt only when the block has no `$ ` prompt at all; next to `$ ` prompts it is
//    a comment or output (`# HELP` lines of metrics, for instance).
//  - After a command that continues (`\`, open quote, heredoc, trailing `|`/`&&`), the next lines belong to it;
//    a leading `> ` (the shell's continuation prompt) is removed.
//  - Every other line is sample output.
//  - A block without any prompt is read like a `sh` block (many runbooks use `console` only for colouring),
//    and the step is flagged `promptless` because some such blocks hold output only.
import { scanLine, splitShellCommands } from './shell';

const DOLLAR = /^\s*\$(?: |$)/;
const PREFIXED = /^\s*(?:[\w.-]+@[\w.-]+(?::[^\s$#]*)?|\[[^\]\n]{1,80}\]|(?:ba|z)?sh-[\d.]+)\s?([$#])(?: |$)/;
const HASH = /^\s*#(?: |$)/;

export interface ConsoleSplit {
  commands: string[];
  sampleOutput: string;
  promptless: boolean;
}

/** True when some line starts with a `$ ` or an explicit `user@host:~$ `/`sh-5.1# ` style prompt. */
export function hasPrompt(lines: readonly string[]): boolean {
  return lines.some((l) => DOLLAR.test(l) || PREFIXED.test(l));
}

/**
 * @param dropComments drop bare `#` lines instead of keeping them as output: for sh/bash blocks holding a
 *   pasted session, where such lines are the author's comments.
 */
export function splitConsole(lines: readonly string[], dropComments = false): ConsoleSplit {
  const hasDollar = lines.some((l) => DOLLAR.test(l) || PREFIXED.exec(l)?.[1] === '$');
  // In a pasted sh/bash session a bare `#` line is a comment, never a root prompt.
  const hasHash = !dropComments && !hasDollar && lines.some((l) => HASH.test(l));
  if (!hasDollar && !hasHash && !lines.some((l) => PREFIXED.test(l))) {
    return { commands: splitShellCommands(lines), sampleOutput: '', promptless: true };
  }
  const commandLines: string[] = [];
  const output: string[] = [];
  let continuing = false;
  let quote: 'none' | 'single' | 'double' = 'none';
  let heredocs: string[] = [];
  for (const line of lines) {
    if (heredocs.length) {
      commandLines.push(line);
      if (line.trim() === heredocs[0]) heredocs = heredocs.slice(1);
      continuing = heredocs.length > 0;
      continue;
    }
    let text: string | null = null;
    if (continuing) text = line.replace(/^\s*> ?/, '');
    else {
      const prefixed = PREFIXED.exec(line);
      if (prefixed) text = line.slice(prefixed[0].length);
      else if (DOLLAR.test(line)) text = line.replace(DOLLAR, '');
      else if (hasHash && HASH.test(line)) text = line.replace(HASH, '');
    }
    if (text === null) {
      if (!(dropComments && /^\s*#/.test(line))) output.push(line);
      continue;
    }
    commandLines.push(text);
    const s = scanLine(quote === 'none' ? text.trimStart() : text, quote);
    quote = s.quote;
    heredocs = [...heredocs, ...s.heredocs];
    continuing = quote !== 'none' || s.backslash || heredocs.length > 0 || /(\|\||&&|\|)$/.test(s.code);
  }
  // Output lines are trimmed at both ends only: blank lines inside it are part of what was printed.
  while (output.length && output[0]!.trim() === '') output.shift();
  while (output.length && output[output.length - 1]!.trim() === '') output.pop();
  return { commands: splitShellCommands(commandLines), sampleOutput: output.join('\n'), promptless: false };
}
