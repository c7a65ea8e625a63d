/**
 * Notifications between the processes that share one database: Postgres
 * `LISTEN/NOTIFY` through postgres.js on a server, and an in-process
 * dispatcher on embedded PGlite, where this process is the only one (PGlite
 * has a single session, so it cannot hold a second, listening connection).
 *
 * A notification is a hint or a small batch, never the only copy of data:
 * its sender commits the data first (a `NOTIFY` inside a transaction is sent
 * at commit), so a listener that missed one (its connection dropped) reads
 * the table. `onListen` runs each time listening (re)starts, so a listener
 * can catch up then. Payloads must stay under Postgres' 8000-byte limit.
 *
 * @example
 * ```ts
 * const notifier = createNotifier(sql, "server");
 * const stop = await notifier.listen("graphmind_jobs", (payload) => console.log(payload));
 * await notifier.notify("graphmind_jobs", "wake");
 * await stop();
 * ```
 * @module
 */
import type { Sql } from "postgres";

/** Postgres refuses a NOTIFY payload of 8000 bytes or more. */
export const MAX_NOTIFY_BYTES = 7999;

/** Sends and receives notifications on named channels. */
export interface Notifier {
  /**
   * True when notifications travel through the database, so a statement may
   * send one itself with `pg_notify` (committed with its data).
   */
  readonly shared: boolean;
  /** Sends `payload` to every listener of `channel`, in every process. */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Calls `onMessage` for each notification on `channel` until the returned
   * function is called; `onListen` runs once listening starts and again after
   * each reconnection, when notifications may have been missed.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onListen?: () => void,
  ): Promise<() => Promise<void>>;
  /** Delivers a notification to this process's listeners only (embedded mode's path). */
  deliver(channel: string, payload: string): void;
}

/** A notifier over the app's pool: `server` uses LISTEN/NOTIFY, `embedded` stays in-process. */
export function createNotifier(sql: Sql, mode: "embedded" | "server"): Notifier {
  const local = new Map<string, Set<(payload: string) => void>>();

  function deliver(channel: string, payload: string): void {
    for (const listener of local.get(channel) ?? []) {
      // Asynchronous like a real notification, so a sender never re-enters its listener.
      queueMicrotask(() => listener(payload));
    }
  }

  if (mode === "embedded") {
    return {
      shared: false,
      notify(channel, payload) {
        deliver(channel, payload);
        return Promise.resolve();
      },
      listen(channel, onMessage, onListen) {
        const set = local.get(channel) ?? new Set();
        set.add(onMessage);
        local.set(channel, set);
        onListen?.();
        return Promise.resolve(() => {
          set.delete(onMessage);
          return Promise.resolve();
        });
      },
      deliver,
    };
  }

  return {
    shared: true,
    async notify(channel, payload) {
      await sql.notify(channel, payload);
    },
    async listen(channel, onMessage, onListen) {
      // postgres.js keeps one dedicated listening connection per pool and
      // listens again after it reconnects, calling `onListen` each time.
      const { unlisten } = await sql.listen(channel, onMessage, onListen);
      return unlisten;
    },
    deliver,
  };
}
