/** Ordering and keyboard movement of the workflow list. Pure: unit-tested without a DOM. */
import type { WorkflowItem } from '../protocol/agent';

/** Newest first by creation time; ties (same millisecond) fall back to the id so the order never flickers. */
export function newestFirst(items: readonly WorkflowItem[]): WorkflowItem[] {
  const time = (item: WorkflowItem) => {
    const t = Date.parse(item.createdAt);
    return Number.isNaN(t) ? 0 : t;
  };
  return [...items].sort((a, b) => time(b) - time(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** Where a key press moves the cursor in a list of `length` rows; undefined for keys the list ignores. */
export function moveCursor(index: number, key: string, length: number): number | undefined {
  if (length === 0) return undefined;
  const at = Math.min(Math.max(index, 0), length - 1);
  switch (key) {
    case 'ArrowDown':
      return Math.min(at + 1, length - 1);
    case 'ArrowUp':
      return Math.max(at - 1, 0);
    case 'Home':
      return 0;
    case 'End':
      return length - 1;
    case 'PageDown':
      return Math.min(at + 10, length - 1);
    case 'PageUp':
      return Math.max(at - 10, 0);
    default:
      return undefined;
  }
}

/** What a person must do about a workflow, if anything: the marker beside its title. */
export function attentionOf(item: WorkflowItem): NonNullable<WorkflowItem['attention']> | null {
  if (item.needsApproval) return 'approval';
  if (item.needsAnswer) return 'question';
  return item.attention ?? null;
}

/** The marker's words. */
export const ATTENTION_LABEL: Readonly<Record<NonNullable<WorkflowItem['attention']>, string>> = {
  approval: 'needs approval',
  question: 'question',
  checklist: 'to do',
  escalated: 'escalated',
  resolution: 'waits for the alert',
};
