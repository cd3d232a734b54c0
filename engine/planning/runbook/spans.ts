// Where each placeholder occurs in a step's text, and in which quoting context, so a value can be inserted as
// exactly one argument (shell) or one string (PromQL). The patterns follow engine/memory/runbook/placeholders.ts; only
// names the parser reported for the step are taken, so its exclusions (assigned variables, well-known
// variables, single-quoted `$X`) hold here too.
import type { Placeholder } from '../../memory/runbook';

/**
 * plain: outside quotes (shell: also inside `$( )`, which starts afresh); double/single: inside that kind of
 * quotes; raw: a heredoc body or backticks (shell), a backtick string (PromQL): only a plain word can go there.
 */
export type QuoteContext = 'plain' | 'double' | 'single' | 'raw';

export interface Occurrence {
  readonly start: number;
  readonly end: number;
  readonly placeholder: Placeholder;
  readonly context: QuoteContext;
}

const TEMPLATE = /\{\{-?\s*(\$labels|\$annotations|\$externalLabels|\.Labels|\.Annotations|\.CommonLabels|\.CommonAnnotations|\.GroupLabels)\.([A-Za-z_]\w*)(?:\s*\|[^{}\n]{0,80})?\s*-?\}\}|\{\{-?\s*(\$value|\.Value)(?:\s*\|[^{}\n]{0,80})?\s*-?\}\}/g;
const ANGLE = /<([A-Za-z][^<>\n$&|;`(){}]{0,80}?)>/g;
const ENV = /(\\?)\$(?:\{([A-Za-z_]\w*)(?:(:?[-=?+])([^}\n]{0,200}))?\}|([A-Za-z_]\w*))/g;
const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][\w.-]*)\1/g;

export function findOccurrences(text: string, placeholders: readonly Placeholder[], shell: boolean): Occurrence[] {
  const names = (form: Placeholder['form']) => new Set(placeholders.filter((p) => p.form === form).map((p) => p.name));
  const [templates, angles, envs] = [names('template'), names('angle'), names('env')];
  const context = shell ? shellContexts(text) : promqlContexts(text);
  const found: Occurrence[] = [];
  let masked = text;
  for (const m of text.matchAll(TEMPLATE)) {
    const name = m[2] !== undefined ? `${scopeName(m[1]!)}.${m[2]}` : 'value';
    masked = masked.slice(0, m.index) + ' '.repeat(m[0].length) + masked.slice(m.index + m[0].length);
    if (templates.has(name)) found.push({ start: m.index, end: m.index + m[0].length, placeholder: { form: 'template', raw: m[0], name }, context: context[m.index]! });
  }
  for (const m of masked.matchAll(ANGLE)) {
    if (masked[m.index - 1] === '<') continue;
    const name = m[1]!.trim();
    if (angles.has(name)) found.push({ start: m.index, end: m.index + m[0].length, placeholder: { form: 'angle', raw: m[0], name }, context: context[m.index]! });
  }
  for (const m of masked.matchAll(ENV)) {
    // `${X:-default}` and friends are left to the shell: the author chose what happens without a value.
    if (m[1] || m[3]) continue;
    const name = m[2] ?? m[5]!;
    const ctx = context[m.index]!;
    if (shell && ctx === 'single') continue;
    if (envs.has(name)) found.push({ start: m.index, end: m.index + m[0].length, placeholder: { form: 'env', raw: m[0], name }, context: ctx });
  }
  found.sort((a, b) => a.start - b.start);
  return found.filter((o, i) => i === 0 || o.start >= found[i - 1]!.end);
}

function scopeName(scope: string): string {
  const s = scope.replace(/^[$.]/, '');
  return s[0]!.toLowerCase() + s.slice(1);
}

/** Quoting context of every character of a shell script (bash rules, simplified but never optimistic). */
export function shellContexts(text: string): QuoteContext[] {
  const ctx: QuoteContext[] = new Array<QuoteContext>(text.length).fill('plain');
  const heredoc = heredocBodies(text);
  type Frame = 'plain' | 'double' | 'single' | 'backtick' | 'subst';
  const stack: Frame[] = ['plain'];
  for (let i = 0; i < text.length; i++) {
    if (heredoc[i]) {
      ctx[i] = 'raw';
      continue;
    }
    const top = stack.at(-1)!;
    ctx[i] = top === 'subst' ? 'plain' : top === 'backtick' ? 'raw' : top;
    const c = text[i]!;
    if (top === 'single') {
      if (c === "'") stack.pop();
      continue;
    }
    if (c === '\\') {
      if (i + 1 < text.length) ctx[i + 1] = ctx[i]!;
      i++;
      continue;
    }
    if (top === 'backtick') {
      if (c === '`') stack.pop();
      continue;
    }
    if (c === '$' && text[i + 1] === '(') {
      stack.push('subst');
      ctx[i + 1] = ctx[i]!;
      i++;
    } else if (c === '`') stack.push('backtick');
    else if (top === 'double') {
      if (c === '"') stack.pop();
    } else if (c === "'") stack.push('single');
    else if (c === '"') stack.push('double');
    else if (top === 'subst' && c === '(') stack.push('subst');
    else if (top === 'subst' && c === ')') stack.pop();
  }
  return ctx;
}

/** Marks the characters of heredoc bodies (the lines after `<<WORD` up to the line holding only WORD). */
function heredocBodies(text: string): boolean[] {
  const marks = new Array<boolean>(text.length).fill(false);
  const lines = text.split('\n');
  let offset = 0;
  const pending: string[] = [];
  for (const line of lines) {
    if (pending.length > 0) {
      for (let i = 0; i <= line.length && offset + i < text.length; i++) marks[offset + i] = true;
      if (line.trim() === pending[0]) pending.shift();
    } else {
      for (const m of line.matchAll(HEREDOC)) if (line[m.index - 1] !== '<' && line[m.index + 2] !== '<') pending.push(m[2]!);
    }
    offset += line.length + 1;
  }
  return marks;
}

/** Quoting context of every character of a PromQL query: "…" and '…' strings (escapes), `…` raw strings. */
export function promqlContexts(text: string): QuoteContext[] {
  const ctx: QuoteContext[] = new Array<QuoteContext>(text.length).fill('plain');
  let quote: '"' | "'" | '`' | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    ctx[i] = quote === null ? 'plain' : quote === '"' ? 'double' : quote === "'" ? 'single' : 'raw';
    if (quote === null) {
      if (c === '"' || c === "'" || c === '`') quote = c;
    } else if (c === '\\' && quote !== '`') {
      if (i + 1 < text.length) ctx[i + 1] = ctx[i]!;
      i++;
    } else if (c === quote) quote = null;
  }
  return ctx;
}
