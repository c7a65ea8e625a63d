/**
 * The run queue as one replica takes part in it:
 * - `submit` admits a run and queues it (a `pending` row and its first event,
 *   in one transaction that also wakes idle workers on every replica); when
 *   the thread is idle, nothing waits and this replica has a free slot, the
 *   row is inserted already leased here and the run starts at once;
 * - the worker claims runs up to MAX_CONCURRENT_AGENTS and executes them;
 * - `cancel` stops a run wherever it executes: a waiting run is cancelled in
 *   the database, a running one through a notification to its holder, which
 *   also finds the request when it renews its lease if the notification is
 *   lost;
 * - runs whose holder died are claimed again once their lease lapses, up to
 *   RUN_MAX_ATTEMPTS; after the last, they end ERROR with the reason.
 *
 * @module
 */
import { HumanMessage } from "@langchain/core/messages";
import { Command } from "@langchain/langgraph";
import type { Sql } from "postgres";
import type { AgentRuntime } from "../agents/mod.ts";
import type { Viewer } from "../auth/mod.ts";
import type { Notifier } from "../db/notifier.ts";
import type { Logger } from "../observability/logger.ts";
import { startWorker, type Worker } from "../queue/worker.ts";
import { readState, toMessageView } from "../threads/mod.ts";
import { admission } from "./admission.ts";
import type { EventBus } from "./event_bus.ts";
import type { EventLog } from "./event_log.ts";
import { type RunEvent, TERMINAL_STATUSES } from "./events.ts";
import type { AgentMetrics } from "./metrics.ts";
import type { ActiveRun, createRunner, StopReason } from "./runner.ts";
import type {
  CancelAction,
  ClaimedRun,
  MultitaskStrategy,
  RunInput,
  RunRecord,
  RunStore,
} from "./store.ts";

/** Cancellations travel on this channel to the replica holding the run. */
export const RUN_CONTROL_CHANNEL = "graphmind_run_control";
/** A notification here wakes idle workers: a run was queued. */
export const RUN_QUEUE_CHANNEL = "graphmind_run_queue";

/** The reason a run that cannot be resumed (it has no stored input) fails with. */
export const RESTART_REASON = "Interrupted by a restart: the process running it stopped. " +
  "Send the message again.";

/** The reason a run fails with after its holder died on its last attempt. */
export function exhaustedReason(maxAttempts: number): string {
  return `The run was interrupted ${maxAttempts} times: the replica executing it stopped ` +
    `each time (RUN_MAX_ATTEMPTS=${maxAttempts}). Send the message again.`;
}

/** What {@linkcode createRunControl} needs. */
export interface RunControlDeps {
  sql: Sql;
  store: RunStore;
  runner: ReturnType<typeof createRunner>;
  bus: EventBus;
  log: EventLog;
  notifier: Notifier;
  agents: AgentRuntime;
  metrics: AgentMetrics;
  logger: Logger;
  maxConcurrent: number;
  maxAttempts: number;
  leaseSeconds: number;
  /** True when this process alone uses the database: every running run at start is orphaned. */
  soleInstance: boolean;
  /** How often an idle worker looks for work without a notification; default 1 s. */
  pollMs?: number;
}

/** A run to admit. */
export interface RunRequest {
  threadId: string;
  /** The agent, or how to choose it from the thread's (see `NewRun.agentId`). */
  agentId: string | ((threadAgentId: string) => string);
  kind: "message" | "resume";
  strategy: MultitaskStrategy;
  input: RunInput;
}

/**
 * Runs one claim statement takes at most. A claim starts at one run, so every
 * replica woken by the same notification takes its turn instead of the first
 * one taking the whole burst; each claim that comes back full doubles the
 * next, so a deep backlog drains in a few statements. One run per statement
 * was not enough: each claim waits a round trip through a busy event loop,
 * and the soak (1000 streams) measured 2.5 claims/s, with 500 runs waiting
 * on a replica that had room for all of them.
 */
const MAX_CLAIM_BATCH = 32;

/** How long `cancel` waits for another replica to stop a run. */
const CANCEL_WAIT_MS = 10_000;

/** Creates this replica's part of the queue; call `start()` once, `close()` at shutdown. */
export function createRunControl(deps: RunControlDeps) {
  const { store, runner, bus, log, notifier, sql } = deps;
  const held = new Map<string, ActiveRun>();
  const unlisteners: (() => Promise<void>)[] = [];
  let worker: Worker<ClaimedRun> | undefined;
  // The next claim's size: 1, doubling while claims come back full (see MAX_CLAIM_BATCH).
  let claimBatch = 1;
  let lastSweep = 0;
  let closing = false;

  /** The graph input a claimed run's row describes. */
  function activeOf(claimed: ClaimedRun): ActiveRun {
    const agent = deps.agents.find(claimed.agentId) ??
      deps.agents.require(deps.agents.defaultId);
    let input: ActiveRun["input"] = null;
    let message: ActiveRun["message"];
    if (claimed.input?.kind === "message") {
      const human = new HumanMessage(claimed.input.message);
      input = { messages: [human], requireApproval: claimed.input.requireApproval };
      message = toMessageView(human);
    } else if (claimed.input?.kind === "resume") {
      input = new Command({ resume: claimed.input.resume });
    }
    let resolveFinished = () => {};
    const finished = new Promise<void>((resolve) => resolveFinished = resolve);
    return {
      record: claimed,
      graph: agent.graph,
      input,
      message,
      controller: new AbortController(),
      stop: undefined,
      finished,
      resolveFinished,
    };
  }

  async function execute(claimed: ClaimedRun): Promise<void> {
    const active = activeOf(claimed);
    if (claimed.attempts > 1) deps.metrics.runsResumed.inc();
    held.set(claimed.id, active);
    bus.open(claimed.id, claimed.loggedSequence, claimed.logged);
    if (claimed.input === null) {
      // A row queued before the queue kept inputs: nothing to run it with.
      void stop(active, { kind: "fail", reason: RESTART_REASON });
    } else if (claimed.cancelAction !== null) {
      void stop(active, {
        kind: "cancel",
        action: claimed.cancelAction,
        reason: claimed.cancelReason ?? "Cancelled.",
      });
    }
    try {
      await runner.execute(active);
    } finally {
      held.delete(claimed.id);
    }
  }

  /** Fails runs whose holder died on their last attempt, at most once per poll. */
  async function sweep(): Promise<void> {
    const now = performance.now();
    if (now - lastSweep < (deps.pollMs ?? 1000)) return;
    lastSweep = now;
    const reason = exhaustedReason(deps.maxAttempts);
    for (const run of await store.failExhausted(deps.maxAttempts, reason)) {
      deps.logger.warn("a run failed after its last attempt", { run_id: run.id });
      deps.metrics.requestsTotal.inc({ agent_type: "unknown", status: "error" });
      await log.appendStatus(sql, run.id, { status: "error", error: reason });
    }
  }

  /** Stops a held run: its controller aborts, and the runner records why. */
  function stop(run: ActiveRun, reason: StopReason): Promise<void> {
    if (run.stop === undefined || isEscalation(run.stop, reason)) run.stop = reason;
    if (!run.controller.signal.aborted) {
      run.controller.abort(new DOMException("The run was stopped.", "AbortError"));
    }
    return run.finished;
  }

  function onControl(payload: string): void {
    const request = JSON.parse(payload) as { runId: string; action: CancelAction; reason: string };
    const run = held.get(request.runId);
    if (run) void stop(run, { kind: "cancel", action: request.action, reason: request.reason });
  }

  /** Ends a run cancelled while it waited: its log's last event, and its thread's status. */
  async function cancelledWhileWaiting(
    run: { id: string; threadId: string },
    ownerId: string,
    reason: string,
  ): Promise<void> {
    await log.appendStatus(sql, run.id, { status: "cancelled", error: reason });
    deps.metrics.requestsTotal.inc({ agent_type: "queued", status: "cancelled" });
    // Every agent shares the checkpointer, so any graph reads the thread's interrupts.
    const graph = deps.agents.require(deps.agents.defaultId).graph;
    const state = await readState(graph, { id: run.threadId, ownerId });
    await store.settleThread(run.threadId, state.interrupts.length > 0 ? "interrupted" : "idle");
  }

  async function notifyStop(runId: string, action: CancelAction, reason: string): Promise<void> {
    await notifier.notify(RUN_CONTROL_CHANNEL, JSON.stringify({ runId, action, reason }));
  }

  /** Waits until the run's row is terminal, or the wait runs out. */
  async function waitForEnd(ownerId: string, id: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const row = await store.find(ownerId, id);
      if (row === undefined || TERMINAL_STATUSES.has(row.status)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  return {
    /** Starts listening and claiming. */
    async start(): Promise<void> {
      if (deps.soleInstance) await store.expireAllLeases();
      unlisteners.push(await notifier.listen(RUN_CONTROL_CHANNEL, onControl));
      unlisteners.push(await notifier.listen(RUN_QUEUE_CHANNEL, () => worker?.wake()));
      worker = startWorker<ClaimedRun>({
        name: "runs",
        capacity: deps.maxConcurrent,
        claim: async (limit) => {
          await sweep();
          const size = Math.min(limit, claimBatch);
          const claimed = await store.claim(size, deps.maxAttempts);
          claimBatch = claimed.length === size ? Math.min(claimBatch * 2, MAX_CLAIM_BATCH) : 1;
          return claimed;
        },
        execute,
        idOf: (run) => run.id,
        renew: async (ids) => {
          const still = await store.renew(ids);
          const kept = new Set(still.map((row) => row.id));
          for (const row of still) {
            const run = held.get(row.id);
            if (run && row.cancelAction !== null && run.stop === undefined) {
              void stop(run, {
                kind: "cancel",
                action: row.cancelAction,
                reason: row.cancelReason ?? "Cancelled.",
              });
            }
          }
          // A lease another worker took over: stop here without recording an end.
          for (const id of ids) {
            const run = held.get(id);
            if (run && !kept.has(id)) void stop(run, { kind: "shutdown" });
          }
        },
        leaseMs: deps.leaseSeconds * 1000,
        pollMs: deps.pollMs ?? 1000,
        logger: deps.logger,
      });
    },

    /**
     * Admits and queues a run; resolves once this replica tried to claim it.
     * With a free slot here, an idle thread and nothing waiting, the run is
     * leased to this replica as it is inserted and starts at once.
     */
    async submit(viewer: Viewer, request: RunRequest): Promise<RunRecord> {
      const id = crypto.randomUUID();
      const rule = admission(request.threadId, request.strategy, deps.maxConcurrent, id);
      const slot = worker?.reserve() ?? false;
      // A run leased here keeps its queue entry, so its streams start from memory.
      let queued: RunEvent | undefined;
      let created;
      try {
        created = await store.create(
          {
            id,
            ownerId: viewer.id,
            threadId: request.threadId,
            agentId: request.agentId,
            kind: request.kind,
            multitaskStrategy: request.strategy,
            input: request.input,
            permissions: viewer.permissions,
          },
          rule,
          async (tx, run) => {
            const logQueued = (queuePosition: number) =>
              log.appendStatus(tx, run.id, { status: "pending", error: null, queuePosition }, {
                first: true,
              });
            // Leased here: nothing to wake, and it was first in line.
            if (run.status === "running") {
              queued = await logQueued(1);
              return;
            }
            // Pipelined: the notifications go at commit, whatever their order.
            await Promise.all([
              tx<{ position: number }[]>`
                SELECT count(*)::int AS position FROM runs
                WHERE status = 'pending' AND seq <= (SELECT seq FROM runs WHERE id = ${run.id})`
                .then(([row]) => logQueued(row?.position ?? 1)),
              notifier.shared ? tx`SELECT pg_notify(${RUN_QUEUE_CHANNEL}, '')` : undefined,
            ]);
          },
          { claim: slot },
        );
      } catch (error) {
        if (slot) worker?.release();
        throw error;
      }
      const reason = rule.supersede?.reason ?? "";
      for (const run of created.cancelled) await cancelledWhileWaiting(run, viewer.id, reason);
      for (const runId of created.stopping) {
        await notifyStop(runId, rule.supersede?.action ?? "interrupt", reason);
      }
      if (created.claimed) {
        // Its queue entry (PENDING) is logged: the next event follows it.
        worker?.adopt({
          ...created.claimed,
          loggedSequence: 1,
          ...(queued === undefined ? {} : { logged: [queued] }),
        });
        // Adopted while shutting down: hand it back like the runs held before.
        const adopted = held.get(id);
        if (closing && adopted) void stop(adopted, { kind: "shutdown" });
        return created.claimed;
      }
      if (slot) worker?.release();
      await worker?.wake();
      return (await store.find(viewer.id, id)) ?? created.run;
    },

    /**
     * Stops a run wherever it executes and resolves once it ended (or after
     * a bounded wait when its holder died and no replica has claimed it yet).
     */
    async cancel(run: RunRecord, action: CancelAction, reason: string): Promise<void> {
      const changed = await store.requestCancel(run.ownerId, run.id, { action, reason });
      if (changed === undefined) return;
      if (changed.status === "cancelled") {
        await cancelledWhileWaiting(run, run.ownerId, reason);
        return;
      }
      const local = held.get(run.id);
      if (local) return await stop(local, { kind: "cancel", action, reason });
      await notifyStop(run.id, action, reason);
      await waitForEnd(run.ownerId, run.id, CANCEL_WAIT_MS);
    },

    /** Stops the thread's active runs on every replica (the thread is being deleted). */
    async stopThread(threadId: string, ownerId: string, reason: string): Promise<void> {
      const runs = await sql<{ id: string }[]>`
        SELECT id::text AS id FROM runs WHERE thread_id = ${threadId} AND owner_id = ${ownerId}
          AND status IN ('pending', 'running')`;
      await Promise.all(runs.map(async ({ id }) => {
        const record = await store.find(ownerId, id);
        if (record) await this.cancel(record, "interrupt", reason);
      }));
    },

    /** Runs executing here now. */
    get running(): number {
      return held.size;
    },

    /** Stops claiming; hands the runs held here back to the queue, within `graceMs`. */
    async close(graceMs: number): Promise<void> {
      closing = true;
      const draining = worker?.stop() ?? Promise.resolve();
      for (const run of held.values()) void stop(run, { kind: "shutdown" });
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        draining,
        new Promise((resolve) => timer = setTimeout(resolve, graceMs)),
      ]);
      clearTimeout(timer);
      for (const unlisten of unlisteners.splice(0)) await unlisten().catch(() => {});
    },
  };
}

/** This replica's part of the run queue. */
export type RunControl = ReturnType<typeof createRunControl>;

/** A ROLLBACK request upgrades an INTERRUPT already under way; nothing else changes the reason. */
function isEscalation(current: StopReason, next: StopReason): boolean {
  return current.kind === "cancel" && next.kind === "cancel" && current.action === "interrupt" &&
    next.action === "rollback";
}
