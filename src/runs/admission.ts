/**
 * Whether a new run may be queued, decided inside the thread's lock across
 * every replica: the wait queue's bound (MAX_CONCURRENT_AGENTS × 10 waiting
 * runs) and the multitask strategy applied to the thread's active runs.
 *
 * @module
 */
import { AppError, ConflictError } from "../core/errors.ts";
import type { Admission, MultitaskStrategy, QueueLoad } from "./store.ts";

/** Runs waiting to start, per allowed concurrent run, before new ones are refused. */
export const QUEUE_FACTOR = 10;

/** Refuses a new run with RATE_LIMITED when the wait queue is full. */
export function checkCapacity(load: QueueLoad, maxConcurrent: number): void {
  if (load.waiting < maxConcurrent * QUEUE_FACTOR) return;
  throw new AppError(
    "RATE_LIMITED",
    `The server is at capacity: ${load.running} runs are running and ` +
      `${load.waiting} are waiting (MAX_CONCURRENT_AGENTS=${maxConcurrent}). ` +
      "Retry in a few seconds.",
    { extensions: { retryAfterSeconds: 5 } },
  );
}

/**
 * The admission of run `runId` on a thread: REJECT refuses when the thread
 * has an active run; ENQUEUE queues behind them; INTERRUPT and ROLLBACK
 * cancel them (on whichever replica holds them), then queue.
 */
export function admission(
  threadId: string,
  strategy: MultitaskStrategy,
  maxConcurrent: number,
  runId: string,
): Admission {
  const superseding = strategy === "interrupt" || strategy === "rollback";
  return {
    admit(rows, load) {
      checkCapacity(load, maxConcurrent);
      const first = rows[0];
      if (first === undefined || strategy !== "reject") return;
      throw new ConflictError(
        `Thread "${threadId}" is busy with run "${first.id}" (${first.status}). Wait for it, ` +
          "cancel it with cancelRun, or send with multitaskStrategy ENQUEUE, INTERRUPT or ROLLBACK.",
        { runId: first.id },
      );
    },
    supersede: superseding
      ? {
        action: strategy,
        reason: `Replaced by run ${runId} (multitask strategy ${strategy.toUpperCase()}).`,
      }
      : undefined,
  };
}
