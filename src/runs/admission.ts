/**
 * Whether a new run may start: the capacity check (MAX_CONCURRENT_AGENTS,
 * with a bounded queue behind it) and the per-thread check that applies the
 * multitask strategy to the thread's active runs.
 *
 * @module
 */
import { AppError, ConflictError } from "../core/errors.ts";
import type { Scheduler } from "./scheduler.ts";
import type { ActiveRow, MultitaskStrategy } from "./store.ts";

/** Runs waiting to start, per allowed concurrent run, before new ones are refused. */
export const QUEUE_FACTOR = 10;

/** Refuses a new run with RATE_LIMITED when the wait queue is full. */
export function checkCapacity(scheduler: Scheduler, maxConcurrent: number): void {
  if (scheduler.waiting < maxConcurrent * QUEUE_FACTOR) return;
  throw new AppError(
    "RATE_LIMITED",
    `The server is at capacity: ${scheduler.running} runs are running and ` +
      `${scheduler.waiting} are waiting (MAX_CONCURRENT_AGENTS=${maxConcurrent}). ` +
      "Retry in a few seconds.",
    { extensions: { retryAfterSeconds: 5 } },
  );
}

/**
 * The check the run store applies, inside its thread lock, to the thread's
 * active runs. REJECT refuses any; the other strategies accept runs this
 * process holds (it can queue behind or cancel them) but not another
 * instance's, which it can neither wait for nor stop.
 */
export function admission(
  threadId: string,
  strategy: MultitaskStrategy,
  isHeld: (runId: string) => boolean,
): (active: ActiveRow[]) => void {
  return (rows) => {
    const first = rows[0];
    if (first === undefined) return;
    const elsewhere = rows.find((row) => !isHeld(row.id));
    if (elsewhere !== undefined) {
      throw new ConflictError(
        `Thread "${threadId}" has an active run "${elsewhere.id}" (${elsewhere.status}) on ` +
          "another instance; wait for it to end or cancel it there.",
        { runId: elsewhere.id },
      );
    }
    if (strategy === "reject") {
      throw new ConflictError(
        `Thread "${threadId}" is busy with run "${first.id}" (${first.status}). Wait for it, ` +
          "cancel it with cancelRun, or send with multitaskStrategy ENQUEUE, INTERRUPT or ROLLBACK.",
        { runId: first.id },
      );
    }
  };
}
