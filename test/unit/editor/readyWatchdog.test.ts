import { describe, expect, it } from 'vitest';
import { ReadyWatchdog, type Timers } from '../../../extension/readyWatchdog';

/** Timers the test fires by hand: `due()` runs what is pending, as if `waitMs` had passed. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: Timers = {
    set: (run) => (pending.set(++next, run), next),
    clear: (handle) => void pending.delete(handle as number),
  };
  const due = () => {
    const runs = [...pending.values()];
    pending.clear();
    runs.forEach((run) => run());
  };
  return { timers, due, pending };
}

function watchdog(reloads = 2) {
  const clock = manualTimers();
  const reloaded: number[] = [];
  let gaveUp = 0;
  const dog = new ReadyWatchdog({ waitMs: 15_000, reloads, reload: (n) => reloaded.push(n), giveUp: () => gaveUp++, timers: clock.timers });
  return { dog, clock, reloaded, gaveUp: () => gaveUp };
}

describe('the panel page watchdog', () => {
  it('does nothing when the page says ready in time', () => {
    const { dog, clock, reloaded, gaveUp } = watchdog();
    dog.loaded();
    dog.ready();
    clock.due();
    expect(reloaded).toEqual([]);
    expect(gaveUp()).toBe(0);
    expect(clock.pending.size).toBe(0);
  });

  it('loads a silent page again, and stops once the reloaded page says ready', () => {
    const { dog, clock, reloaded, gaveUp } = watchdog();
    dog.loaded();
    clock.due();
    expect(reloaded).toEqual([1]);
    dog.ready();
    clock.due();
    expect(reloaded).toEqual([1]);
    expect(gaveUp()).toBe(0);
  });

  it('gives up after the last reload, once, and tells the person', () => {
    const { dog, clock, reloaded, gaveUp } = watchdog(2);
    dog.loaded();
    clock.due();
    clock.due();
    clock.due();
    clock.due();
    expect(reloaded).toEqual([1, 2]);
    expect(gaveUp()).toBe(1);
    expect(clock.pending.size).toBe(0);
  });

  it('a page that started once gets every reload again when it is loaded later (hidden, then shown)', () => {
    const { dog, clock, reloaded } = watchdog(1);
    dog.loaded();
    clock.due();
    dog.ready();
    dog.loaded();
    clock.due();
    expect(reloaded).toEqual([1, 1]);
  });

  it('stop() (panel hidden or closed) cancels the wait', () => {
    const { dog, clock, reloaded, gaveUp } = watchdog();
    dog.loaded();
    dog.stop();
    clock.due();
    expect(reloaded).toEqual([]);
    expect(gaveUp()).toBe(0);
  });
});
