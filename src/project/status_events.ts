/**
 * In-process notifications that a plan changed, for `projectStatusChanged`.
 *
 * A notification carries no data: each subscriber reads the plan's status
 * when it takes the notification, so it always gets the latest state.
 * Notifications that arrive while a subscriber is still busy coalesce into
 * one, so a slow client never builds up a backlog and never misses the
 * final state. {@linkcode relayStatusEvents} carries them between replicas
 * through the database's notifications, so a change made through any
 * replica reaches subscribers on every one.
 *
 * @example
 * ```ts
 * const events = createStatusEvents();
 * const changes = events.subscribe("default");
 * events.publish("default");
 * await changes.next(); // { done: false, value: "default" }
 * await changes.return();
 * ```
 * @module
 */

import type { Notifier } from "../db/notifier.ts";

/** The notification channel plan changes travel on between replicas. */
export const PLAN_CHANNEL = "graphmind_plan_changed";

/** Publishes and subscribes to plan changes. */
export interface StatusEvents {
  /** Tells every subscriber of `planId` that it changed. */
  publish(planId: string): void;
  /**
   * Yields `planId` after each change (coalesced) until returned or closed;
   * with `initial`, also once straight away.
   */
  subscribe(planId: string, options?: { initial?: boolean }): AsyncIterableIterator<string>;
  /** Ends every subscription, as at shutdown (and stops listening, when relayed). */
  close(): void | Promise<void>;
  /** How many subscriptions are open, for tests and diagnostics. */
  readonly subscriberCount: number;
}

interface Subscriber {
  notify(): void;
  end(): void;
}

/** Creates an empty notifier. */
export function createStatusEvents(): StatusEvents {
  const byPlan = new Map<string, Set<Subscriber>>();

  function remove(planId: string, subscriber: Subscriber): void {
    const set = byPlan.get(planId);
    set?.delete(subscriber);
    if (set?.size === 0) byPlan.delete(planId);
  }

  function subscribe(
    planId: string,
    options: { initial?: boolean } = {},
  ): AsyncIterableIterator<string> {
    let pending = options.initial ?? false;
    let done = false;
    let wake: (() => void) | undefined;
    const subscriber: Subscriber = {
      notify() {
        pending = true;
        wake?.();
      },
      end() {
        done = true;
        wake?.();
      },
    };
    const set = byPlan.get(planId) ?? new Set();
    set.add(subscriber);
    byPlan.set(planId, set);

    const finished = (): IteratorResult<string> => ({ done: true, value: undefined });
    return {
      async next() {
        while (!pending && !done) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (done) return finished();
        pending = false;
        return { done: false, value: planId };
      },
      // Ends a subscription even while `next` waits: an async generator
      // would only see `return` after the next notification arrived.
      return() {
        remove(planId, subscriber);
        subscriber.end();
        return Promise.resolve(finished());
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  return {
    publish(planId) {
      for (const subscriber of byPlan.get(planId) ?? []) subscriber.notify();
    },
    subscribe,
    close() {
      for (const [planId, set] of byPlan) {
        for (const subscriber of set) {
          subscriber.end();
          remove(planId, subscriber);
        }
      }
    },
    get subscriberCount() {
      let count = 0;
      for (const set of byPlan.values()) count += set.size;
      return count;
    },
  };
}

/**
 * Plan changes shared by every process on the database: `publish` sends a
 * notification (the plan id), and each process's listener wakes its own
 * subscribers, this one's included. Closing stops listening.
 */
export async function relayStatusEvents(notifier: Notifier): Promise<StatusEvents> {
  const local = createStatusEvents();
  const unlisten = await notifier.listen(PLAN_CHANNEL, (planId) => local.publish(planId));
  return {
    publish(planId) {
      // A lost notification only delays a subscriber until the next change;
      // the change itself is committed already.
      notifier.notify(PLAN_CHANNEL, planId).catch(() => local.publish(planId));
    },
    subscribe: local.subscribe,
    async close() {
      local.close();
      await unlisten();
    },
    get subscriberCount() {
      return local.subscriberCount;
    },
  };
}
