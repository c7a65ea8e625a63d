/**
 * Notifications that a document's ingest moved (progress, status), for the
 * `documentStatus` subscription, on every replica: the ingest sends the
 * document's id through the {@linkcode Notifier} (LISTEN/NOTIFY on a
 * server, in-process when embedded), and each subscriber re-reads the row
 * when it wakes. Notifications that arrive while a subscriber is busy
 * coalesce into one, so a slow client never builds a backlog and always
 * reads the latest state.
 *
 * @example
 * ```ts
 * const events = await relayDocumentEvents(notifier);
 * const changes = events.subscribe(documentId);
 * events.publish(documentId);
 * await changes.next(); // { done: false }
 * await changes.return();
 * ```
 * @module
 */
import type { Notifier } from "../db/notifier.ts";
import type { Queryable } from "../db/sql.ts";

/** The channel document changes travel on; the payload is the document's id. */
export const DOCUMENT_CHANNEL = "graphmind_document_status";

/** Wake-ups for one document's subscriber. */
export interface DocumentChanges extends AsyncIterableIterator<void> {
  return(): Promise<IteratorResult<void>>;
}

/** Publishes and subscribes to document changes. */
export interface DocumentEvents {
  /** Tells every subscriber of `id`, on every replica, that it changed (committed already). */
  publish(id: string): Promise<void>;
  /** Sends the notification with `tx`'s commit (a server), or just after it (embedded). */
  publishIn(tx: Queryable, id: string): Promise<void>;
  /** Yields after each change of `id` (coalesced) until returned or closed. */
  subscribe(id: string): DocumentChanges;
  /** Ends every subscription and stops listening. */
  close(): Promise<void>;
  readonly subscriberCount: number;
}

/** Starts listening on {@linkcode DOCUMENT_CHANNEL}. */
export async function relayDocumentEvents(notifier: Notifier): Promise<DocumentEvents> {
  const byId = new Map<string, Set<{ wake(): void; end(): void }>>();
  const unlisten = await notifier.listen(DOCUMENT_CHANNEL, (id) => {
    for (const subscriber of byId.get(id) ?? []) subscriber.wake();
  });

  function subscribe(id: string): DocumentChanges {
    let pending = false;
    let done = false;
    let resolve: (() => void) | undefined;
    const subscriber = {
      wake() {
        pending = true;
        resolve?.();
      },
      end() {
        done = true;
        resolve?.();
      },
    };
    const set = byId.get(id) ?? new Set();
    set.add(subscriber);
    byId.set(id, set);
    const finished = (): IteratorResult<void> => ({ done: true, value: undefined });
    return {
      async next() {
        while (!pending && !done) await new Promise<void>((r) => (resolve = r));
        resolve = undefined;
        if (done) return finished();
        pending = false;
        return { done: false, value: undefined };
      },
      return() {
        set.delete(subscriber);
        if (set.size === 0 && byId.get(id) === set) byId.delete(id);
        subscriber.end();
        return Promise.resolve(finished());
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  return {
    async publish(id) {
      // A lost notification only delays a subscriber; the change is committed.
      await notifier.notify(DOCUMENT_CHANNEL, id).catch(() =>
        notifier.deliver(DOCUMENT_CHANNEL, id)
      );
    },
    async publishIn(tx, id) {
      if (notifier.shared) await tx`SELECT pg_notify(${DOCUMENT_CHANNEL}, ${id})`;
      // Embedded: one session, so a subscriber's re-read queues behind this transaction.
      else setTimeout(() => notifier.deliver(DOCUMENT_CHANNEL, id), 0);
    },
    subscribe,
    async close() {
      for (const set of byId.values()) for (const subscriber of set) subscriber.end();
      byId.clear();
      await unlisten();
    },
    get subscriberCount() {
      let count = 0;
      for (const set of byId.values()) count += set.size;
      return count;
    },
  };
}
