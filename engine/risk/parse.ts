// Thin typed layer over mvdan-sh (the Go parser mvdan.cc/sh compiled to JS): parsing, node kinds, and word text.
import { syntax } from 'mvdan-sh';

/** The GopherJS objects are untyped; nodes are read field by field. */
export type Node = any;

// The GopherJS build defines a global `require`; remove it so it cannot leak into other code in the bundle.
const hadRequire = Object.prototype.hasOwnProperty.call(globalThis, 'require');
const parser = syntax.NewParser();
if (!hadRequire) delete (globalThis as { require?: unknown }).require;

export type ParseResult = { ok: true; file: Node } | { ok: false; error: string };

export function parseShell(src: string): ParseResult {
  try {
    return { ok: true, file: parser.Parse(src, 'command') };
  } catch (error) {
    const e = error as { Error?: () => string; message?: string };
    const message = typeof e?.Error === 'function' ? e.Error() : (e?.message ?? String(error));
    return { ok: false, error: message.replace(/^command:/, '') };
  }
}

export const nodeType = (n: Node): string => syntax.NodeType(n);

/** Visits every node in the tree, depth first. */
export function walk(n: Node, visit: (n: Node, type: string) => void): void {
  syntax.Walk(n, (node) => {
    if (node) visit(node, nodeType(node));
    return true;
  });
}

// Redirection operators as numbered by mvdan-sh 0.10.1 (pinned; test/unit/risk checks them through behaviour).
export const Redir = { out: 54, append: 55, in: 56, inOut: 57, dupIn: 58, dupOut: 59, clobber: 60, all: 64, appendAll: 65 } as const;
export const Pipe = { pipe: 12, pipeAll: 13 } as const;

/** A shell word: its text after quote removal, and whether any part is only known at run time. */
export interface Word {
  text: string;
  dynamic: boolean;
}

function unescapeUnquoted(s: string): string {
  return s.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
}
function unescapeDouble(s: string): string {
  return s.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
}

/** Renders a word; expansions ($X, $(…), globs stay literal) mark it dynamic and show as `$X` / `$(…)`. */
export function wordOf(w: Node): Word {
  let text = '';
  let dynamic = false;
  const part = (p: Node, quoted: boolean): void => {
    switch (nodeType(p)) {
      case 'Lit':
        text += quoted ? unescapeDouble(p.Value) : unescapeUnquoted(p.Value);
        break;
      case 'SglQuoted':
        // $'…' has escapes we do not decode: treat it as computed.
        if (p.Dollar && String(p.Value).includes('\\')) dynamic = true;
        text += p.Value;
        break;
      case 'DblQuoted':
        for (const q of p.Parts) part(q, true);
        break;
      case 'ParamExp':
        dynamic = true;
        text += p.Param ? `$${p.Param.Value}` : '$…';
        break;
      case 'CmdSubst':
        dynamic = true;
        text += '$(…)';
        break;
      default:
        dynamic = true;
        text += '…';
    }
  };
  for (const p of w.Parts) part(p, false);
  return { text, dynamic };
}
