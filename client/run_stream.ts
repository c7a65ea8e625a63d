/**
 * A run's events as one async iterable that survives dropped connections:
 * it subscribes to `runEvents(runId, after)` and, when the connection drops,
 * the server ends the stream naming `resumeAfter` (it is shutting down, or
 * this client read too slowly), or the stream ends before the run's final
 * status, subscribes again with
 * `after` = the last sequence it yielded, waiting a bounded, growing delay
 * between attempts. Events at or below that sequence are skipped, so the
 * caller sees each event once, in order. An `UNAVAILABLE` answer (the API's
 * database is down) is retried the same way, waiting at least its
 * `retryAfter`; every other API error ends the stream.
 *
 * @module
 */
import { ConnectionError, GraphmindError, isRetryable } from "./errors.ts";
import { type RunEventFieldsFragment, RunEventsDocument, type RunStatus } from "./generated.ts";
import { type Transport, TransportDrop } from "./transport.ts";

/** One event of a run, typed by `__typename`. */
export type RunEvent = RunEventFieldsFragment;

/** The final statuses: a run reports one of them last. */
export const FINAL_STATUSES: ReadonlySet<RunStatus> = new Set([
  "SUCCESS",
  "ERROR",
  "INTERRUPTED",
  "CANCELLED",
]);

/** How a stream retries after a drop. */
export interface RetryOptions {
  /** Attempts in a row without a new event before giving up with ConnectionError. Default 8. */
  attempts?: number;
  /** First delay, ms; it doubles per attempt, with jitter. Default 100. */
  initialDelayMs?: number;
  /** Longest delay, ms. Default 5000. */
  maxDelayMs?: number;
}

/** Options of a run stream. */
export interface RunStreamOptions {
  /** Start after this sequence (0, the default, replays the run from its start). */
  after?: number;
  retry?: RetryOptions;
  /** Called before each reconnect, with the attempt number and what failed. */
  onReconnect?: (attempt: number, cause: unknown) => void;
}

/** The resumable iterable over a run's events. */
export async function* resumableRunEvents(
  transport: Transport,
  runId: string,
  options: RunStreamOptions = {},
): AsyncGenerator<RunEvent, void, undefined> {
  const maxAttempts = options.retry?.attempts ?? 8;
  let last = options.after ?? 0;
  let failures = 0;
  for (;;) {
    const subscription = transport.subscribe(RunEventsDocument, { runId, after: last });
    let cause: unknown;
    try {
      for await (const data of subscription) {
        const event = data.runEvents;
        if (event.sequence <= last) continue; // already yielded before the drop
        last = event.sequence;
        failures = 0;
        yield event;
        if (event.__typename === "RunStatusEvent" && FINAL_STATUSES.has(event.status)) return;
      }
      cause = new TransportDrop("The stream ended before the run's final status.");
    } catch (error) {
      // An outage, or the server ended the stream naming where to resume
      // (it is shutting down, or this client read too slowly): resume.
      const resumable = isRetryable(error) ||
        (error instanceof GraphmindError && typeof error.extensions.resumeAfter === "number");
      if (error instanceof GraphmindError && !resumable) throw error;
      cause = error;
    } finally {
      subscription.close();
    }
    failures++;
    if (failures > maxAttempts) {
      throw new ConnectionError(
        `Lost the stream of run ${runId} after sequence ${last}; ${maxAttempts} reconnects failed.`,
        failures,
        { cause },
      );
    }
    options.onReconnect?.(failures, cause);
    await sleep(retryDelayMs(failures, cause, options.retry));
  }
}

/** The delay before attempt `attempt` (1-based): exponential, capped, with up to 25 % jitter. */
export function backoffMs(attempt: number, retry: RetryOptions = {}): number {
  const initial = retry.initialDelayMs ?? 100;
  const max = retry.maxDelayMs ?? 5000;
  const base = Math.min(max, initial * 2 ** (attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.25));
}

/** The backoff, or the server's `retryAfter` when it asked for longer. */
export function retryDelayMs(attempt: number, cause: unknown, retry: RetryOptions = {}): number {
  const backoff = backoffMs(attempt, retry);
  return isRetryable(cause) ? Math.max(backoff, cause.retryAfter * 1000) : backoff;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
