// Issue #15: Ctrl+Enter (Cmd+Enter on a Mac) submits a reason or an answer in the panel.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { submitOnCtrlEnter } from '../../../webview/dom';

/** A keydown as the browser makes it; Node has EventTarget and Event, not KeyboardEvent. */
function press(target: EventTarget, key: string, mods: { ctrlKey?: boolean; metaKey?: boolean; isComposing?: boolean } = {}): Event {
  const event = Object.assign(new Event('keydown', { cancelable: true }), { key, ctrlKey: false, metaKey: false, isComposing: false, ...mods });
  target.dispatchEvent(event);
  return event;
}

describe('Ctrl+Enter in a panel field', () => {
  it('submits with Ctrl or Cmd, and keeps the key from also adding a line', () => {
    const field = new EventTarget() as HTMLTextAreaElement;
    let sent = 0;
    submitOnCtrlEnter(field, () => sent++);
    expect(press(field, 'Enter', { ctrlKey: true }).defaultPrevented).toBe(true);
    press(field, 'Enter', { metaKey: true });
    expect(sent).toBe(2);
  });

  it('leaves plain Enter (a new line in a reason), other keys and an IME composition alone', () => {
    const field = new EventTarget() as HTMLTextAreaElement;
    let sent = 0;
    submitOnCtrlEnter(field, () => sent++);
    expect(press(field, 'Enter').defaultPrevented).toBe(false);
    press(field, 'a', { ctrlKey: true });
    press(field, 'Enter', { ctrlKey: true, isComposing: true });
    expect(sent).toBe(0);
  });

  it('is wired to the reject reason and to the answer', () => {
    const read = (file: string) => fs.readFileSync(path.resolve(__dirname, '../../../webview/views', file), 'utf8');
    expect(read('approval.ts')).toMatch(/submitOnCtrlEnter\(reason, /);
    expect(read('waiting.ts')).toMatch(/submitOnCtrlEnter\(input, /);
  });
});
