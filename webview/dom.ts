/**
 * Element builders. Text children are inserted as text nodes, never parsed as HTML, so whatever the engine
 * sends (command output, runbook headings, alert labels) cannot become markup.
 */
type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  children: ReadonlyArray<Child> = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAttributes(node, attributes);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

/** SVG elements: the waterfall positions its bars with attributes, since the CSP forbids inline styles. */
export function svg(tag: string, attributes: Record<string, string | undefined> = {}, children: ReadonlyArray<Element> = []): SVGElement {
  const node = document.createElementNS(SVG, tag) as SVGElement;
  setAttributes(node, attributes);
  node.append(...children);
  return node;
}

function setAttributes(node: Element, attributes: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) node.setAttribute(name, value);
}

export function button(label: string, onClick: () => void, attributes: Record<string, string | undefined> = {}): HTMLButtonElement {
  const node = el('button', { type: 'button', ...attributes }, [label]);
  node.addEventListener('click', onClick);
  return node;
}

/** Text only a screen reader hears (the bars of a chart, the meaning of an icon). */
export function srOnly(text: string): HTMLSpanElement {
  return el('span', { class: 'sr-only' }, [text]);
}

/** A <details> whose open state survives re-rendering: `remember` records every toggle. */
export function details(
  summary: ReadonlyArray<Child>,
  body: ReadonlyArray<Child>,
  open: boolean,
  remember: (open: boolean) => void,
  attributes: Record<string, string | undefined> = {},
): HTMLDetailsElement {
  const node = el('details', attributes, [el('summary', {}, summary), ...body]);
  node.open = open;
  node.addEventListener('toggle', () => remember(node.open));
  return node;
}

/** Ctrl+Enter (Cmd+Enter on a Mac) in a field submits: the same key in every reason, note and answer. */
export function submitOnCtrlEnter(field: HTMLTextAreaElement | HTMLInputElement, submit: () => void): void {
  field.addEventListener('keydown', (e) => {
    const event = e as KeyboardEvent;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
}
