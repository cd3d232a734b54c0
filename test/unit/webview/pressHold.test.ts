import { describe, expect, it } from 'vitest';
import { HOLD_MAX_MS, holdRendersWhilePressed } from '../../../webview/pressHold';

/** A window that fires the events a test names, and timers the test runs by hand. */
function setup() {
  const listeners = new Map<string, Array<(event: { key?: string }) => void>>();
  const target = {
    addEventListener: (type: string, listener: (event: { key?: string }) => void) => listeners.set(type, [...(listeners.get(type) ?? []), listener]),
  };
  const fire = (type: string, key?: string) => listeners.get(type)?.forEach((l) => l({ key }));
  let timers: Array<{ run: () => void; ms: number; cleared: boolean }> = [];
  const clock = {
    set: (run: () => void, ms: number) => {
      const timer = { run, ms, cleared: false };
      timers.push(timer);
      return timer;
    },
    clear: (handle: unknown) => ((handle as { cleared: boolean }).cleared = true),
  };
  /** Runs the timers due within `ms` (a release's zero-delay task, or the limit). */
  const advance = (ms: number) => {
    const due = timers.filter((t) => !t.cleared && t.ms <= ms);
    timers = timers.filter((t) => !due.includes(t));
    due.forEach((t) => t.run());
  };
  let renders = 0;
  const request = holdRendersWhilePressed(target, () => renders++, clock);
  return { fire, advance, request, renders: () => renders };
}

describe('renders from outside wait while a press is under way', () => {
  it('renders at once when nothing is pressed', () => {
    const t = setup();
    t.request();
    t.request();
    expect(t.renders()).toBe(2);
  });

  it('holds renders between pointer down and up, and runs one after the click task', () => {
    const t = setup();
    t.fire('pointerdown');
    t.request();
    t.request();
    expect(t.renders()).toBe(0);
    t.fire('pointerup');
    // The click is dispatched after pointerup, before the zero-delay task: the button is still the pressed one.
    expect(t.renders()).toBe(0);
    t.advance(0);
    expect(t.renders()).toBe(1);
    t.request();
    expect(t.renders()).toBe(2);
  });

  it('does not render on release when nothing came in meanwhile', () => {
    const t = setup();
    t.fire('pointerdown');
    t.fire('pointerup');
    t.advance(0);
    expect(t.renders()).toBe(0);
  });

  it('lets go after the limit when the release never reaches the panel (the pointer left the window)', () => {
    const t = setup();
    t.fire('pointerdown');
    t.request();
    t.advance(HOLD_MAX_MS - 1);
    expect(t.renders()).toBe(0);
    t.advance(HOLD_MAX_MS);
    expect(t.renders()).toBe(1);
    t.request();
    expect(t.renders()).toBe(2);
  });

  it('treats a cancelled pointer like a release', () => {
    const t = setup();
    t.fire('pointerdown');
    t.request();
    t.fire('pointercancel');
    t.advance(0);
    expect(t.renders()).toBe(1);
  });

  it('holds for the space bar (a button clicks on its release), not for other keys', () => {
    const t = setup();
    t.fire('keydown', 'Enter');
    t.request();
    expect(t.renders()).toBe(1);
    t.fire('keydown', ' ');
    t.request();
    expect(t.renders()).toBe(1);
    t.fire('keyup', ' ');
    t.advance(0);
    expect(t.renders()).toBe(2);
  });
});
