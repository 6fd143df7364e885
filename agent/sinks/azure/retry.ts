// Retries one storage request with exponential backoff and jitter on transient failures: 5xx (but 501/505), 408, 429, resets, timeouts and stalls.
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A single attempt that takes longer than this is aborted and retried (a stalled connection). */
  attemptTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 400, maxDelayMs: 15_000, attemptTimeoutMs: 120_000 };

const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH',
  'EHOSTUNREACH', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'REQUEST_SEND_ERROR', 'ERR_STREAM_PREMATURE_CLOSE',
]);

export function isTransient(err: unknown): boolean {
  const e = err as { statusCode?: number; code?: string; name?: string; cause?: unknown };
  if (typeof e.statusCode === 'number' && e.statusCode > 0) {
    return e.statusCode === 408 || e.statusCode === 429 || (e.statusCode >= 500 && e.statusCode !== 501 && e.statusCode !== 505);
  }
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return true;
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  return e.cause !== undefined && e.cause !== err ? isTransient(e.cause) : e.name === 'RestError';
}

export interface AttemptReport { attempt: number; error: unknown; delayMs: number }

/** Runs `operation` until it succeeds, a non-transient error occurs, or attempts run out; `onRetry` hears each retry. */
export async function withRetry<T>(
  operation: (signal: AbortSignal, attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (report: AttemptReport) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const signal = AbortSignal.timeout(policy.attemptTimeoutMs);
    try {
      return await operation(signal, attempt);
    } catch (err) {
      if (attempt >= policy.attempts || !isTransient(err)) throw err;
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(cap / 2 + Math.random() * (cap / 2));
      onRetry?.({ attempt, error: err, delayMs });
      await sleep(delayMs);
    }
  }
}
