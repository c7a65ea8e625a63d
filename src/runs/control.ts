/**
 * The runs this process holds, pending or running: admission and
 * registration of new runs, hand-off to the scheduler, and stopping
 * (withdrawn from the queue if not started, aborted if running).
 *
 * @module
 */
import type { LoadedAgent } from "../agents/mod.ts";
import type { Viewer } from "../auth/mod.ts";
import { admission, checkCapacity } from "./admission.ts";
import type { EventBus } from "./event_bus.ts";
import type { ActiveRun, createRunner, StopReason } from "./runner.ts";
import type { Scheduler } from "./scheduler.ts";
import type { MultitaskStrategy, RunRecord, RunStore } from "./store.ts";

/** What {@linkcode createRunControl} needs. */
export interface RunControlDeps {
  store: RunStore;
  scheduler: Scheduler;
  runner: ReturnType<typeof createRunner>;
  bus: EventBus;
  maxConcurrent: number;
}

/** A run to admit. */
export interface RunRequest {
  threadId: string;
  agent: LoadedAgent;
  kind: "message" | "resume";
  strategy: MultitaskStrategy;
}

/** Creates the registry of held runs. */
export function createRunControl(deps: RunControlDeps) {
  const { store, scheduler, runner, bus } = deps;
  const active = new Map<string, ActiveRun>();
  const isHeld = (id: string) => active.has(id);

  /** Admits a run, registers it and hands it to the scheduler. */
  async function submit(
    viewer: Viewer,
    row: RunRequest,
    input: ActiveRun["input"],
    message: ActiveRun["message"],
  ): Promise<RunRecord> {
    checkCapacity(scheduler, deps.maxConcurrent);
    const record = await store.create({
      ownerId: viewer.id,
      threadId: row.threadId,
      agentId: row.agent.info.id,
      kind: row.kind,
      multitaskStrategy: row.strategy,
    }, admission(row.threadId, row.strategy, isHeld));
    let resolveFinished = () => {};
    const finished = new Promise<void>((resolve) => resolveFinished = resolve);
    const run: ActiveRun = {
      record,
      userId: viewer.id,
      permissions: viewer.permissions,
      graph: row.agent.graph,
      input,
      message,
      controller: new AbortController(),
      stop: undefined,
      started: false,
      finished,
      resolveFinished,
    };
    const superseded = [...active.values()].filter((a) => a.record.threadId === row.threadId);
    active.set(record.id, run);
    bus.open(record.id);
    if (row.strategy === "interrupt" || row.strategy === "rollback") {
      const reason =
        `Replaced by run ${record.id} (multitask strategy ${row.strategy.toUpperCase()}).`;
      for (const old of superseded) {
        void stop(old, { kind: "cancel", action: row.strategy, reason });
      }
    }
    scheduler.submit({
      id: record.id,
      key: record.threadId,
      start: async () => {
        run.started = true;
        try {
          await runner.execute(run);
        } finally {
          active.delete(record.id);
        }
      },
    });
    return record;
  }

  /** Stops a run: withdrawn if it has not started, aborted if it has. */
  function stop(run: ActiveRun, reason: StopReason): Promise<void> {
    if (run.stop === undefined || isEscalation(run.stop, reason)) run.stop = reason;
    if (scheduler.withdraw(run.record.id)) {
      active.delete(run.record.id);
      void runner.abandon(run);
    } else if (!run.controller.signal.aborted) {
      run.controller.abort(new DOMException("The run was stopped.", "AbortError"));
    }
    return run.finished;
  }

  return {
    submit,
    stop,
    isHeld,
    get: (id: string) => active.get(id),
    held: () => [...active.keys()],
    all: () => [...active.values()],
    onThread: (threadId: string) =>
      [...active.values()].filter((r) => r.record.threadId === threadId),
  };
}

/** The held runs. */
export type RunControl = ReturnType<typeof createRunControl>;

/** A ROLLBACK request upgrades an INTERRUPT already under way; nothing else changes the reason. */
function isEscalation(current: StopReason, next: StopReason): boolean {
  return current.kind === "cancel" && next.kind === "cancel" && current.action === "interrupt" &&
    next.action === "rollback";
}
