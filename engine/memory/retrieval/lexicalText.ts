/**
 * What FTS5 indexes and matches, beside its own `porter unicode61` tokenizer (which lower-cases, folds
 * diacritics, splits on punctuation and stems English). Runbooks and alerts are full of identifiers written
 * CamelCase (`KubePodCrashLooping`, `etcdMembersDown`, `CephOSDNearFull`): unicode61 keeps each as one token, so
 * "pod crash looping" never meets the file named after the alert. Each such identifier is therefore followed by
 * its parts (`KubePodCrashLooping Kube Pod Crash Looping`), on both sides, so the whole name still matches
 * exactly (the rarer, stronger token) and its words match prose. snake_case, kebab-case and dotted names are
 * split by unicode61 already.
 */

const IDENTIFIER = /[\p{L}\p{N}]+/gu;

/** The parts of a CamelCase (or camelCase, or ACRONYMWord) identifier; [] when it has none to split. */
export function identifierParts(word: string): string[] {
  if (!/\p{Ll}\p{Lu}|\p{Lu}\p{Lu}\p{Ll}|\p{L}\p{N}|\p{N}\p{L}/u.test(word)) return [];
  const parts = word
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2')
    .split(' ')
    .filter(Boolean);
  return parts.length > 1 ? parts : [];
}

/** `text` with every splittable identifier followed by its parts (for the FTS index and for queries alike). */
export function withIdentifierParts(text: string): string {
  let extra = '';
  for (const m of text.matchAll(IDENTIFIER)) {
    const parts = identifierParts(m[0]);
    if (parts.length) extra += ` ${parts.join(' ')}`;
  }
  return extra ? `${text}\n${extra}` : text;
}

/** A file's base name without its Markdown extension: `KubePodCrashLooping` for `a/b/KubePodCrashLooping.md`. */
export function fileStem(rel: string): string {
  const base = rel.split('/').pop() ?? rel;
  return base.replace(/\.(md|markdown|mdx)$/i, '');
}

/** The folders above a file, as words: `openshift cluster-etcd-operator` for `openshift/cluster-etcd-operator/x.md`. */
export function folderWords(rel: string): string {
  return rel.split('/').slice(0, -1).join(' ');
}
