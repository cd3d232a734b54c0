// SQL text both adapters build from engine constants (never from input), kept in one place so the two dialects
// cannot disagree on which states count as settled.
import { SETTLED_STATES } from '../workflow/states';

/** `'COMPLETED', 'ESCALATED', ...`: for `state NOT IN (...)` in recovery queries and partial indexes. */
export const SETTLED_SQL = SETTLED_STATES.map((s) => `'${s}'`).join(', ');
