// The one retry snaplake adds to the SDK's own (see aws-clients.ts): Glue answers a write that met
// another write of the same catalog object with ConcurrentModificationException, an error the SDK
// does not retry (it is neither throttling nor a 5xx), and which a second try moments later fixes.

import { awsErrorName } from './errors';

/** Glue's error for a write that raced another one on the same database, table or partition. */
export const CONCURRENT_MODIFICATION = 'ConcurrentModificationException';

export interface ConcurrentRetryOptions {
  /** Attempts in all, the first included. @default 5 */
  readonly attempts?: number;
  /** First backoff, doubled each attempt, with full jitter. @default 200 */
  readonly baseDelayMs?: number;
  /** Injected in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a Glue write, trying it again (with jittered backoff) only while Glue answers
 * ConcurrentModificationException; every other error is thrown at once, the SDK having already
 * retried throttling and 5xx inside `call`. A versioned UpdateTable is not wrapped: its conflict
 * means "read the table again", which its caller does.
 */
export async function retryConcurrentModification<T>(call: () => Promise<T>, options: ConcurrentRetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || awsErrorName(error) !== CONCURRENT_MODIFICATION) throw error;
      await sleep(Math.floor(random() * (options.baseDelayMs ?? 200) * 2 ** (attempt - 1)));
    }
  }
}
