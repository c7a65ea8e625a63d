/**
 * The claim loop every durable queue shares (runs, background jobs): claim
 * up to the free capacity, execute each claim, renew the leases of what this
 * process holds, and claim again when a slot frees, when a notification says
 * there is new work, or on a slow poll that also picks up work whose holder
 * died (its lease lapsed).
 *
 * The queue's own SQL decides what may be claimed (`FOR UPDATE SKIP LOCKED`
 * and a lease), so any number of processes may run this loop on one table
 * and never claim the same item twice while its lease is fresh.
 *
 * @example
 * ```ts
 * const worker = startWorker({
 *   name: "jobs", capacity: 2, pollMs: 1000, leaseMs: 30_000, logger,
 *   claim: (limit) => store.claim(limit), renew: (ids) => store.renew(ids),
 *   execute: (job) => handle(job), idOf: (job) => job.id,
 * });
 * worker.wake(); // new work was enqueued
 * await worker.stop();
 * ```
 * @module
 */
import type { Logger } from "../observability/logger.ts";

/** What {@linkcode startWorker} needs. */
export interface WorkerOptions<T> {
  /** For logs. */
  name: string;
  /** How many items this process executes at once. */
  capacity: number;
  /** Claims up to `limit` items, leasing them to this process. */
  claim(limit: number): Promise<T[]>;
  /** Runs one claimed item to its end; a rejection is logged. */
  execute(item: T): Promise<void>;
  idOf(item: T): string;
  /** Extends the leases of the held items; called every `leaseMs / 3`. */
  renew(ids: string[]): Promise<void>;
  leaseMs: number;
  /** How often to look for work with no notification (lapsed leases, missed wake-ups). */
  pollMs: number;
  logger: Logger;
}

/** A running claim loop. */
export interface Worker<T = unknown> {
  /** Claims now if there is capacity (new work was enqueued); resolves when that claim is done. */
  wake(): Promise<void>;
  /**
   * Holds a free slot for an item this process is about to lease to itself
   * as it enqueues it (no claim round trip); false when every slot is taken
   * or the loop stopped. Follow with `adopt` or `release`.
   */
  reserve(): boolean;
  /** Executes an item leased here with a slot from `reserve`. */
  adopt(item: T): void;
  /** Gives back a slot from `reserve` that no item took. */
  release(): void;
  /** The ids of the items executing here. */
  held(): string[];
  readonly running: number;
  /** Stops claiming; resolves when every held item has ended. */
  stop(): Promise<void>;
}

/** Starts the loop; the first claim happens at once. */
export function startWorker<T>(options: WorkerOptions<T>): Worker<T> {
  const log = options.logger.child({ worker: options.name });
  const executing = new Map<string, Promise<void>>();
  let claiming: Promise<void> | undefined;
  // Slots held by `reserve` for items about to be adopted, and by the claim in flight.
  let reserved = 0;
  let claimingUpTo = 0;
  let again = false;
  let stopped = false;
  let failures = 0;

  function pump(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (claiming) {
      // The claim under way goes round once more before it resolves.
      again = true;
      return claiming;
    }
    claiming = claimAll().finally(() => claiming = undefined);
    return claiming;
  }

  async function claimAll(): Promise<void> {
    try {
      do {
        again = false;
        const free = options.capacity - executing.size - reserved;
        if (free <= 0) break;
        claimingUpTo = free;
        let items: T[];
        try {
          items = await options.claim(free);
        } finally {
          claimingUpTo = 0;
        }
        failures = 0;
        for (const item of items) {
          // A lease that lapsed while the database was away comes back to its
          // holder when it is the first to claim again: the item is still
          // running (or recording its end) here, so it must not start twice.
          if (executing.has(options.idOf(item))) {
            log.warn("claimed an item this process still runs; not starting it again", {
              id: options.idOf(item),
            });
            continue;
          }
          launch(item);
        }
        // A claim that found work may have left more behind (queues claim in small batches).
        if (items.length > 0 && executing.size + reserved < options.capacity) again = true;
      } while (again && !stopped);
    } catch (error) {
      // The database is down or restarting: the poll tries again.
      if (failures++ === 0) log.warn("could not claim work", { error });
    }
  }

  function launch(item: T): void {
    const id = options.idOf(item);
    const done = options.execute(item).catch((error) =>
      log.error("a claimed item failed outside its handler", { id, error })
    ).finally(() => {
      executing.delete(id);
      void pump();
    });
    executing.set(id, done);
  }

  const poll = setInterval(() => void pump(), options.pollMs);
  const renew = setInterval(() => {
    const ids = [...executing.keys()];
    if (ids.length === 0) return;
    options.renew(ids).catch((error) => log.warn("could not renew leases", { error }));
  }, Math.max(100, options.leaseMs / 3));
  Deno.unrefTimer(poll);
  Deno.unrefTimer(renew);
  void pump();

  return {
    wake: pump,
    reserve() {
      // A claim in flight may fill the slots it asked for: they are not free.
      if (stopped || executing.size + reserved + claimingUpTo >= options.capacity) return false;
      reserved++;
      return true;
    },
    adopt(item) {
      reserved--;
      if (executing.has(options.idOf(item))) return;
      launch(item);
    },
    release() {
      reserved--;
      void pump();
    },
    held: () => [...executing.keys()],
    get running() {
      return executing.size;
    },
    async stop() {
      stopped = true;
      clearInterval(poll);
      clearInterval(renew);
      await Promise.all(executing.values());
    },
  };
}
