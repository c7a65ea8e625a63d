/**
 * Threads' public entry: the thread service, the checkpointer, and what runs
 * need of a thread's state, messages and checkpoints.
 *
 * @module
 */
export { createThreadService, threadNotFound, type ThreadService } from "./service.ts";
export { createCheckpointer, PostgresCheckpointer } from "./checkpointer.ts";
export { isMessage, type MessageView, toJsonState, toMessageView } from "./messages.ts";
export { readState, type StateView, toStateView } from "./state.ts";
export type { ThreadRecord, ThreadStatus, ThreadStore } from "./store.ts";
export { threadConfig, type ThreadKey } from "./thread_config.ts";
export { type RollbackPoint, rollbackPoint, rollbackTo } from "./checkpoint_copy.ts";
