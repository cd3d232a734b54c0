// Policy rules over shell commands match words, the way the shell will hand them to programs: after quote
// removal (`pw""ned` is `pwned`), one pattern word per argument word, `*` and `?` never crossing a word boundary.
import { parseShell, walk, wordOf, type Word } from '../../execution/risk/parse';

export { commandWords } from '../../execution/risk/parse';
import { globToRegExp } from './glob';

const patternWords = (pattern: string): RegExp[] => pattern.trim().split(/\s+/).filter(Boolean).map((w) => globToRegExp(w));

/** The pattern's words appear, in order and next to each other, in one of the commands (deny and escalate). */
export function wordsContain(commands: readonly Word[][], pattern: string): boolean {
  const want = patternWords(pattern);
  if (want.length === 0) return false;
  return commands.some((words) => {
    for (let i = 0; i + want.length <= words.length; i++) if (want.every((re, k) => re.test(words[i + k]!.text))) return true;
    return false;
  });
}

/**
 * The command is exactly one simple command, with nothing else in the text (no redirection, assignment,
 * substitution or second command), whose words are all fixed and match the pattern one for one (allow).
 */
export function wordsEqual(command: string, pattern: string): boolean {
  const parsed = parseShell(command);
  if (!parsed.ok) return false;
  let calls = 0;
  let other = false;
  let words: Word[] = [];
  walk(parsed.file, (n, type) => {
    if (type === 'CallExpr') {
      calls++;
      words = n.Args.map(wordOf);
      if (n.Assigns.length > 0) other = true;
    } else if (!['File', 'Stmt', 'Word', 'Lit', 'SglQuoted', 'DblQuoted'].includes(type)) other = true;
  });
  const want = patternWords(pattern);
  if (calls !== 1 || other || words.length !== want.length) return false;
  return words.every((w, i) => !w.dynamic && !w.glob && want[i]!.test(w.text));
}
