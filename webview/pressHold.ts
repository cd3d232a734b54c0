/**
 * The panel renders from scratch, and a click counts only when its press and its release land on the same
 * element. A render between the two (a live update from the engine, the slow tick) replaces the button under
 * the pointer, and the click is lost: the person pressed Approve and nothing happened. Renders that come from
 * outside therefore wait while a pointer (or the space bar, which clicks on release) is down, and run once it
 * is up, after the click, or after HOLD_MAX_MS if the release never reaches the panel.
 */
export const HOLD_MAX_MS = 2_000;

interface Events {
  addEventListener(type: string, listener: (event: { key?: string }) => void, capture?: boolean): void;
}

interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const browserTimers: Timers = { set: (run, ms) => setTimeout(run, ms), clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) };

/** Returns `request`: renders now, or once the press under way is released. */
export function holdRendersWhilePressed(target: Events, render: () => void, timers: Timers = browserTimers): () => void {
  let pressed = false;
  let pending = false;
  let limit: unknown;
  const release = () => {
    if (!pressed) return;
    pressed = false;
    timers.clear(limit);
    if (pending) {
      pending = false;
      render();
    }
  };
  const press = () => {
    if (pressed) return;
    pressed = true;
    limit = timers.set(release, HOLD_MAX_MS);
  };
  // The click is dispatched right after the release event; the held render runs in the next task, after it.
  const released = () => timers.set(release, 0);
  target.addEventListener('pointerdown', press, true);
  target.addEventListener('pointerup', released, true);
  target.addEventListener('pointercancel', released, true);
  target.addEventListener('keydown', (event) => event.key === ' ' && press(), true);
  target.addEventListener('keyup', (event) => event.key === ' ' && released(), true);
  return () => {
    if (pressed) pending = true;
    else render();
  };
}
