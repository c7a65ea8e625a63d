/**
 * What the checkpointer reads from a LangGraph `RunnableConfig`: the thread,
 * the namespace and the owner (`configurable.owner_id`, which a run sets to
 * its user's id and LangGraph passes to every saver call).
 *
 * @module
 */
import type { RunnableConfig } from "@langchain/core/runnables";

/** The thread id, or undefined when the config names none. */
export function threadIdOf(config: RunnableConfig): string | undefined {
  const id: unknown = config.configurable?.thread_id;
  return id === undefined || id === null || id === "" ? undefined : String(id);
}

/** The thread id; throws a message saying how to pass it. */
export function requireThreadId(config: RunnableConfig, action: string): string {
  const id = threadIdOf(config);
  if (id === undefined) {
    throw new Error(
      `Cannot ${action}: config.configurable.thread_id is missing. ` +
        "Invoke the graph with { configurable: { thread_id } }.",
    );
  }
  return id;
}

/** `configurable.owner_id` when the config carries one. */
export function ownerIdOf(config: RunnableConfig): string | undefined {
  const id: unknown = config.configurable?.owner_id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** The owner from the config, else `fallback`; throws a message saying how to pass it. */
export function requireOwnerId(
  config: RunnableConfig,
  fallback: string | undefined,
  action: string,
): string {
  const id = ownerIdOf(config) ?? fallback;
  if (id === undefined) {
    throw new Error(
      `Cannot ${action}: no owner. Pass the thread owner's id as ` +
        "configurable.owner_id, or create the checkpointer with { ownerId }.",
    );
  }
  return id;
}

/**
 * The owner keys to echo in the configs the saver returns: a caller that
 * passed `owner_id` gets it back, so a config from `getTuple`/`list`/`put`
 * can be handed to the next call (e.g. LangGraph's updateState) unchanged.
 */
export function ownerKeys(config: RunnableConfig): { owner_id?: string } {
  const id = ownerIdOf(config);
  return id === undefined ? {} : { owner_id: id };
}

/** `{ [key]: value }`, or `{}` when the value is undefined (exactOptionalPropertyTypes). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
