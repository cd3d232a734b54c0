/**
 * The panel re-renders from scratch on every update, which would drop the focus and the caret. This keeps
 * them: an element is found again by its id, or else by its position under the root.
 */
export interface FocusMark {
  id: string;
  path: number[];
  tag: string;
  start: number | null;
  end: number | null;
}

export function captureFocus(root: HTMLElement): FocusMark | undefined {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || active === document.body || !root.contains(active)) return undefined;
  const path: number[] = [];
  for (let node: Element = active; node !== root && node.parentElement; node = node.parentElement) {
    path.unshift(Array.prototype.indexOf.call(node.parentElement.children, node));
  }
  const text = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement ? active : undefined;
  return { id: active.id, path, tag: active.tagName, start: text?.selectionStart ?? null, end: text?.selectionEnd ?? null };
}

/** Focuses the same element again; false when it is gone (the caller then picks a sensible place). */
export function restoreFocus(root: HTMLElement, mark: FocusMark): boolean {
  let target: Element | null = mark.id ? document.getElementById(mark.id) : null;
  if (!target) {
    target = root;
    for (const index of mark.path) target = target?.children[index] ?? null;
    if (target?.tagName !== mark.tag) target = null;
  }
  if (!(target instanceof HTMLElement)) return false;
  target.focus({ preventScroll: true });
  if (mark.start !== null && (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement)) {
    try {
      target.setSelectionRange(mark.start, mark.end ?? mark.start);
    } catch {
      // some input types have no selection
    }
  }
  return document.activeElement === target;
}
