import { AlertRequest, type AlertRequestInput } from '../workflow/request';
import { describeIssues, InvalidAlert } from './errors';
import { checkMaps } from './limits';

/**
 * The last gate for every format: the canonical schema's limits apply as they are (a value that is too long is
 * refused, never cut), so what leaves engine/control/alert always parses as an AlertRequest.
 */
export function canonical(candidate: AlertRequestInput, where: string): AlertRequest {
  checkMaps(where, candidate.labels ?? {}, candidate.annotations ?? {});
  if (candidate.title.includes('\0')) throw new InvalidAlert(`${where}title: contains a NUL character`);
  const parsed = AlertRequest.safeParse(candidate);
  if (!parsed.success) throw new InvalidAlert(describeIssues(`invalid alert${where ? ` (${where.replace(/: $/, '')})` : ''}`, parsed.error));
  return parsed.data;
}
