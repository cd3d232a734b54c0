// Placeholders a person (or the planner, from alert labels) must fill before a step can run. Three forms:
//  - template: Prometheus alert-template references only: {{ $labels.x }}, {{ $annotations.x }},
//    {{ $externalLabels.x }}, {{ .Labels.x }}, {{ .Annotations.x }}, {{ $value }}, {{ .Value }} (a trailing
//    `| filter` is allowed). Other Go templates, e.g. `oc get -o template --template='{{range .items}}...'`, are
//    part of the command and are not placeholders.
//  - angle: <pod-name>, <value of instance label from alert>: `<` directly followed by a letter, no shell
//    operators inside, closed by `>`. `< file`, `<<EOF`, `<<<word` and `<(cmd)` never match.
//  - env: $NAME and ${NAME} (also ${NAME:-default}). Not placeholders: well-known shell variables ($HOME,
//    $PATH, ...), positional and special parameters ($1, $?, $@, ...: the pattern needs a letter), `\$X`,
//    anything inside single quotes in shell (no expansion there, e.g. awk '{print $NF}'), and variables
//    assigned earlier in the same block (NAME=..., export/local/readonly/declare NAME=, for NAME in, read NAME).
import type { Placeholder } from './schema';

const TEMPLATE = /\{\{-?\s*(\$labels|\$annotations|\$externalLabels|\.Labels|\.Annotations|\.CommonLabels|\.CommonAnnotations|\.GroupLabels)\.([A-Za-z_]\w*)(?:\s*\|[^{}\n]{0,80})?\s*-?\}\}|\{\{-?\s*(\$value|\.Value)(?:\s*\|[^{}\n]{0,80})?\s*-?\}\}/g;
const ANGLE = /<([A-Za-z][^<>\n$&|;`(){}]{0,80}?)>/g;
const ENV = /(\\?)\$(?:\{([A-Za-z_]\w*)(?:(:?[-=?+])([^}\n]{0,200}))?\}|([A-Za-z_]\w*))/g;
const ASSIGN = /(?:^|[\s;&|(`])(?:(?:export|local|readonly|declare|typeset)\s+(?:-\w+\s+)*)?([A-Za-z_]\w*)(?:\[[^\]\n]{0,100}\])?\+?=/g;
const FOR_IN = /\bfor\s+([A-Za-z_]\w*)\s+in\b/g;
// `read [-r] [-p PROMPT] NAME...`: only -a -d -n -N -p -t -u take an argument.
const READ = /\bread[ \t]+((?:-[A-Za-z]*[adnNptu][ \t]+[^\s-]\S*[ \t]+|-[A-Za-z]+[ \t]+){0,8})([A-Za-z_]\w*(?:[ \t]+[A-Za-z_]\w*)*)/g;

/** Shell and environment variables a runbook reader never has to fill in. */
export const WELL_KNOWN_VARIABLES = new Set([
  'HOME', 'PATH', 'PWD', 'OLDPWD', 'USER', 'LOGNAME', 'SHELL', 'UID', 'EUID', 'GROUPS', 'HOSTNAME', 'HOSTTYPE', 'OSTYPE',
  'RANDOM', 'SECONDS', 'LINENO', 'IFS', 'PPID', 'TERM', 'LANG', 'LC_ALL', 'TMPDIR', 'EDITOR', 'PAGER', 'PS1', 'PS2',
  'BASH', 'BASH_SOURCE', 'BASH_VERSION', 'BASHPID', 'PIPESTATUS', 'FUNCNAME', 'REPLY', 'OPTARG', 'OPTIND', 'SHLVL', '_',
]);

export interface PlaceholderOptions {
  /** Shell quoting applies: skip single-quoted text for env-style variables and honour assignments. */
  shell: boolean;
}

export function findPlaceholders(text: string, options: PlaceholderOptions): Placeholder[] {
  const found: Placeholder[] = [];
  const seen = new Set<string>();
  const add = (p: Placeholder) => {
    const key = `${p.form}\0${p.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push(p);
  };
  // Masking keeps offsets: template spans are blanked so `$labels` inside them is not read as an env variable.
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(TEMPLATE)) {
    const name = m[2] !== undefined ? `${normalise(m[1]!)}.${m[2]}` : 'value';
    add({ form: 'template', raw: m[0], name });
    parts.push(text.slice(last, m.index), ' '.repeat(m[0].length));
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  const masked = parts.join('');
  for (const m of masked.matchAll(ANGLE)) {
    const before = masked[m.index - 1];
    if (before === '<') continue; // `<<EOF`, `<<<word`
    const name = m[1]!.trim();
    if (name) add({ form: 'angle', raw: m[0], name });
  }
  const env = options.shell ? maskSingleQuotes(masked) : masked;
  const assigned = options.shell ? assignments(env) : new Map<string, number>();
  for (const m of env.matchAll(ENV)) {
    if (m[1]) continue; // `\$X` is a literal dollar
    const name = m[2] ?? m[5]!;
    if (WELL_KNOWN_VARIABLES.has(name)) continue;
    const at = assigned.get(name);
    if (at !== undefined && at < m.index) continue;
    const p: Placeholder = { form: 'env', raw: m[0], name };
    if (m[3] && (m[3] === '-' || m[3] === ':-' || m[3] === '=' || m[3] === ':=')) p.default = m[4] ?? '';
    add(p);
  }
  return found;
}

function normalise(scope: string): string {
  const s = scope.replace(/^[$.]/, '');
  return s[0]!.toLowerCase() + s.slice(1);
}

/** Replaces the content of single-quoted strings with spaces (same length), following shell quoting rules. */
export function maskSingleQuotes(text: string): string {
  let out = '';
  let quote: 'none' | 'single' | 'double' = 'none';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === 'single') {
      if (c === "'") quote = 'none';
      out += c === "'" || c === '\n' ? c : ' ';
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      out += c + text[i + 1];
      i++;
      continue;
    }
    if (c === '"') quote = quote === 'double' ? 'none' : 'double';
    else if (c === "'" && quote === 'none') quote = 'single';
    out += c;
  }
  return out;
}

/** Name -> offset of its first assignment in the block. */
function assignments(text: string): Map<string, number> {
  const at = new Map<string, number>();
  const note = (name: string, index: number) => {
    if (!at.has(name)) at.set(name, index);
  };
  for (const m of text.matchAll(ASSIGN)) note(m[1]!, m.index);
  for (const m of text.matchAll(FOR_IN)) note(m[1]!, m.index);
  for (const m of text.matchAll(READ)) for (const n of m[2]!.split(/[ \t]+/)) note(n, m.index);
  return at;
}

/**
 * The command as it will be judged once filled: each placeholder a plain word. Values are substituted only as
 * plain argument words of a safe shape (engine/planning/runbook/fill.ts), so an unfilled `$NAMESPACE` must not
 * make `kubectl -n $NAMESPACE get pod $POD` look like a write in CodeLens or lint. Longer texts first, so
 * `$POD_NAME` is replaced whole before `$POD`.
 */
export function asFilled(command: string, placeholders: readonly Placeholder[]): string {
  const raws = [...new Set(placeholders.map((p) => p.raw))].sort((a, b) => b.length - a.length);
  return raws.reduce((text, raw) => text.split(raw).join('x'), command);
}
