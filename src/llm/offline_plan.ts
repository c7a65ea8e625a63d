/**
 * How a tool tells the offline model (no OPENAI_API_KEY) to demonstrate it:
 * a function from the user's last message to the tool's arguments, kept on
 * the LangChain tool object under a symbol. The offline model reads it from
 * the tools an agent binds, so `deno task start` shows every agent calling
 * its tools without a key, and no tool module depends on the offline model.
 *
 * @example
 * ```ts
 * const clock = withOfflineArgs(tool(() => new Date().toISOString(), { name: "now" }), () => ({}));
 * offlineArgsOf(clock)?.("what time is it?"); // {}
 * ```
 * @module
 */

/** Derives a tool's arguments from what the user said; undefined when it has nothing to do. */
export type OfflineArgs = (said: string) => Record<string, unknown> | undefined;

const OFFLINE_ARGS = Symbol.for("graphmind.offlineArgs");

/** Attaches `args` to `tool` and returns the tool. */
export function withOfflineArgs<T extends object>(tool: T, args: OfflineArgs): T {
  Object.defineProperty(tool, OFFLINE_ARGS, { value: args, enumerable: false });
  return tool;
}

/** The offline arguments attached to a tool, if any. */
export function offlineArgsOf(tool: unknown): OfflineArgs | undefined {
  if (typeof tool !== "object" || tool === null) return undefined;
  return (tool as { [OFFLINE_ARGS]?: OfflineArgs })[OFFLINE_ARGS];
}
