/**
 * Workspace trust as the engine sees it. VS Code's Restricted Mode means nothing from the workspace may
 * execute: every path that runs a tool asks this gate first, and the extension updates it when trust is
 * granted. The engine starts from what the extension says at initialisation, and untrusted by default.
 */
export class ExecutionRefused extends Error {
  constructor(what: string) {
    super(
      `${what} was not run: this workspace is in Restricted Mode (not trusted). ` +
        'Trust the workspace (Workspaces: Manage Workspace Trust) to allow Runbook Agent to run commands.',
    );
    this.name = 'ExecutionRefused';
  }
}

export class TrustGate {
  constructor(private trustedNow = false) {}

  get trusted(): boolean {
    return this.trustedNow;
  }

  set(trusted: boolean): void {
    this.trustedNow = trusted;
  }

  /** Throws ExecutionRefused unless the workspace is trusted. */
  assertMayExecute(what: string): void {
    if (!this.trustedNow) throw new ExecutionRefused(what);
  }
}
