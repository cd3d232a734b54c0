// A webview page that never starts. VS Code can load a webview's HTML but not the resources it links (its script
// and stylesheet) when the webview's service worker is not ready yet (microsoft/vscode#125993); seen in code-server
// on a fresh profile, where the panel then showed its unstyled "Starting the engine…" for good and never said
// 'ready'. Loading the page again (new HTML) gets a new frame. This decides when; the panel does the loading.

export interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface ReadyWatchdogOptions {
  /** How long a loaded page may take to say 'ready'. */
  readonly waitMs: number;
  /** How many times the page is loaded again before giving up. */
  readonly reloads: number;
  /** Load the page again; `attempt` counts from 1. */
  reload(attempt: number): void;
  /** Every reload failed too: tell the person what to do. */
  giveUp(): void;
  readonly timers?: Timers;
}

const realTimers: Timers = { set: (run, ms) => setTimeout(run, ms), clear: (handle) => clearTimeout(handle as NodeJS.Timeout) };

export class ReadyWatchdog {
  private handle: unknown;
  private attempts = 0;
  private readonly timers: Timers;

  constructor(private readonly options: ReadyWatchdogOptions) {
    this.timers = options.timers ?? realTimers;
  }

  /** A page was (re)loaded: it has `waitMs` to say ready. */
  loaded(): void {
    this.stop();
    this.handle = this.timers.set(() => this.expired(), this.options.waitMs);
  }

  /** The page said ready: all is well, and a later load starts with every reload available again. */
  ready(): void {
    this.stop();
    this.attempts = 0;
  }

  stop(): void {
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = undefined;
  }

  private expired(): void {
    this.handle = undefined;
    if (this.attempts >= this.options.reloads) return this.options.giveUp();
    this.attempts++;
    this.options.reload(this.attempts);
    this.loaded();
  }
}
