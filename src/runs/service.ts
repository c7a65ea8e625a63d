/**
 * Runs: `sendMessage`, `resumeRun`, `cancelRun`, `run`, a thread's runs, and
 * their event streams. One active run per thread, enforced at admission by
 * the multitask strategy with LangGraph Server's semantics:
 * - REJECT: CONFLICT naming the active run;
 * - ENQUEUE: the new run waits for the active ones;
 * - INTERRUPT: the active runs are cancelled, keeping what they checkpointed;
 * - ROLLBACK: the active runs are cancelled and their checkpoints removed.
 *
 * Runs go through a queue in Postgres that every replica's worker claims
 * from (control.ts), and their events through a durable log that any
 * replica reads and follows live (event_log.ts), so a client may send,
 * follow and cancel a run through any replica.
 *
 * @example
 * ```ts
 * const run = await runs.sendMessage(viewer, { threadId, content: "Hello" });
 * for await (const event of await runs.events(viewer, run.id, 0)) console.log(event.type);
 * ```
 * @module
 */
import type { Sql } from "postgres";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import type { Config } from "../config.ts";
import type { Viewer } from "../auth/mod.ts";
import { ConflictError, NotFoundError } from "../core/errors.ts";
import type { Logger } from "../observability/logger.ts";
import type { Notifier } from "../db/notifier.ts";
import type { AgentRuntime } from "../agents/mod.ts";
import type { ThreadService } from "../threads/mod.ts";
import { type Connection, type ConnectionArgs, seqConnection } from "../core/pagination.ts";
import { isUuid } from "../core/ids.ts";
import { readState, threadNotFound } from "../threads/mod.ts";
import { createMemoryEventBus } from "./event_bus.ts";
import { createEventLog } from "./event_log.ts";
import { type RunEvent, TERMINAL_STATUSES } from "./events.ts";
import { checkContentLength } from "./inputs.ts";
import type { RunHooks } from "../core/run_hooks.ts";
import type { AgentMetrics } from "./metrics.ts";
import { createRunControl } from "./control.ts";
import { replayFromCheckpoints } from "./replay.ts";
import { createRunner } from "./runner.ts";
import { createRunStore, type MultitaskStrategy, type RunRecord } from "./store.ts";
import { createSubscribers, type StreamItem } from "./subscribers.ts";

/** `sendMessage`'s input, validated. */
export interface SendMessageInput {
  threadId: string;
  content: string;
  agentId?: string | null | undefined;
  multitaskStrategy?: MultitaskStrategy | null | undefined;
  requireApproval?: boolean | null | undefined;
}

/** What {@linkcode createRunService} needs. */
export interface RunServiceDeps {
  sql: Sql;
  /** A pool that commits without waiting for the disk, for the event log's batches. */
  asyncCommitSql?: Sql;
  config: Config;
  agents: AgentRuntime;
  threads: ThreadService;
  checkpointer: BaseCheckpointSaver;
  /** Carries events, cancellations and wake-ups between replicas. */
  notifier: Notifier;
  metrics: AgentMetrics;
  logger: Logger;
  /** True when this process alone uses the database (embedded Postgres). */
  soleInstance: boolean;
  /** Long-term memory's store and reflection, when enabled. */
  hooks?: RunHooks;
}

/** How long a finished run's events stay in this replica's memory; the log serves them after. */
const MEMORY_RETENTION_MS = 30_000;
/**
 * At most this many events of finished runs stay in memory (about 100 runs
 * of 200 tokens); older ones replay from the durable log. At 1000 streams,
 * 30 s of finished runs is over 300 000 events, tens of MiB of heap that
 * only a reconnect after the end would read.
 */
const MEMORY_RETAINED_EVENTS = 20_000;
/** How often each replica prunes the event log of runs past retention. */
const PRUNE_EVERY_MS = 60_000;

/**
 * `first`, then `rest`; returning early returns `rest` at once, so a client
 * leaving during the first part frees the live reader too.
 */
function prepend(first: RunEvent[], rest: AsyncIterableIterator<RunEvent>) {
  let index = 0;
  const iterator: AsyncIterableIterator<RunEvent> = {
    next() {
      const event = first[index++];
      return event === undefined ? rest.next() : Promise.resolve({ done: false, value: event });
    },
    async return() {
      return await (rest.return?.() ?? Promise.resolve({ done: true as const, value: undefined }));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** A name for this process's claims: host, pid and a random suffix. */
function workerName(): string {
  let host = "local";
  try {
    host = Deno.hostname();
  } catch {
    // Deno Deploy and restricted permissions have no hostname.
  }
  return `${host}-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Creates the run service. Call `start()` once and `close()` at shutdown. */
export function createRunService(deps: RunServiceDeps) {
  const { config } = deps;
  const limits = config.agents;
  const logger = deps.logger;
  const store = createRunStore(deps.sql, {
    leaseSeconds: limits.runLeaseSeconds,
    workerId: workerName(),
  });
  const log = createEventLog({
    sql: deps.sql,
    writeSql: deps.asyncCommitSql ?? deps.sql,
    notifier: deps.notifier,
    logger,
    metrics: deps.metrics,
  });
  const bus = createMemoryEventBus({
    retentionMs: Math.min(MEMORY_RETENTION_MS, limits.eventRetentionSeconds * 1000),
    maxRetainedEvents: MEMORY_RETAINED_EVENTS,
    sink: log.append,
  });
  const runner = createRunner({
    store,
    checkpointer: deps.checkpointer,
    bus,
    log,
    metrics: deps.metrics,
    logger,
    timeoutSeconds: limits.timeoutSeconds,
    ...(deps.hooks === undefined ? {} : { hooks: deps.hooks }),
  });
  const control = createRunControl({
    sql: deps.sql,
    store,
    runner,
    bus,
    log,
    notifier: deps.notifier,
    agents: deps.agents,
    metrics: deps.metrics,
    logger,
    maxConcurrent: limits.maxConcurrent,
    maxAttempts: limits.maxAttempts,
    leaseSeconds: limits.runLeaseSeconds,
    soleInstance: deps.soleInstance,
  });
  const subscribers = createSubscribers({
    lagLimit: config.graphql.subscriptionLagEvents,
    head: (runId) => bus.lastSequence(runId),
    onSlow: () => deps.metrics.slowSubscribers.inc({ limit: "lag_events" }),
  });
  let pruneTimer: ReturnType<typeof setInterval> | undefined;

  async function get(viewer: Viewer, id: string): Promise<RunRecord> {
    const run = isUuid(id) ? await store.find(viewer.id, id) : undefined;
    if (run === undefined) {
      throw new NotFoundError(
        `Run "${id}" was not found; check the id, or list a thread's runs with \`runs\`.`,
      );
    }
    return run;
  }

  async function sendMessage(viewer: Viewer, input: SendMessageInput): Promise<RunRecord> {
    checkContentLength(input.content, config.input.maxMessageChars);
    // Unknown agents are refused before anything is written.
    if (input.agentId) deps.agents.require(input.agentId);
    // The thread is read under its lock as the run is admitted: one round trip fewer.
    if (!isUuid(input.threadId)) throw threadNotFound(input.threadId);
    return await control.submit(viewer, {
      threadId: input.threadId,
      agentId: (threadAgentId) => deps.agents.require(input.agentId ?? threadAgentId).info.id,
      kind: "message",
      strategy: input.multitaskStrategy ?? "reject",
      input: {
        kind: "message",
        message: { id: crypto.randomUUID(), content: input.content },
        requireApproval: input.requireApproval ?? false,
      },
    });
  }

  async function resumeRun(viewer: Viewer, input: { threadId: string; resume: unknown }) {
    const thread = await deps.threads.get(viewer, input.threadId);
    const latest = await store.latestForThread(viewer.id, thread.id);
    const agent = deps.agents.find(latest?.agentId ?? thread.agentId) ??
      deps.agents.require(thread.agentId);
    const state = await readState(agent.graph, thread);
    if (state.interrupts.length === 0) {
      if (latest && !TERMINAL_STATUSES.has(latest.status)) {
        throw new ConflictError(
          `Thread "${thread.id}" is busy with run "${latest.id}" (${latest.status}); ` +
            "resume it once it is interrupted.",
          { runId: latest.id },
        );
      }
      throw new ConflictError(
        `Thread "${thread.id}" has no pending interrupt to resume; send a message instead.`,
      );
    }
    return await control.submit(viewer, {
      threadId: thread.id,
      agentId: agent.info.id,
      kind: "resume",
      strategy: "reject",
      input: { kind: "resume", resume: input.resume },
    });
  }

  async function cancelRun(
    viewer: Viewer,
    input: { runId: string; action?: "interrupt" | "rollback" | null | undefined },
  ): Promise<RunRecord> {
    const record = await get(viewer, input.runId);
    if (TERMINAL_STATUSES.has(record.status)) {
      throw new ConflictError(
        `Run "${record.id}" already ended (${record.status}); there is nothing to cancel.`,
        { runId: record.id, status: record.status },
      );
    }
    const action = input.action ?? "interrupt";
    await control.cancel(record, action, `Cancelled by the user (${action.toUpperCase()}).`);
    return await get(viewer, record.id);
  }

  async function events(
    viewer: Viewer,
    runId: string,
    after: number,
  ): Promise<AsyncIterable<StreamItem>> {
    const run = await get(viewer, runId);
    return subscribers.track(run.id, await subscribe(run, after), after);
  }

  /**
   * From memory while this replica executes the run (what an earlier
   * attempt or the queue logged before it comes from the log, once), else
   * from the durable log (any replica's run, live); once the log was
   * pruned, a replay from the checkpoints.
   */
  async function subscribe(run: RunRecord, after: number): Promise<AsyncIterable<RunEvent>> {
    const from = Math.max(0, Math.floor(after));
    const base = bus.baseOf(run.id);
    if (base !== undefined) {
      const live = bus.subscribe(run.id, Math.max(from, base));
      if (live !== undefined) {
        return from >= base ? live : prepend(await log.range(run, from, base), live);
      }
    }
    if (TERMINAL_STATUSES.has(run.status) && !(await log.has(run))) {
      const agent = deps.agents.find(run.agentId) ?? deps.agents.require(deps.agents.defaultId);
      return replayFromCheckpoints({ run, after: from, graph: agent.graph });
    }
    return log.read(run, from);
  }

  /** A thread's runs; `thread` is a row its viewer may see (it carries the owner). */
  async function listForThread(
    thread: { id: string; ownerId: string },
    args: ConnectionArgs,
  ): Promise<Connection<RunRecord>> {
    return await seqConnection(
      "run",
      args,
      (page) => store.listForThread(thread.ownerId, thread.id, page),
    );
  }

  /** Deletes the event logs of runs past RUN_EVENT_RETENTION_SECONDS; returns how many events. */
  function pruneEvents(): Promise<number> {
    return log.prune(limits.eventRetentionSeconds);
  }

  /** Starts this replica's worker and the event log's listener. */
  async function start(): Promise<void> {
    await log.start();
    await control.start();
    pruneTimer = setInterval(() => {
      pruneEvents().catch((error) => logger.warn("could not prune run events", { error }));
    }, PRUNE_EVERY_MS);
    Deno.unrefTimer(pruneTimer);
  }

  /**
   * Ends every open stream with UNAVAILABLE and the sequence to resume
   * after (the server is shutting down); resolves once each has handed its
   * closing error to its transport, or after `waitMs`. Returns how many.
   */
  function endStreams(retryAfterSeconds = 1, waitMs = 1000): Promise<number> {
    return subscribers.endAll(retryAfterSeconds, waitMs);
  }

  /** Hands the runs held here back to the queue, then writes what the log still holds. */
  async function close(graceMs = 5000): Promise<void> {
    clearInterval(pruneTimer);
    await control.close(graceMs);
    await log.close();
    // Streams still open (their runs were just handed back) learn where to resume.
    await subscribers.endAll(1, 0);
    subscribers.close();
    bus.close();
  }

  deps.threads.onDelete(async (thread) => {
    await control.stopThread(thread.id, thread.ownerId, "The thread was deleted.");
  });

  return {
    get,
    sendMessage,
    resumeRun,
    cancelRun,
    events,
    /** `sendMessage`, then the new run's events from the start. */
    async chat(viewer: Viewer, input: SendMessageInput): Promise<AsyncIterable<StreamItem>> {
      const run = await sendMessage(viewer, input);
      return subscribers.track(run.id, await subscribe(run, 0), 0);
    },
    endStreams,
    listForThread,
    /** The run's current place in the wait queue, or null when it is not waiting. */
    queuePosition: (run: RunRecord) => store.queuePosition(run),
    start,
    pruneEvents,
    close,
    /** Runs executing on this replica now, for tests and health. */
    get running(): number {
      return control.running;
    },
  };
}

/** The run service. */
export type RunService = ReturnType<typeof createRunService>;
