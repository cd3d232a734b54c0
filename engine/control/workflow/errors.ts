/** Errors of the control plane, each with a message meant for a person. */

export class IllegalTransition extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`illegal workflow transition ${from} -> ${to}`);
    this.name = 'IllegalTransition';
  }
}

/** Intake refused because the queue is full: the caller should retry later, nothing was stored. */
export class Backpressure extends Error {
  constructor(
    readonly queued: number,
    readonly limit: number,
  ) {
    super(`queue full: ${queued} workflows in flight (limit ${limit}); nothing was stored, retry later`);
    this.name = 'Backpressure';
  }
}

export class InvalidRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequest';
  }
}

export class UnknownWorkflow extends Error {
  constructor(readonly id: string) {
    super(`no workflow with id ${JSON.stringify(id)}`);
    this.name = 'UnknownWorkflow';
  }
}

/** The worker's lease was taken over (it expired): its result must not be committed. */
export class LeaseLost extends Error {
  constructor(readonly workflowId: string) {
    super(`lease on workflow ${workflowId} was lost`);
    this.name = 'LeaseLost';
  }
}

/** The database refused a write for a reason a person can act on (locked, full). Nothing was half-written. */
export class StorageProblem extends Error {
  constructor(
    readonly kind: 'locked' | 'full' | 'readonly',
    message: string,
  ) {
    super(message);
    this.name = 'StorageProblem';
  }
}

/** Maps SQLite's busy/full errors to StorageProblem; anything else passes through unchanged. */
export function storageError(error: unknown): unknown {
  const code = (error as { code?: string }).code ?? '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StorageProblem('locked', `database is locked by another process; nothing was written (${(error as Error).message})`);
  }
  if (code === 'SQLITE_FULL') {
    return new StorageProblem('full', `database or disk is full; the change was rolled back (${(error as Error).message})`);
  }
  if (code === 'SQLITE_READONLY') {
    return new StorageProblem('readonly', `database is read-only; nothing was written (${(error as Error).message})`);
  }
  return error;
}

/** A well-formed request that asks for nothing (e.g. "resolved" for an alert that never started a workflow). */
export class NothingToDo extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NothingToDo';
  }
}
