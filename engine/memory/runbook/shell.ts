// Turns the lines of a shell block into logical commands: `\` continuations and trailing `|`, `&&`, `||` join
// lines; quotes left open, heredoc bodies and if/for/while/case bodies stay with their command; comments
// (whole-line and trailing ` # ...` outside quotes) and blank lines are dropped. One pass, linear in the input.

type Quote = 'none' | 'single' | 'double';

interface LineScan {
  /** The line without its trailing comment. */
  code: string;
  quote: Quote;
  /** Ends with a `\` outside single quotes (a line continuation). */
  backslash: boolean;
  /** Heredoc terminators opened on this line, in order. */
  heredocs: string[];
}

const HEREDOC = /^<<(-?)\s*(?:'([^']*)'|"([^"]*)"|\\?([A-Za-z_][\w.-]*))/;
const OPENERS = new Set(['do', 'then', 'case', '{']);
const CLOSERS = new Set(['done', 'fi', 'esac', '}']);

export function scanLine(line: string, quote: Quote): LineScan {
  const heredocs: string[] = [];
  let code = '';
  let i = 0;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (quote === 'single') {
      if (c === "'") quote = 'none';
      code += c;
      continue;
    }
    if (c === '\\') {
      code += line.slice(i, i + 2);
      i++;
      continue;
    }
    if (quote === 'double') {
      if (c === '"') quote = 'none';
      code += c;
      continue;
    }
    if (c === "'") quote = 'single';
    else if (c === '"') quote = 'double';
    else if (c === '#' && (i === 0 || /[\s;|&(]/.test(line[i - 1]!))) break;
    else if (c === '<' && line[i + 1] === '<' && line[i + 2] !== '<') {
      const h = HEREDOC.exec(line.slice(i, i + 300));
      if (h) heredocs.push(h[2] ?? h[3] ?? h[4] ?? '');
    }
    code += c;
  }
  code = code.trimEnd();
  const backslash = quote !== 'single' && /(^|[^\\])(\\\\)*\\$/.test(code);
  return { code, quote, backslash, heredocs };
}

/** Change in if/for/while/case/{ nesting from the words of one line (outside quotes is close enough here). */
function depthChange(code: string): number {
  let d = 0;
  for (const w of code.split(/[\s;&|()]+/)) {
    if (OPENERS.has(w)) d++;
    else if (CLOSERS.has(w)) d--;
  }
  return d;
}

export function splitShellCommands(lines: readonly string[]): string[] {
  const commands: string[] = [];
  let current = '';
  let quote: Quote = 'none';
  let depth = 0;
  let joinNext: 'space' | 'newline' | null = null;
  const pendingHeredocs: string[] = [];

  const flush = () => {
    const c = current.trim();
    if (c) commands.push(c);
    current = '';
    depth = 0;
    joinNext = null;
  };

  for (const raw of lines) {
    if (pendingHeredocs.length) {
      current += `\n${raw}`;
      if (raw.trim() === pendingHeredocs[0]) pendingHeredocs.shift();
      if (!pendingHeredocs.length && depth <= 0) flush();
      continue;
    }
    if (joinNext === null) {
      const t = raw.trim();
      if (t === '' || (t.startsWith('#') && quote === 'none')) {
        // Blank lines and comment lines end nothing inside a compound command, and are dropped.
        continue;
      }
    }
    const s = scanLine(quote === 'none' ? raw.trimStart() : raw, quote);
    let code = s.code;
    if (s.backslash) code = code.slice(0, -1).trimEnd();
    if (joinNext === 'space') current += ` ${code.trimStart()}`;
    else if (joinNext === 'newline' || current) current += `\n${code}`;
    else current = code;
    quote = s.quote;
    depth += depthChange(s.quote === 'none' ? s.code : '');
    pendingHeredocs.push(...s.heredocs);
    if (quote !== 'none') joinNext = 'newline';
    else if (s.backslash || /(\|\||&&|\|)$/.test(code)) joinNext = 'space';
    else if (pendingHeredocs.length || depth > 0) joinNext = 'newline';
    else flush();
  }
  flush();
  return commands;
}
