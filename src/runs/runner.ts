/**
 * One run's lifecycle: start (row `running`, rollback point, status event,
 * `agent_start`), execution under a timeout and an AbortController, and the
 * end (row, thread status, status event, metrics, `agent_response` or
 * `agent_error`). Cancellation aborts the controller, whose signal reaches
 * the model call; ROLLBACK then removes the run's checkpoints.
 *
 * @module
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { BaseCheckpointSaver, Command } from "@langchain/langgraph";
import type { AgentGraph } from "../agents/mod.ts";
import type { AgentStateUpdate } from "../agents/mod.ts";
import type { Logger } from "../observability/logger.ts";
import type { MessageView } from "../threads/mod.ts";
import { readState } from "../threads/mod.ts";
import { threadConfig, type ThreadKey } from "../threads/mod.ts";
import type { ThreadStatus, ThreadStore } from "../threads/mod.ts";
import { type RollbackPoint, rollbackPoint, rollbackTo } from "../threads/mod.ts";
import type { EventBus } from "./event_bus.ts";
import type { RunStatus } from "./events.ts";
import { executeGraph } from "./executor.ts";
import type { RunHooks } from "../core/run_hooks.ts";
import type { AgentMetrics } from "./metrics.ts";
import type { RunRecord, RunStore } from "./store.ts";

/** Why a run is being stopped. */
export type StopReason =
  | { kind: "cancel"; action: "interrupt" | "rollback"; reason: string }
  | { kind: "timeout" }
  | { kind: "shutdown" };

/** A run this process holds, pending or running. */
export interface ActiveRun {
  record: RunRecord;
  userId: string;
  /** The caller's tool permissions; undefined grants all (src/auth/permissions.ts). */
  permissions: readonly string[] | undefined;
  graph: AgentGraph;
  input: AgentStateUpdate | Command;
  /** The user's message, published as a MessageEvent when the run starts. */
  message: MessageView | undefined;
  controller: AbortController;
  stop: StopReason | undefined;
  started: boolean;
  /** Resolves once the run's end is recorded and published. */
  finished: Promise<void>;
  resolveFinished(): void;
}

/** What the runner needs. */
export interface RunnerDeps {
  store: RunStore;
  threads: ThreadStore;
  checkpointer: BaseCheckpointSaver;
  bus: EventBus;
  metrics: AgentMetrics;
  logger: Logger;
  timeoutSeconds: number;
  /** True while other runs wait on the thread, which then stays busy. */
  hasSuccessor(threadId: string): boolean;
  /** Long-term memory and other plug-ins; none by default. */
  hooks?: RunHooks;
}

/** Creates the runner. */
export function createRunner(deps: RunnerDeps) {
  const { bus, metrics } = deps;
  const ended = new WeakSet<ActiveRun>();

  function logOf(active: ActiveRun): Logger {
    return deps.logger.child({
      run_id: active.record.id,
      thread_id: active.record.threadId,
      agent_type: active.record.agentId,
      user_id: active.userId,
    });
  }

  async function threadStatusAfter(active: ActiveRun, status: RunStatus): Promise<ThreadStatus> {
    if (deps.hasSuccessor(active.record.threadId)) return "busy";
    if (status === "error") return "error";
    if (status === "interrupted") return "interrupted";
    const state = await readState(active.graph, threadOf(active.record));
    return state.interrupts.length > 0 ? "interrupted" : "idle";
  }

  async function finish(
    active: ActiveRun,
    status: RunStatus,
    error: string | null,
    checkpointId: string | null,
  ): Promise<void> {
    if (ended.has(active)) return;
    ended.add(active);
    const { record } = active;
    // The status event's sequence is known in advance: nothing else publishes now.
    const lastSequence = (bus.lastSequence(record.id) ?? 0) + 1;
    try {
      // The state read comes first, so the thread's status follows the run's row at once.
      const threadStatus = await threadStatusAfter(active, status);
      await deps.store.finish(record.ownerId, record.id, {
        status,
        error,
        checkpointId,
        lastSequence,
      });
      await deps.threads.setStatus(record.threadId, threadStatus);
    } finally {
      bus.publish(record.id, { type: "status", status, error });
      bus.end(record.id);
      metrics.requestsTotal.inc({ agent_type: record.agentId, status });
      active.resolveFinished();
    }
  }

  /** Ends a run that never started (cancelled while queued, or shutdown). */
  async function abandon(active: ActiveRun): Promise<void> {
    const stop = active.stop;
    const [status, error] = stop?.kind === "cancel"
      ? ["cancelled" as const, stop.reason]
      : ["error" as const, "The server shut down before the run started; send the message again."];
    await finish(active, status, error, null);
  }

  /** Runs a started run to its end. Never throws: every outcome is recorded. */
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
    try {
      await deps.hooks?.beforeRun?.(record.threadId);
      point = await rollbackPoint(deps.checkpointer, threadOf(record));
      // Recording the start must not delay the first token; the end waits for it.
      marking = deps.store.markRunning(record.ownerId, record.id, point.checkpointId ?? null).catch(
        (error) => log.warn("could not record the start of a run", { error }),
      );
      bus.publish(record.id, { type: "status", status: "running", error: null });
      if (active.message) {
        bus.publish(record.id, { type: "message", message: active.message, node: null });
      }
      log.info("agent_start", { event: "agent_start" });
      timer = setTimeout(() => {
        active.stop ??= { kind: "timeout" };
        active.controller.abort(new DOMException("The run timed out.", "TimeoutError"));
      }, deps.timeoutSeconds * 1000);
      active.controller.signal.throwIfAborted();
      const outcome = await executeGraph({
        runId: record.id,
        threadId: record.threadId,
        userId: active.userId,
        permissions: active.permissions,
        graph: active.graph,
        input: active.input,
        signal: active.controller.signal,
        store: deps.hooks?.storeFor?.(active.userId),
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
      await finish(active, outcome.status, null, outcome.checkpointId);
      // A queued successor's own end reflects on the whole thread instead.
      if (outcome.status === "success" && !deps.hasSuccessor(record.threadId)) {
        afterSuccess(active, outcome.messages, log);
      }
    } catch (error) {
      clearTimeout(timer);
      const seconds = (performance.now() - startedAt) / 1000;
      metrics.responseTime.observe(agentType, seconds);
      const [status, message] = describeFailure(active.stop, error, deps.timeoutSeconds);
      if (active.stop?.kind === "cancel" && active.stop.action === "rollback") {
        await rollbackTo(deps.checkpointer, threadOf(record), point).catch((e) =>
          log.error("rollback failed", { error: e })
        );
      }
      const fields = { response_time: seconds, token_count: tokens, status, reason: message };
      if (status === "error") log.error("agent_error", { event: "agent_error", ...fields, error });
      else log.info("agent_response", { event: "agent_response", ...fields });
      const head = await deps.checkpointer.getTuple(
        threadConfig(threadOf(record), { checkpointNs: "" }),
      ).catch(() => undefined);
      await marking;
      await finish(active, status, message, head?.checkpoint.id ?? null).catch((e) =>
        log.error("could not record the end of a run", { error: e })
      );
    } finally {
      metrics.activeAgents.dec(agentType);
    }
  }

  function afterSuccess(active: ActiveRun, messages: BaseMessage[], log: Logger): void {
    const { record } = active;
    try {
      deps.hooks?.afterSuccess?.({
        runId: record.id,
        threadId: record.threadId,
        userId: active.userId,
        agentId: record.agentId,
        messages,
      });
    } catch (error) {
      log.warn("a run's afterSuccess hook failed", { error });
    }
  }

  return { execute, abandon };
}

/** The run's thread as the checkpointer keys it: the run's owner owns its thread. */
function threadOf(record: RunRecord): ThreadKey {
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
    case "shutdown":
      return ["error", "The server shut down during the run; send the message again."];
  }
  const message = error instanceof Error ? error.message : String(error);
  return ["error", `The agent failed: ${message.slice(0, 500)}`];
}
