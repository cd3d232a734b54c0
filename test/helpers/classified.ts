import { expect } from 'vitest';
import { ClassifiedError } from '../../engine/control/workflow/failures';

/** Awaits a promise that must reject with a ClassifiedError (the failure class decides retries), and returns it. */
export async function classifiedRejection(pending: Promise<unknown>): Promise<ClassifiedError> {
  const error = await pending.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClassifiedError);
  return error as ClassifiedError;
}
