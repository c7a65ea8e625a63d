/**
 * The event bus between a run and its subscribers. A publisher appends to
 * the run's log; subscribers read the log from any sequence onward and then
 * wait for more, so a reconnect with `after` replays exactly what was missed.
 * The log outlives the run by a retention period, then is dropped.
 *
 * It keeps the logs of the runs this replica executes in memory: publishing
 * a token is an array push and a wake-up, with no database or Redis round
 * trip, and a slow subscriber only lags behind (it holds an index, not a
 * queue). Its `sink` hands every event to the durable log (event_log.ts),
 * which serves subscribers on other replicas and replays after retention.
 *
 * @example
 * ```ts
 * const bus = createMemoryEventBus({ retentionMs: 60_000 });
 * bus.open("run-1");
 * bus.publish("run-1", { type: "status", status: "running", error: null });
 * bus.end("run-1");
 * for await (const event of bus.subscribe("run-1", 0)!) console.log(event.sequence);
 * ```
 * @module
 */
import { eventId, type RunEvent, type RunEventPayload } from "./events.ts";

/** Publish/subscribe per run, with replay. */
export interface EventBus {
  /**
   * Starts a run's log, numbering its events after `base` (the events an
   * earlier attempt or the queue logged); publishing to a run without one
   * throws. `logged`, the last of those events (up to `base`), is held for
   * subscribers without going to the sink again: a stream from the start
   * then needs no read of the durable log.
   */
  open(runId: string, base?: number, logged?: RunEvent[]): void;
  /** Appends an event, numbering it, and wakes the run's subscribers. */
  publish(runId: string, payload: RunEventPayload): RunEvent;
  /** Marks the log complete: subscribers finish once they have read it all. */
  end(runId: string): void;
  /**
   * The run's events after sequence `after`, then live ones until the log
   * ends; undefined when this bus holds no log for the run, or not from `after`.
   */
  subscribe(runId: string, after: number): AsyncIterableIterator<RunEvent> | undefined;
  /** The sequence before the first event held for the run, if its log is held. */
  baseOf(runId: string): number | undefined;
  /** The last sequence published for the run, if its log is held. */
  lastSequence(runId: string): number | undefined;
  /** Drops a log now (its run was deleted); subscribers finish. */
  forget(runId: string): void;
  /** Drops every log and stops retention timers. */
  close(): void;
}

interface RunLog {
  /** The sequence before the first event held here. */
  base: number;
  events: RunEvent[];
  ended: boolean;
  wake: Set<() => void>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Options for {@linkcode createMemoryEventBus}. */
export interface MemoryEventBusOptions {
  /** How long an ended run's log stays replayable. */
  retentionMs: number;
  /**
   * At most this many events are kept in ended logs; past it the oldest
   * ended logs go early (their runs then replay from checkpoints), so a
   * burst of runs cannot grow memory without bound. Default 200 000.
   */
  maxRetainedEvents?: number;
  /** Receives every published event, e.g. the durable log's writer. */
  sink?: (event: RunEvent) => void;
}

/** The in-process event bus. */
export function createMemoryEventBus(options: MemoryEventBusOptions): EventBus {
  const logs = new Map<string, RunLog>();
  // Ended logs in the order they ended, oldest first, and their event count.
  const ended = new Set<string>();
  let retained = 0;
  const maxRetained = options.maxRetainedEvents ?? 200_000;

  function wakeAll(log: RunLog): void {
    const waiting = [...log.wake];
    log.wake.clear();
    for (const wake of waiting) wake();
  }

  function drop(runId: string): void {
    const log = logs.get(runId);
    if (log === undefined) return;
    logs.delete(runId);
    if (ended.delete(runId)) retained -= log.events.length;
    clearTimeout(log.timer);
    log.ended = true;
    wakeAll(log);
  }

  return {
    open(runId, base = 0, logged = []) {
      if (!logs.has(runId)) {
        // Held only when they are exactly the events just before `base`.
        const first = base - logged.length;
        const contiguous = logged.every((event, i) => event.sequence === first + i + 1);
        const held = contiguous ? logged : [];
        logs.set(runId, {
          base: base - held.length,
          events: [...held],
          ended: false,
          wake: new Set(),
          timer: undefined,
        });
      }
    },
    publish(runId, payload) {
      const log = logs.get(runId);
      if (log === undefined || log.ended) throw new Error(`No open event log for run ${runId}.`);
      const sequence = log.base + log.events.length + 1;
      const event = { ...payload, id: eventId(runId, sequence), runId, sequence, at: new Date() };
      log.events.push(event);
      options.sink?.(event);
      if (log.wake.size > 0) wakeAll(log);
      return event;
    },
    end(runId) {
      const log = logs.get(runId);
      if (log === undefined || log.ended) return;
      log.ended = true;
      wakeAll(log);
      const timer = setTimeout(() => drop(runId), options.retentionMs);
      Deno.unrefTimer(timer as unknown as number);
      log.timer = timer;
      ended.add(runId);
      retained += log.events.length;
      for (const oldest of ended) {
        if (retained <= maxRetained) break;
        drop(oldest);
      }
    },
    subscribe(runId, after) {
      const log = logs.get(runId);
      const from = Math.max(0, Math.floor(after));
      return log === undefined || from < log.base ? undefined : reader(log, from - log.base);
    },
    baseOf(runId) {
      return logs.get(runId)?.base;
    },
    lastSequence(runId) {
      const log = logs.get(runId);
      return log === undefined ? undefined : log.base + log.events.length;
    },
    forget: drop,
    close() {
      for (const runId of [...logs.keys()]) drop(runId);
    },
  };
}

/**
 * Reads a log from index `start`. `return()` (a client going away) wakes a
 * pending read at once, so an idle run never pins a departed subscriber.
 */
function reader(log: RunLog, start: number): AsyncIterableIterator<RunEvent> {
  let index = start;
  let closed = false;
  let wakeMe: (() => void) | undefined;
  const done = (): IteratorResult<RunEvent> => ({ done: true, value: undefined });

  const iterator: AsyncIterableIterator<RunEvent> = {
    async next() {
      for (;;) {
        if (closed) return done();
        const event = log.events[index];
        if (event !== undefined) {
          index++;
          return { done: false, value: event };
        }
        if (log.ended) return done();
        await new Promise<void>((resolve) => {
          wakeMe = resolve;
          log.wake.add(resolve);
        });
        wakeMe = undefined;
      }
    },
    return() {
      closed = true;
      if (wakeMe) {
        log.wake.delete(wakeMe);
        wakeMe();
      }
      return Promise.resolve(done());
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
