// The validation engine/control/store/sqlite/intake.ts does before it stores anything, for adapters that do not call it.
import { describeIssues } from '../../../protocol/define';
import { Budget, DEFAULT_BUDGET } from '../workflow/budget';
import { InvalidRequest } from '../workflow/errors';
import { AlertRequest } from '../workflow/request';
import type { CreateOptions } from './types';

export function parseIntake(raw: unknown, options: CreateOptions): { request: AlertRequest; budget: Budget } {
  const parsed = AlertRequest.safeParse(raw);
  if (!parsed.success) throw new InvalidRequest(`invalid request: ${describeIssues(parsed.error)}`);
  const budget = Budget.safeParse({ ...DEFAULT_BUDGET, ...options.budget });
  if (!budget.success) throw new InvalidRequest(`invalid budget: ${describeIssues(budget.error)}`);
  return { request: parsed.data, budget: budget.data };
}
