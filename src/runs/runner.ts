/**
 * One claimed run's execution: the start (rollback point, status event,
 * `agent_start`), the graph under a timeout and an AbortController, and the
 * end (row and thread status in one statement, status event, metrics,
 * `agent_response` or `agent_error`). Cancellation aborts the controller,
 * whose signal reaches the model call; ROLLBACK then removes the run's
 * checkpoints. A later attempt (the previous holder died) resumes from the
 * run's last checkpoint instead of sending its input again.
 *
 * @module
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { BaseCheckpointSaver, Command } from "@langchain/langgraph";
import type { AgentGraph, AgentStateUpdate } from "../agents/mod.ts";
import { isConnectionFailure } from "../core/connection_failure.ts";
import type { Logger } from "../observability/logger.ts";
import {
  type MessageView,
  readState,
  type RollbackPoint,
  rollbackPoint,
  rollbackTo,
  threadConfig,
  type ThreadKey,
  type ThreadStatus,
} from "../threads/mod.ts";
import type { EventBus } from "./event_bus.ts";
import type { EventLog } from "./event_log.ts";
import type { RunStatus } from "./events.ts";
import { executeGraph } from "./executor.ts";
import type { RunHooks } from "../core/run_hooks.ts";
import type { AgentMetrics } from "./metrics.ts";
import type { ClaimedRun, RunStore } from "./store.ts";

/** How long a run's end is retried while the database is unreachable. */
const END_RETRY_MS = 30_000;

/** Why a run is being stopped. */
export type StopReason =
  | { kind: "cancel"; action: "interrupt" | "rollback"; reason: string }
  | { kind: "timeout" }
  | { kind: "shutdown" }
  | { kind: "fail"; reason: string };

/** A run this process holds. */
export interface ActiveRun {
  record: ClaimedRun;
  graph: AgentGraph;
  /** What the graph is invoked with; null resumes from the last checkpoint. */
  input: AgentStateUpdate | Command | null;
  /** The user's message, published as a MessageEvent on the first attempt. */
  message: MessageView | undefined;
  controller: AbortController;
  stop: StopReason | undefined;
  /** Resolves once the run's end is recorded, published and written to the log. */
  finished: Promise<void>;
  resolveFinished(): void;
}

/** What the runner needs. */
export interface RunnerDeps {
  store: RunStore;
  checkpointer: BaseCheckpointSaver;
  bus: EventBus;
  log: EventLog;
  metrics: AgentMetrics;
  logger: Logger;
  timeoutSeconds: number;
  /** Long-term memory and other plug-ins; none by default. */
  hooks?: RunHooks;
}

/** Creates the runner. */
export function createRunner(deps: RunnerDeps) {
  const { bus, metrics } = deps;

  function logOf(active: ActiveRun): Logger {
    return deps.logger.child({
      run_id: active.record.id,
      thread_id: active.record.threadId,
      agent_type: active.record.agentId,
      user_id: active.record.ownerId,
    });
  }

  /**
   * The thread's status after a run that threw (cancelled or failed): read
   * from its state, since a cancelled run may have stopped at an interrupt.
   */
  async function threadStatusAfter(active: ActiveRun, status: RunStatus): Promise<ThreadStatus> {
    if (status === "error") return "error";
    if (status === "interrupted") return "interrupted";
    const state = await readState(active.graph, threadOf(active.record));
    return state.interrupts.length > 0 ? "interrupted" : "idle";
  }

  /**
   * Records the end and publishes it; true when a run waits next on the
   * thread. `threadStatus` is given when the caller already read the final
   * state (a graph that completed), which saves a second read before the
   * last event.
   */
  async function finish(
    active: ActiveRun,
    status: RunStatus,
    error: string | null,
    checkpointId: string | null,
    threadStatus?: ThreadStatus,
  ): Promise<boolean> {
    const { record } = active;
    // The status event's sequence is known in advance: nothing else publishes now.
    const lastSequence = (bus.lastSequence(record.id) ?? record.loggedSequence) + 1;
    let successor = false;
    // Unknown until the row says so: an end that could not be written is not
    // published, so no stream or log shows an end the run's row does not have.
    let recorded = false;
    try {
      // The state read comes first, so the thread's status follows the run's row at once.
      const finalThreadStatus = threadStatus ??
        await recordEnd(() => threadStatusAfter(active, status));
      const ended = await recordEnd(() =>
        deps.store.finish(record.ownerId, record.id, {
          status,
          error,
          checkpointId,
          lastSequence,
          threadStatus: finalThreadStatus,
        })
      );
      successor = ended.successor;
      recorded = ended.recorded;
      if (!recorded) logOf(active).warn("a run's lease passed to another worker before it ended");
    } finally {
      // A run another worker took over ends there; its subscribers here follow the log.
      if (recorded) bus.publish(record.id, { type: "status", status, error });
      bus.end(record.id);
      metrics.requestsTotal.inc({ agent_type: record.agentId, status });
      await deps.log.flush();
      active.resolveFinished();
    }
    return successor;
  }

  /**
   * Writes a run's end, waiting out a database outage (Postgres restarting)
   * for up to {@linkcode END_RETRY_MS}. A run that still cannot record its
   * end stays `running` under a lease that lapses, and is claimed again.
   */
  async function recordEnd<T>(write: () => Promise<T>): Promise<T> {
    const deadline = performance.now() + END_RETRY_MS;
    for (let wait = 100;; wait = Math.min(wait * 2, 2000)) {
      try {
        return await write();
      } catch (error) {
        if (!isConnectionFailure(error) || performance.now() + wait > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** Where a run starts: the head before its first attempt (kept in the row for later ones). */
  async function startingPoint(active: ActiveRun): Promise<RollbackPoint> {
    const thread = threadOf(active.record);
    if (!startedBefore(active.record)) {
      // The graph reads the same head next: handed over, it is read once.
      return await rollbackPoint(deps.checkpointer, thread, { handOver: true });
    }
    const id = active.record.preCheckpointId ?? undefined;
    const tuple = id === undefined ? undefined : await deps.checkpointer.getTuple(
      threadConfig(thread, { checkpointNs: "", checkpointId: id }),
    );
    const point = { checkpointId: id, writes: tuple?.pendingWrites ?? [] };
    // Resume from the last checkpoint when the run got past its input.
    const head = await rollbackPoint(deps.checkpointer, thread);
    if (head.checkpointId !== point.checkpointId) active.input = null;
    return point;
  }

  /** Runs a claimed run to its end. Never throws: every outcome is recorded. */
  async function execute(active: ActiveRun): Promise<void> {
    const { record } = active;
    const log = logOf(active);
    const agentType = { agent_type: record.agentId };
    const startedAt = performance.now();
    let point: RollbackPoint = { checkpointId: undefined, writes: [] };
    let marking: Promise<void> = Promise.resolve();
    let tokens = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Bound once per run: a per-token `inc(labels)` hashes the labels every time.
    const tokensStreamed = metrics.tokensStreamed.labels(agentType);
    metrics.activeAgents.inc(agentType);
    // Uncounted before the end is recorded, so a reader who sees it ended sees the gauge down.
    let counted = true;
    const uncount = () => {
      if (counted) metrics.activeAgents.dec(agentType);
      counted = false;
    };
    try {
      // Independent reads (a reflection's end; the thread's head), so one round trip, not two.
      [, point] = await Promise.all([
        deps.hooks?.beforeRun?.(record.threadId),
        startingPoint(active),
      ]);
      // Recording the start must not delay the first token; the end waits for it.
      marking = deps.store.markStarted(record.ownerId, record.id, point.checkpointId ?? null)
        .catch((error) => log.warn("could not record the start of a run", { error }));
      bus.publish(record.id, { type: "status", status: "running", error: null });
      if (active.message && !startedBefore(record)) {
        bus.publish(record.id, { type: "message", message: active.message, node: null });
      }
      log.info("agent_start", { event: "agent_start", attempt: record.attempts });
      timer = setTimeout(() => {
        active.stop ??= { kind: "timeout" };
        active.controller.abort(new DOMException("The run timed out.", "TimeoutError"));
      }, deps.timeoutSeconds * 1000);
      active.controller.signal.throwIfAborted();
      const outcome = await executeGraph({
        runId: record.id,
        threadId: record.threadId,
        userId: record.ownerId,
        permissions: record.permissions ?? undefined,
        graph: active.graph,
        input: active.input,
        signal: active.controller.signal,
        store: deps.hooks?.storeFor?.(record.ownerId),
        bus,
        onToken() {
          if (tokens++ === 0) {
            metrics.timeToFirstToken.observe(agentType, (performance.now() - startedAt) / 1000);
          }
          tokensStreamed.inc();
        },
      });
      clearTimeout(timer);
      const seconds = (performance.now() - startedAt) / 1000;
      log.info("agent_response", {
        event: "agent_response",
        response_time: seconds,
        token_count: tokens,
        status: outcome.status,
      });
      metrics.responseTime.observe(agentType, seconds);
      await marking;
      uncount();
      // executeGraph saw the final checkpoint: interrupted exactly when the graph raised one.
      const threadStatus = outcome.status === "interrupted" ? "interrupted" : "idle";
      const successor = await finish(
        active,
        outcome.status,
        null,
        outcome.checkpointId,
        threadStatus,
      );
      // A queued successor's own end reflects on the whole thread instead.
      if (outcome.status === "success" && !successor) afterSuccess(active, outcome.messages, log);
    } catch (error) {
      clearTimeout(timer);
      await marking;
      if (active.stop?.kind === "shutdown") {
        // Handed back: another replica (or this one, restarted) resumes it.
        await deps.store.release(record.id).catch((e) =>
          log.warn("could not hand a run back to the queue", { error: e })
        );
        log.info("agent_released", { event: "agent_released", token_count: tokens });
        active.resolveFinished();
        return;
      }
      const seconds = (performance.now() - startedAt) / 1000;
      metrics.responseTime.observe(agentType, seconds);
      const [status, message] = describeFailure(active.stop, error, deps.timeoutSeconds);
      if (active.stop?.kind === "cancel" && active.stop.action === "rollback") {
        await rollbackSettled(deps.checkpointer, threadOf(record), point).catch((e) =>
          log.error("rollback failed", { error: e })
        );
      }
      const fields = { response_time: seconds, token_count: tokens, status, reason: message };
      if (status === "error") log.error("agent_error", { event: "agent_error", ...fields, error });
      else log.info("agent_response", { event: "agent_response", ...fields });
      const head = await recordEnd(() =>
        deps.checkpointer.getTuple(threadConfig(threadOf(record), { checkpointNs: "" }))
      ).catch(() => undefined);
      uncount();
      await finish(active, status, message, head?.checkpoint.id ?? null).catch((e) =>
        log.error("could not record the end of a run", { error: e })
      );
    } finally {
      uncount();
    }
  }

  function afterSuccess(active: ActiveRun, messages: BaseMessage[], log: Logger): void {
    const { record } = active;
    try {
      deps.hooks?.afterSuccess?.({
        runId: record.id,
        threadId: record.threadId,
        userId: record.ownerId,
        agentId: record.agentId,
        messages,
      });
    } catch (error) {
      log.warn("a run's afterSuccess hook failed", { error });
    }
  }

  return { execute };
}

/**
 * Rolls the thread back to `point` and checks it stays there: an aborted
 * graph may still finish a checkpoint write it had started, which would
 * otherwise land after the rollback and bring the run's input back.
 */
async function rollbackSettled(
  saver: BaseCheckpointSaver,
  thread: ThreadKey,
  point: RollbackPoint,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await rollbackTo(saver, thread, point);
    await new Promise((resolve) => setTimeout(resolve, 100));
    if ((await rollbackPoint(saver, thread)).checkpointId === point.checkpointId) return;
  }
  throw new Error("the thread kept receiving checkpoints after the run stopped");
}

/**
 * Whether an earlier claim already started the run: a replica that died
 * (counted in `attempts`), or one that shut down and handed the run back
 * (not counted, so RUN_MAX_ATTEMPTS counts failures only). A run that never
 * started has logged its queue entry (PENDING) at most; one that started
 * logged more (RUNNING, its input), so its input is neither sent to the
 * graph nor published again.
 */
function startedBefore(record: { attempts: number; loggedSequence: number }): boolean {
  return record.attempts > 1 || record.loggedSequence > 1;
}

/** The run's thread as the checkpointer keys it: the run's owner owns its thread. */
function threadOf(record: { threadId: string; ownerId: string }): ThreadKey {
  return { id: record.threadId, ownerId: record.ownerId };
}

/** The status and client-facing reason of a run that threw. */
function describeFailure(
  stop: StopReason | undefined,
  error: unknown,
  timeoutSeconds: number,
): ["cancelled" | "error", string] {
  switch (stop?.kind) {
    case "cancel":
      return ["cancelled", stop.reason];
    case "timeout":
      return ["error", `The run timed out after ${timeoutSeconds} s (AGENT_TIMEOUT).`];
    case "fail":
      return ["error", stop.reason];
  }
  if (isConnectionFailure(error)) {
    // The driver's text names hosts and ports; the client needs what happened and what to do.
    return ["error", "The database connection was lost during the run; send the message again."];
  }
  const message = error instanceof Error ? error.message : String(error);
  return ["error", `The agent failed: ${message.slice(0, 500)}`];
}
