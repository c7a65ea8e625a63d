/**
 * Restart recovery. A run's row carries a lease that the instance executing
 * it renews; a process that dies stops renewing. At start, and then every
 * lease period, active runs that no live instance holds are failed with a
 * reason saying so, and their threads marked `error`, so no run stays
 * `running` forever. With embedded Postgres this process is the only one,
 * so every active run at start is abandoned, whatever its lease.
 *
 * @module
 */
import type { Logger } from "../observability/logger.ts";
import type { RunStore } from "./store.ts";

/** The error a recovered run carries. */
export const RESTART_REASON = "Interrupted by a restart: the process running it stopped. " +
  "Send the message again.";

/** What {@linkcode startLeases} needs. */
export interface LeaseOptions {
  store: RunStore;
  logger: Logger;
  leaseSeconds: number;
  soleInstance: boolean;
  /** The runs this process holds. */
  held(): string[];
}

/** Fails abandoned runs, then keeps renewing and sweeping; returns the stop function. */
export async function startLeases(options: LeaseOptions): Promise<() => void> {
  const { store, logger } = options;
  const failed = await store.failAbandoned([], options.soleInstance, RESTART_REASON);
  if (failed.length > 0) {
    logger.warn("runs left active by a stopped process were marked error", {
      runs: failed.map((r) => r.id),
    });
  }
  const periodMs = options.leaseSeconds * 1000;
  const timers = [
    setInterval(() => {
      store.renewLeases(options.held()).catch((error) =>
        logger.warn("could not renew run leases", { error })
      );
    }, periodMs / 3),
  ];
  if (!options.soleInstance) {
    timers.push(setInterval(() => {
      store.failAbandoned(options.held(), false, RESTART_REASON).then((swept) => {
        if (swept.length > 0) {
          logger.warn("runs of a stopped instance were marked error", {
            runs: swept.map((r) => r.id),
          });
        }
      }).catch((error) => logger.warn("could not sweep abandoned runs", { error }));
    }, periodMs));
  }
  for (const timer of timers) Deno.unrefTimer(timer as unknown as number);
  return () => timers.forEach((timer) => clearInterval(timer));
}
