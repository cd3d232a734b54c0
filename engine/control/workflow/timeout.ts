import { ClassifiedError, type FailureClass } from './failures';

/** Races the call against a timer; the abort signal tells a well-behaved tool to stop, a hung one is abandoned. */
export async function withTimeout<T>(ms: number, cls: FailureClass, message: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new ClassifiedError(cls, `${message} after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([fn(ac.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
