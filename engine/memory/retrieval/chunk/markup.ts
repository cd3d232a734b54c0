/**
 * Static-site template markup (Hugo shortcodes, Jekyll/Liquid tags and output) is not content: it is
 * removed from prose lines so it neither pollutes embeddings nor matches queries. Highlight shortcodes and
 * tags are turned into code fences by the block parser instead (see `templateFence`).
 */
const LIQUID_TAG = /\{%-?\s*[\s\S]*?-?%\}/g;
const HUGO_SHORTCODE = /\{\{[<%]\s*\/?\s*[\w./-]+[^}]*?[>%]\}\}/g;
const OUTPUT_TAG = /\{\{-?\s*([^{}]*?)\s*-?\}\}/g;

export function stripTemplateMarkup(line: string): string {
  if (!line.includes('{')) return line;
  return line
    .replace(HUGO_SHORTCODE, '')
    .replace(LIQUID_TAG, '')
    // `{{ site.data.x }}` / `{{ page.version }}` render to values we cannot know: drop them. Go-template
    // placeholders in runbooks (`{{ $labels.pod }}`) keep their variable name, which is meaningful text.
    .replace(OUTPUT_TAG, (_m, inner: string) => (inner.startsWith('$') || inner.startsWith('.') ? inner : ''));
}

/** A line that opens or closes a code block written as a template tag, e.g. `{% highlight bash %}`. */
export function templateFence(line: string): 'open' | 'close' | null {
  const t = line.trim();
  if (/^\{%-?\s*highlight\s+[\w+-]+.*%\}$/.test(t) || /^\{\{<\s*highlight\s+[\w+-]+.*>\}\}$/.test(t)) return 'open';
  if (/^\{%-?\s*endhighlight\s*-?%\}$/.test(t) || /^\{\{<\s*\/highlight\s*>\}\}$/.test(t)) return 'close';
  return null;
}

/** Lines inside Liquid `{% comment %}` blocks are never content. */
export function commentBoundary(line: string): 'open' | 'close' | null {
  const t = line.trim();
  if (/^\{%-?\s*comment\s*-?%\}/.test(t) && !/endcomment/.test(t)) return 'open';
  if (/\{%-?\s*endcomment\s*-?%\}$/.test(t)) return 'close';
  return null;
}
