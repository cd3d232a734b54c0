// Where pasted alert text states its severity. People write "Severity: Critical", "CRITICAL: disk full",
// "[critical] checkout down"; Alertmanager's default notification title ends with its group labels' values,
// "[FIRING:1] DemoCheckoutDown (checkout critical)". Reading these keeps a critical alert critical instead of
// the canonical default (warning), which would order it behind real warnings.

/**
 * Words that name a severity on their own. "error", "high" and "page" are left out: in a title they describe
 * the problem ("High error rate", "Login page slow").
 */
const TAG_WORDS = /^(critical|crit|fatal|emergency|p1|warning|warn|p2|info|informational|p3|p4)$/i;
// A tag that opens the title: "CRITICAL: …", "CRITICAL - …", "[critical] …", "(warning) …".
const LEADING_TAG = /^(?:[[(]([A-Za-z0-9]+)[\])]|([A-Za-z0-9]+)\s*[:\-–—|])\s/;
// A bracketed group at the end of the title: "… (critical)", or in a notification the group labels' values,
// "… (checkout critical)". Only a notification's group is read word by word: "(see more info)" is prose.
const TRAILING_GROUP = /[[(]([^[\]()]*)[\])]\s*$/;

/**
 * The severity word the text states, or undefined when it states none (the canonical default then applies).
 * `notification`: the title came with Alertmanager's "[FIRING:n]" / "[RESOLVED]" prefix (already removed).
 */
export function statedSeverity(title: string, labels: Readonly<Record<string, string>>, notification: boolean): string | undefined {
  const key = Object.keys(labels).find((k) => k.toLowerCase() === 'severity');
  if (key !== undefined) return labels[key];
  const m = LEADING_TAG.exec(title);
  const leading = m?.[1] ?? m?.[2];
  if (leading && TAG_WORDS.test(leading)) return leading;
  const group = TRAILING_GROUP.exec(title)?.[1]?.trim().split(/[\s,]+/) ?? [];
  return notification || group.length === 1 ? group.find((w) => TAG_WORDS.test(w)) : undefined;
}
