// How every snaplake SDK client retries: the SDK's own standard retry strategy, set here once.

/**
 * Attempts per AWS call, the first included. The SDK retries throttling (`ThrottlingException`,
 * `TooManyRequestsException`, `SlowDown`, 429 ...), 500/502/503/504 and dropped connections
 * (`ECONNRESET` ...) with jittered exponential backoff; what is left after the last attempt reaches
 * the caller and, in a workflow, the state's Retry. Code never wraps a call in a retry of its own,
 * which would multiply the attempts (6 x 6 = 36 calls for one).
 */
export const SDK_MAX_ATTEMPTS = 6;

/** The retry settings of a snaplake SDK client. */
export interface SdkRetrySettings {
  readonly maxAttempts: number;
  /** `standard`: AWS's recommended mode (no client-side rate limiting, which `adaptive` adds). */
  readonly retryMode: 'standard';
}

/**
 * The configuration of a snaplake SDK client: `config` (region, endpoint ...) plus the retry settings.
 * `new GlueClient(clientConfig())`, `new RDSClient(clientConfig({ region }))`.
 */
export function clientConfig<T extends object>(config: T = {} as T): T & SdkRetrySettings {
  return { ...config, maxAttempts: SDK_MAX_ATTEMPTS, retryMode: 'standard' };
}
