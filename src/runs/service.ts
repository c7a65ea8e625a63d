/**
 * Runs: `sendMessage`, `resumeRun`, `cancelRun`, `run`, a thread's runs, and
 * their event streams. One active run per thread, enforced at admission by
 * the multitask strategy with LangGraph Server's semantics:
 * - REJECT: CONFLICT naming the active run;
 * - ENQUEUE: the new run waits for the active ones;
 * - INTERRUPT: the active runs are cancelled, keeping what they checkpointed;
 * - ROLLBACK: the active runs are cancelled and their checkpoints removed.
 *
 * @example
 * ```ts
 * const run = await runs.sendMessage(viewer, { threadId, content: "Hello" });
 * for await (const event of await runs.events(viewer, run.id, 0)) console.log(event.type);
 * ```
 * @module
 */
import { HumanMessage } from "@langchain/core/messages";
import { type BaseCheckpointSaver, Command } from "@langchain/langgraph";
import type { Config } from "../config.ts";
import type { Viewer } from "../auth/mod.ts";
import { ConflictError, NotFoundError } from "../core/errors.ts";
import type { Logger } from "../observability/logger.ts";
import type { AgentRuntime } from "../agents/mod.ts";
import type { ThreadService } from "../threads/mod.ts";
import { type Connection, type ConnectionArgs, seqConnection } from "../core/pagination.ts";
import { isUuid } from "../core/ids.ts";
import { toMessageView } from "../threads/mod.ts";
import { readState } from "../threads/mod.ts";
import type { EventBus } from "./event_bus.ts";
import { type RunEvent, TERMINAL_STATUSES } from "./events.ts";
import { checkContentLength } from "./inputs.ts";
import type { RunHooks } from "../core/run_hooks.ts";
import type { AgentMetrics } from "./metrics.ts";
import { admission } from "./admission.ts";
import { createRunControl } from "./control.ts";
import { startLeases } from "./leases.ts";
import { replayFromCheckpoints } from "./replay.ts";
import { createRunner } from "./runner.ts";
import { createScheduler } from "./scheduler.ts";
import { createRunStore, type MultitaskStrategy, type RunRecord } from "./store.ts";
import type { Sql } from "postgres";

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
  config: Config;
  agents: AgentRuntime;
  threads: ThreadService;
  checkpointer: BaseCheckpointSaver;
  bus: EventBus;
  metrics: AgentMetrics;
  logger: Logger;
  /** True when this process alone uses the database (embedded Postgres). */
  soleInstance: boolean;
  /** Long-term memory's store and reflection, when enabled. */
  hooks?: RunHooks;
}

/** Creates the run service. Call `recover()` once at start and `close()` at shutdown. */
export function createRunService(deps: RunServiceDeps) {
  const { config, bus } = deps;
  const limits = config.agents;
  const store = createRunStore(deps.sql, limits.runLeaseSeconds);
  const scheduler = createScheduler(limits.maxConcurrent);
  const runner = createRunner({
    store,
    threads: deps.threads.store,
    checkpointer: deps.checkpointer,
    bus,
    metrics: deps.metrics,
    logger: deps.logger,
    timeoutSeconds: limits.timeoutSeconds,
    hasSuccessor: (threadId) => scheduler.queued(threadId) > 1,
    ...(deps.hooks === undefined ? {} : { hooks: deps.hooks }),
  });
  const control = createRunControl({
    store,
    scheduler,
    runner,
    bus,
    maxConcurrent: limits.maxConcurrent,
  });
  const { submit, stop } = control;
  let stopLeases = () => {};

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
    const thread = await deps.threads.get(viewer, input.threadId);
    const agent = deps.agents.require(input.agentId ?? thread.agentId);
    const human = new HumanMessage({ id: crypto.randomUUID(), content: input.content });
    return await submit(
      viewer,
      {
        threadId: thread.id,
        agent,
        kind: "message",
        strategy: input.multitaskStrategy ?? "reject",
      },
      { messages: [human], requireApproval: input.requireApproval ?? false },
      toMessageView(human),
    );
  }

  async function resumeRun(viewer: Viewer, input: { threadId: string; resume: unknown }) {
    const thread = await deps.threads.get(viewer, input.threadId);
    const latest = await store.latestForThread(viewer.id, thread.id);
    const agent = deps.agents.find(latest?.agentId ?? thread.agentId) ??
      deps.agents.require(thread.agentId);
    const state = await readState(agent.graph, thread);
    if (state.interrupts.length === 0) {
      if (latest && !TERMINAL_STATUSES.has(latest.status)) {
        admission(thread.id, "reject", control.isHeld)([latest]);
      }
      throw new ConflictError(
        `Thread "${thread.id}" has no pending interrupt to resume; send a message instead.`,
      );
    }
    return await submit(
      viewer,
      { threadId: thread.id, agent, kind: "resume", strategy: "reject" },
      new Command({ resume: input.resume }),
      undefined,
    );
  }

  async function cancelRun(
    viewer: Viewer,
    input: { runId: string; action?: "interrupt" | "rollback" | null | undefined },
  ): Promise<RunRecord> {
    const record = await get(viewer, input.runId);
    // A run whose row is terminal is only finishing its bookkeeping here.
    const run = TERMINAL_STATUSES.has(record.status) ? undefined : control.get(record.id);
    if (run === undefined) {
      throw new ConflictError(
        TERMINAL_STATUSES.has(record.status)
          ? `Run "${record.id}" already ended (${record.status}); there is nothing to cancel.`
          : `Run "${record.id}" is executing on another instance; cancel it there.`,
        { runId: record.id, status: record.status },
      );
    }
    const action = input.action ?? "interrupt";
    await stop(run, {
      kind: "cancel",
      action,
      reason: `Cancelled by the user (${action.toUpperCase()}).`,
    });
    return await get(viewer, record.id);
  }

  async function events(
    viewer: Viewer,
    runId: string,
    after: number,
  ): Promise<AsyncIterable<RunEvent>> {
    return subscribe(viewer, await get(viewer, runId), after);
  }

  /** Live events while the log is held here, else a replay from the checkpoints. */
  function subscribe(viewer: Viewer, run: RunRecord, after: number): AsyncIterable<RunEvent> {
    const live = bus.subscribe(run.id, after);
    if (live !== undefined) return live;
    const agent = deps.agents.find(run.agentId) ?? deps.agents.require(deps.agents.defaultId);
    return replayFromCheckpoints({
      run,
      after,
      graph: agent.graph,
      reload: () => store.find(viewer.id, run.id),
    });
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

  /** Fails runs a dead process left active, then keeps this process's leases fresh. */
  async function recover(): Promise<void> {
    stopLeases = await startLeases({
      store,
      logger: deps.logger,
      leaseSeconds: limits.runLeaseSeconds,
      soleInstance: deps.soleInstance,
      held: control.held,
    });
  }

  /** Stops every run this process holds, recording each as ended by a shutdown. */
  async function close(graceMs = 5000): Promise<void> {
    stopLeases();
    const stopping = control.all().map((run) => stop(run, { kind: "shutdown" }));
    let timeout: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(stopping),
      new Promise((resolve) => timeout = setTimeout(resolve, graceMs)),
    ]);
    clearTimeout(timeout);
    bus.close();
  }

  deps.threads.onDelete(async (thread) => {
    const runs = control.onThread(thread.id);
    await Promise.all(
      runs.map((run) =>
        stop(run, { kind: "cancel", action: "interrupt", reason: "The thread was deleted." })
      ),
    );
    for (const id of await store.idsForThread(thread.ownerId, thread.id)) bus.forget(id);
  });

  return {
    get,
    sendMessage,
    resumeRun,
    cancelRun,
    events,
    /** `sendMessage`, then the new run's events from the start. */
    async chat(viewer: Viewer, input: SendMessageInput): Promise<AsyncIterable<RunEvent>> {
      return subscribe(viewer, await sendMessage(viewer, input), 0);
    },
    listForThread,
    recover,
    close,
    /** Runs executing now, for tests and health. */
    get running(): number {
      return scheduler.running;
    },
  };
}

/** The run service. */
export type RunService = ReturnType<typeof createRunService>;
