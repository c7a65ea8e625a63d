/**
 * What other domains plug into runs, declared in the core so that runs and
 * those domains need not know each other: long-term memory gives each run its
 * user's store and reflects on a thread after a successful run. Every hook
 * is optional; a run works without them.
 *
 * @module
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { BaseStore } from "@langchain/langgraph";

/** A run that ended `success`, as hooks see it. */
export interface SucceededRun {
  runId: string;
  threadId: string;
  userId: string;
  agentId: string;
  /** The thread's messages after the run. */
  messages: BaseMessage[];
}

/** Hooks into a run's lifecycle. */
export interface RunHooks {
  /** The store a run of `userId` gets as the graph's `store` (nodes and tools read it). */
  storeFor?(userId: string): BaseStore | undefined;
  /** Awaited before a run of `threadId` executes (after it is scheduled). */
  beforeRun?(threadId: string): Promise<void>;
  /** Called after a run ended `success`; it must not throw (the run is already recorded). */
  afterSuccess?(run: SucceededRun): void;
}
