// Just enough of a DOM for the panel's element builders, for unit tests: elements, attributes, text children kept
// as text, click listeners that can be fired. useFakeDocument() puts it in place of `document` around each test.
import { afterEach, beforeEach } from 'vitest';

export class FakeNode {
  readonly children: Array<FakeNode | string> = [];
  readonly attributes = new Map<string, string>();
  open = false;
  private readonly listeners = new Map<string, Array<() => void>>();
  constructor(readonly tagName: string) {}
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
  append(...children: Array<FakeNode | string>) {
    this.children.push(...children);
  }
  addEventListener(type: string, listener: () => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  click() {
    for (const l of this.listeners.get('click') ?? []) l();
  }
  get textContent(): string {
    return this.children.map((c) => (typeof c === 'string' ? c : c.textContent)).join('');
  }
  /** Every element below this one, this one first. */
  all(): FakeNode[] {
    return [this, ...this.children.flatMap((c) => (typeof c === 'string' ? [] : c.all()))];
  }
  byTestId(id: string): FakeNode | undefined {
    return this.all().find((n) => n.attributes.get('data-testid') === id);
  }
  buttons(): FakeNode[] {
    return this.all().filter((n) => n.tagName === 'BUTTON');
  }
  button(label: string): FakeNode {
    const found = this.buttons().find((b) => b.textContent === label);
    if (!found) throw new Error(`no button "${label}" among ${this.buttons().map((b) => JSON.stringify(b.textContent)).join(', ')}`);
    return found;
  }
}

export function useFakeDocument(): void {
  const realDocument = (globalThis as { document?: unknown }).document;
  beforeEach(() => {
    (globalThis as { document?: unknown }).document = { createElement: (tag: string) => new FakeNode(tag.toUpperCase()), createElementNS: (_: string, tag: string) => new FakeNode(tag) };
  });
  afterEach(() => {
    (globalThis as { document?: unknown }).document = realDocument;
  });
}
