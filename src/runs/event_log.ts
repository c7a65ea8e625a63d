/**
 * The durable per-run event log (`run_events`) and its live fan-out to every
 * replica.
 *
 * The replica executing a run numbers its events and hands each to
 * {@linkcode EventLog.append}; its own subscribers read them from memory
 * (event_bus.ts), with no network round trip per token. The log writes what
 * was appended in batches: the first event after a quiet spell at once, then
 * at most one statement every `flushMs` (10 ms) for all runs together. One
 * statement inserts the batch and sends, per run, one `NOTIFY` carrying the
 * run's new events (or, past Postgres' 8000-byte payload limit, a pointer to
 * read them). A notification is sent at commit, so whatever a listener hears
 * of is already durable.
 *
 * {@linkcode EventLog.read} serves any run on any replica: it registers for
 * the run's notifications first, then reads the table after `after`, then
 * follows the notifications, reading the table again whenever a batch does
 * not follow on (a gap, a pointer, a reconnection, or a quiet spell of
 * `checkMs`), so a subscriber gets every event exactly once, in order.
 *
 * @module
 */
import type { Sql } from "postgres";
import { MAX_NOTIFY_BYTES, type Notifier } from "../db/notifier.ts";
import type { Queryable } from "../db/sql.ts";
import type { Logger } from "../observability/logger.ts";
import type { AgentMetrics } from "./metrics.ts";
import { eventId, type RunEvent, type RunStatus, TERMINAL_STATUSES } from "./events.ts";

/** The channel run events travel on between replicas. */
export const RUN_EVENTS_CHANNEL = "graphmind_run_events";

/** What {@linkcode createEventLog} needs. */
export interface EventLogDeps {
  sql: Sql;
  /**
   * Where batches are written: a pool with `synchronous_commit = off`, so a
   * batch never waits for the disk. A Postgres crash may lose the last
   * fraction of a second of events; a run's end is recorded on the main pool.
   */
  writeSql?: Sql;
  notifier: Notifier;
  logger: Logger;
  metrics: Pick<AgentMetrics, "eventLogWrites" | "eventsLogged" | "eventNotifications">;
  /** The shortest time between two writes; default 10 ms. */
  flushMs?: number;
  /** How long a reader waits in silence before it checks the table; default 2 s. */
  checkMs?: number;
}

interface Pending {
  runId: string;
  sequence: number;
  json: string;
}

/** A run and its owner, which every read names. */
export interface RunKey {
  id: string;
  ownerId: string;
}

interface Reader {
  bodies: string[];
  /** Set when notifications may have been missed: read the table. */
  stale: boolean;
  wake: (() => void) | undefined;
}

/**
 * Joins a batch's events (and notifications) into one parameter: JSON
 * escapes every control character, so U+001E (`chr(30)`) never occurs inside one.
 */
const SEPARATOR = "\x1e";

/** Readers buffer at most this many notifications before re-reading the table instead. */
const MAX_BUFFERED = 1000;

/** Whether an event ends its run's stream. */
export function isTerminal(event: RunEvent): boolean {
  return event.type === "status" && TERMINAL_STATUSES.has(event.status);
}

/** The event a serialised log row holds. */
function decode(json: string): RunEvent {
  const event = JSON.parse(json);
  event.at = new Date(event.at);
  return event as RunEvent;
}

/** Creates the log; call `start()` before reading and `close()` at shutdown. */
export function createEventLog(deps: EventLogDeps) {
  const { sql, notifier, logger } = deps;
  const flushMs = deps.flushMs ?? 10;
  const checkMs = deps.checkMs ?? 2000;
  const readers = new Map<string, Set<Reader>>();
  let pending: Pending[] = [];
  let appended = 0;
  let written = 0;
  const flushed: { mark: number; resolve: () => void }[] = [];
  let writing = false;
  let scheduled = false;
  let lastWrite = -Infinity;
  let failures = 0;
  let unlisten: (() => Promise<void>) | undefined;

  /** The notifications for one batch: per run, its events, split to fit a payload. */
  function payloads(batch: Pending[]): string[] {
    const byRun = new Map<string, Pending[]>();
    for (const item of batch) {
      const list = byRun.get(item.runId) ?? [];
      list.push(item);
      byRun.set(item.runId, list);
    }
    const out: string[] = [];
    for (const [runId, items] of byRun) {
      let part: string[] = [];
      let bytes = runId.length + 3;
      const emit = () => {
        if (part.length > 0) out.push(`${runId}\n[${part.join(",")}]`);
        part = [];
        bytes = runId.length + 3;
      };
      for (const item of items) {
        // JSON escapes control characters; other characters take up to 3 bytes in UTF-8.
        const size = item.json.length * 3 + 1;
        if (size + runId.length + 3 > MAX_NOTIFY_BYTES) {
          emit();
          out.push(`${runId}\n#`);
          continue;
        }
        if (bytes + size > MAX_NOTIFY_BYTES) emit();
        part.push(item.json);
        bytes += size;
      }
      emit();
    }
    return out;
  }

  /**
   * The batch as rows, each with its run's owner (one primary-key lookup per
   * row). The events travel as one text parameter, joined by
   * {@linkcode SEPARATOR}: as a `text[]` parameter, postgres.js would escape
   * every quote of every event's JSON, per token.
   */
  function fromBatch(client: Sql, runIds: string[], sequences: number[], events: string) {
    return client`
      SELECT b.run_id, b.sequence, runs.owner_id, b.event
      FROM unnest(${runIds}::uuid[], ${sequences}::int[], string_to_array(${events}, chr(30)))
        AS b (run_id, sequence, event)
      JOIN runs ON runs.id = b.run_id`;
  }

  const writeSql = deps.writeSql ?? sql;

  async function write(batch: Pending[]): Promise<void> {
    const runIds = batch.map((item) => item.runId);
    const sequences = batch.map((item) => item.sequence);
    const events = batch.map((item) => item.json).join(SEPARATOR);
    const notes = payloads(batch);
    if (notifier.shared) {
      await writeSql`
        WITH written AS (
          INSERT INTO run_events (run_id, sequence, owner_id, event)
          ${fromBatch(writeSql, runIds, sequences, events)}
          ON CONFLICT DO NOTHING
        )
        SELECT count(pg_notify(${RUN_EVENTS_CHANNEL}, note))
        FROM unnest(string_to_array(${notes.join(SEPARATOR)}, chr(30))) note`;
    } else {
      await sql`
        INSERT INTO run_events (run_id, sequence, owner_id, event)
        ${fromBatch(sql, runIds, sequences, events)}
        ON CONFLICT DO NOTHING`;
      for (const note of notes) notifier.deliver(RUN_EVENTS_CHANNEL, note);
    }
    deps.metrics.eventLogWrites.inc();
    deps.metrics.eventsLogged.inc(batch.length);
    deps.metrics.eventNotifications.inc(notes.length);
  }

  function schedule(): void {
    if (writing || scheduled || pending.length === 0) return;
    scheduled = true;
    const wait = lastWrite + flushMs * (failures === 0 ? 1 : Math.min(100, 2 ** failures)) -
      performance.now();
    if (wait <= 0) queueMicrotask(drain);
    else Deno.unrefTimer(setTimeout(drain, wait));
  }

  async function drain(): Promise<void> {
    scheduled = false;
    if (writing || pending.length === 0) return;
    writing = true;
    const batch = pending;
    pending = [];
    lastWrite = performance.now();
    try {
      await write(batch);
      failures = 0;
      written += batch.length;
      while (flushed.length > 0 && (flushed[0] as { mark: number }).mark <= written) {
        flushed.shift()?.resolve();
      }
    } catch (error) {
      // The database is down or restarting: keep the batch and try again later.
      if (failures++ === 0) logger.warn("could not write run events; retrying", { error });
      pending = batch.concat(pending);
    } finally {
      writing = false;
      schedule();
    }
  }

  function dispatch(payload: string): void {
    const split = payload.indexOf("\n");
    const listeners = readers.get(payload.slice(0, split));
    if (listeners === undefined) return;
    const body = payload.slice(split + 1);
    for (const reader of listeners) {
      if (reader.bodies.length >= MAX_BUFFERED) {
        reader.bodies = [];
        reader.stale = true;
      } else reader.bodies.push(body);
      reader.wake?.();
    }
  }

  function markAllStale(): void {
    for (const set of readers.values()) {
      for (const reader of set) {
        reader.stale = true;
        reader.wake?.();
      }
    }
  }

  async function readTable(run: RunKey, after: number): Promise<RunEvent[]> {
    const rows = await sql<{ event: string }[]>`
      SELECT event FROM run_events
      WHERE run_id = ${run.id} AND owner_id = ${run.ownerId} AND sequence > ${after}
      ORDER BY sequence LIMIT 2000`;
    return rows.map((row) => decode(row.event));
  }

  async function runEnded(run: RunKey): Promise<{ ended: boolean; lastSequence: number }> {
    const [row] = await sql<{ status: RunStatus; lastSequence: number }[]>`
      SELECT status, last_sequence AS "lastSequence" FROM runs
      WHERE id = ${run.id} AND owner_id = ${run.ownerId}`;
    return {
      ended: row === undefined || TERMINAL_STATUSES.has(row.status),
      lastSequence: row?.lastSequence ?? 0,
    };
  }

  /** The run's events after `after`, then live ones, until its terminal status event. */
  function read(run: RunKey, after: number): AsyncIterableIterator<RunEvent> {
    const runId = run.id;
    const reader: Reader = { bodies: [], stale: true, wake: undefined };
    const set = readers.get(runId) ?? new Set();
    set.add(reader);
    readers.set(runId, set);
    let closed = false;
    const unregister = () => {
      set.delete(reader);
      if (set.size === 0 && readers.get(runId) === set) readers.delete(runId);
    };

    async function* events(): AsyncGenerator<RunEvent> {
      let last = Math.max(0, Math.floor(after));
      // Yields what follows `last` in order; true once the run's end was yielded.
      function* take(batch: RunEvent[]): Generator<RunEvent, boolean> {
        for (const event of batch) {
          if (event.sequence <= last) continue;
          if (event.sequence !== last + 1) {
            reader.stale = true;
            return false;
          }
          last = event.sequence;
          yield event;
          if (isTerminal(event)) return true;
        }
        return false;
      }
      while (!closed) {
        if (reader.stale) {
          reader.stale = false;
          reader.bodies = [];
          const rows = await readTable(run, last);
          if (yield* take(rows)) return;
          if (rows.length === 2000) reader.stale = true;
          continue;
        }
        const body = reader.bodies.shift();
        if (body !== undefined) {
          if (body === "#") reader.stale = true;
          else if (yield* take((JSON.parse(body) as RunEvent[]).map(revive))) return;
          continue;
        }
        const woken = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), checkMs);
          reader.wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        reader.wake = undefined;
        if (woken || closed) continue;
        // A quiet spell: the run may have ended without a final event reaching
        // us (its holder died after the last attempt), or notifications were lost.
        const state = await runEnded(run);
        const rows = await readTable(run, last);
        if (yield* take(rows)) return;
        if (state.ended && rows.length === 0 && last >= state.lastSequence) return;
      }
    }

    const inner = events();
    const iterator: AsyncIterableIterator<RunEvent> = {
      async next() {
        const result = await inner.next();
        if (result.done) unregister();
        return result;
      },
      async return() {
        // Wakes a pending wait at once, so a departed client frees its reader.
        closed = true;
        unregister();
        reader.wake?.();
        return await inner.return(undefined);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  return {
    /** Starts listening for other replicas' events. */
    async start(): Promise<void> {
      unlisten = await notifier.listen(RUN_EVENTS_CHANNEL, dispatch, markAllStale);
    },

    /** Queues a held run's event for the next write. */
    append(event: RunEvent): void {
      pending.push({ runId: event.runId, sequence: event.sequence, json: JSON.stringify(event) });
      appended++;
      schedule();
    },

    /** Resolves once every event appended so far is written. */
    flush(): Promise<void> {
      if (written >= appended) return Promise.resolve();
      const mark = appended;
      return new Promise((resolve) => flushed.push({ mark, resolve }));
    },

    /**
     * Writes a status event for a run no worker holds (queued, cancelled
     * while waiting, or failed after its holder died), numbered after the
     * log's last, and records it as the run's last sequence.
     */
    async appendStatus(
      tx: Queryable,
      runId: string,
      payload: { status: RunStatus; error: string | null; queuePosition?: number | null },
      /** The run was created in `tx`, so its log is empty: no read of its last sequence. */
      options: { first?: boolean } = {},
    ): Promise<RunEvent> {
      const [row] = options.first ? [{ last: 0 }] : await tx<{ last: number }[]>`
        SELECT COALESCE(max(sequence), 0)::int AS last FROM run_events WHERE run_id = ${runId}`;
      const sequence = (row?.last ?? 0) + 1;
      const event = {
        type: "status" as const,
        ...payload,
        queuePosition: payload.queuePosition ?? null,
        id: eventId(runId, sequence),
        runId,
        sequence,
        at: new Date(),
      };
      const json = JSON.stringify(event);
      const note = `${runId}\n[${json}]`;
      // One statement, as the queued event is on a run's path to its first
      // token. The notification goes at commit (of the caller's transaction,
      // or of this statement), after the event and the run's last sequence.
      const terminal = TERMINAL_STATUSES.has(payload.status);
      await tx`
        WITH written AS (
          INSERT INTO run_events (run_id, sequence, owner_id, event)
          SELECT id, ${sequence}, owner_id, ${json} FROM runs WHERE id = ${runId}
          ON CONFLICT DO NOTHING
        ), ended AS (
          UPDATE runs SET last_sequence = ${sequence} WHERE id = ${runId} AND ${terminal}::boolean
        )
        SELECT CASE WHEN ${notifier.shared}::boolean
          THEN pg_notify(${RUN_EVENTS_CHANNEL}, ${note}) END`;
      if (!notifier.shared) queueMicrotask(() => notifier.deliver(RUN_EVENTS_CHANNEL, note));
      deps.metrics.eventLogWrites.inc();
      deps.metrics.eventsLogged.inc();
      deps.metrics.eventNotifications.inc();
      return event;
    },

    read,

    /** The run's logged events after `after` up to `until`, once (no live part). */
    async range(run: RunKey, after: number, until: number): Promise<RunEvent[]> {
      const rows = await sql<{ event: string }[]>`
        SELECT event FROM run_events
        WHERE run_id = ${run.id} AND owner_id = ${run.ownerId}
          AND sequence > ${after} AND sequence <= ${until}
        ORDER BY sequence`;
      return rows.map((row) => decode(row.event));
    },

    /** Whether the run's log still holds events (it is pruned after retention). */
    async has(run: RunKey): Promise<boolean> {
      const [row] = await sql`
        SELECT 1 FROM run_events WHERE run_id = ${run.id} AND owner_id = ${run.ownerId} LIMIT 1`;
      return row !== undefined;
    },

    /** Deletes the logs of runs that ended more than `retentionSeconds` ago; returns the count. */
    async prune(retentionSeconds: number): Promise<number> {
      const result = await sql`
        DELETE FROM run_events WHERE run_id IN (
          SELECT id FROM runs
          WHERE ended_at < now() - make_interval(secs => ${retentionSeconds})
            AND EXISTS (SELECT 1 FROM run_events e WHERE e.run_id = runs.id)
          LIMIT 500)`;
      return result.count;
    },

    /** Stops listening; what is still queued is written first (bounded by `graceMs`). */
    async close(graceMs = 2000): Promise<void> {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.flush(),
        new Promise((resolve) => timer = setTimeout(resolve, graceMs)),
      ]);
      clearTimeout(timer);
      markAllStale();
      await unlisten?.();
    },
  };
}

/** An event from a notification: dates travel as strings. */
function revive(event: RunEvent): RunEvent {
  event.at = new Date(event.at as unknown as string);
  return event;
}

/** The durable event log. */
export type EventLog = ReturnType<typeof createEventLog>;
