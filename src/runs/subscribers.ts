/**
 * This replica's live run streams (`runEvents`, `chat`), each wrapped so the
 * server can end it with a reason the client resumes from:
 *
 * - **Too slow.** A stream that falls more than `lagLimit` live events
 *   behind its run (events published since it subscribed that it has not
 *   taken) ends with `RATE_LIMITED` and `extensions.resumeAfter`. Over SSE
 *   Deno stops pulling once the socket's buffers are full, so a reader that
 *   stalls builds no queue in the server: it only falls behind, and this
 *   bounds how far, and lets go of the run's log it would otherwise pin.
 *   The backlog of a replay (`after` far back) does not count.
 * - **Shutdown.** {@linkcode Subscribers.endAll} ends every stream with
 *   `UNAVAILABLE`, `retryAfter` and `resumeAfter`.
 *
 * The error is the stream's last value: the subscription field passes it
 * through, GraphQL reports it as a field error with its code, and the
 * stream completes. `resumeAfter` is the last sequence the stream handed
 * to its transport, so `runEvents(after: resumeAfter)` on any replica
 * continues with the next event, once.
 *
 * @example
 * ```ts
 * const subscribers = createSubscribers({ lagLimit: 5000, head: bus.lastSequence, onSlow });
 * const stream = subscribers.track(runId, source, after);
 * subscribers.endAll(1); // at shutdown
 * ```
 * @module
 */
import { AppError, UnavailableError } from "../core/errors.ts";
import type { RunEvent } from "./events.ts";

/** What a run stream yields: events, and at most one closing error as its last value. */
export type StreamItem = RunEvent | AppError;

/** What {@linkcode createSubscribers} needs. */
export interface SubscribersOptions {
  /** Live events a stream may fall behind its run (SUBSCRIPTION_LAG_LIMIT_EVENTS). */
  lagLimit: number;
  /** The last sequence published for a run this replica executes; undefined otherwise. */
  head(runId: string): number | undefined;
  /** Called once per stream ended as too slow (a metric). */
  onSlow?(): void;
  /** How often lag is checked; default 1000 ms. */
  checkEveryMs?: number;
}

interface Tracked {
  runId: string;
  /** Resolves once the closing error was handed out, or the stream was returned. */
  said: Promise<void>;
  /** The last sequence handed out. */
  delivered: number;
  /** Events up to here were stored before it subscribed: a replay, not lag. */
  floor: number;
  end(error: AppError): void;
}

/** Creates the registry; `close()` stops its timer. */
export function createSubscribers(options: SubscribersOptions) {
  const live = new Set<Tracked>();
  const checkEveryMs = options.checkEveryMs ?? 1000;
  let timer: ReturnType<typeof setInterval> | undefined;

  function check(): void {
    for (const stream of live) {
      const head = options.head(stream.runId);
      if (head === undefined) continue;
      const behind = head - Math.max(stream.delivered, stream.floor);
      if (behind <= options.lagLimit) continue;
      options.onSlow?.();
      stream.end(
        new AppError(
          "RATE_LIMITED",
          `Subscriber too slow: it fell more than ${options.lagLimit} events behind run ` +
            `"${stream.runId}" (SUBSCRIPTION_LAG_LIMIT_EVENTS); subscribe to runEvents again ` +
            `with after: ${stream.delivered} to receive the rest.`,
          {
            extensions: {
              retryAfter: 0,
              resumeAfter: stream.delivered,
              runId: stream.runId,
              limit: "SUBSCRIPTION_LAG_LIMIT_EVENTS",
            },
          },
        ),
      );
    }
  }

  function add(stream: Tracked): void {
    live.add(stream);
    if (timer === undefined) {
      timer = setInterval(check, checkEveryMs);
      Deno.unrefTimer(timer);
    }
  }

  function remove(stream: Tracked): void {
    live.delete(stream);
    if (live.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  /** Wraps `source`, the run's events after `after`. */
  function track(
    runId: string,
    source: AsyncIterable<RunEvent>,
    after: number,
  ): AsyncIterableIterator<StreamItem> {
    const inner = source[Symbol.asyncIterator]();
    let ending: AppError | undefined;
    let finished = false;
    // The pending next() of a stream being ended: resolved at once by end().
    // (Racing each next() against one long-lived promise would leave a
    // reaction on it per event for the life of the stream.)
    let wake: ((value: "interrupted") => void) | undefined;
    const said = Promise.withResolvers<void>();
    const stream: Tracked = {
      runId,
      said: said.promise,
      delivered: after,
      floor: Math.max(after, options.head(runId) ?? after),
      end(error) {
        if (ending !== undefined || finished) return;
        ending = error;
        // Lets go of the source now: a stalled reader is not pulling, and
        // must not keep the run's log (or its notifications) alive.
        remove(stream);
        Promise.resolve(inner.return?.()).catch(() => {});
        wake?.("interrupted");
      },
    };
    add(stream);
    const done = (): IteratorResult<StreamItem> => ({ done: true, value: undefined });

    const iterator: AsyncIterableIterator<StreamItem> = {
      async next() {
        if (finished) return done();
        if (ending === undefined) {
          const result = await new Promise<IteratorResult<RunEvent> | "interrupted">(
            (resolve, reject) => {
              wake = resolve;
              inner.next().then(resolve, reject);
            },
          );
          wake = undefined;
          if (result !== "interrupted") {
            if (result.done) {
              finished = true;
              remove(stream);
              return done();
            }
            // The event was taken while the stream was being ended: the
            // client gets it on resuming instead.
            if (ending === undefined) {
              stream.delivered = result.value.sequence;
              return result;
            }
          }
        }
        finished = true;
        said.resolve();
        return { done: false, value: ending as AppError };
      },
      async return() {
        finished = true;
        said.resolve();
        remove(stream);
        await inner.return?.();
        return done();
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  return {
    track,
    /**
     * Ends every stream with UNAVAILABLE: the server is going away. Resolves
     * once each has handed its closing error to its transport, or after
     * `waitMs` (a stalled reader never takes it).
     */
    async endAll(retryAfterSeconds: number, waitMs = 1000): Promise<number> {
      const streams = [...live];
      for (const stream of streams) {
        stream.end(
          new UnavailableError({
            message: `The server is shutting down; subscribe to runEvents(runId: ` +
              `"${stream.runId}", after: ${stream.delivered}) again to receive the rest.`,
            retryAfter: retryAfterSeconds,
            extensions: { resumeAfter: stream.delivered, runId: stream.runId },
          }),
        );
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(streams.map((stream) => stream.said)),
        new Promise((resolve) => timer = setTimeout(resolve, waitMs)),
      ]);
      clearTimeout(timer);
      return streams.length;
    },
    /** Streams open now. */
    get size(): number {
      return live.size;
    },
    close(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/** The registry of live run streams. */
export type Subscribers = ReturnType<typeof createSubscribers>;
