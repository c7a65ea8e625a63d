/**
 * How consolidation merges a cluster of near-duplicate memories into one.
 * Offline it is deterministic: the newest memory survives unchanged (a later
 * statement of a fact supersedes an earlier one). With a chat model, the
 * model rewrites the survivor's `content` to keep every distinct detail.
 *
 * @example
 * ```ts
 * const merger = createMerger(undefined); // offline
 * await merger.merge([{ content: "likes green tea" }, { content: "likes tea" }]);
 * // { content: "likes green tea" }
 * ```
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";

/** Merges memory values; the first value is the cluster's newest. */
export interface MemoryMerger {
  readonly mode: "offline" | "model";
  merge(values: Record<string, unknown>[]): Promise<Record<string, unknown>>;
}

const INSTRUCTIONS = "You merge near-duplicate memories about one user into a single memory. " +
  "Keep every distinct detail; when statements conflict, the first (newest) one wins. " +
  "Answer with the merged memory text only, in one or two sentences.";

/** The model merger when `model` is given, the deterministic one otherwise. */
export function createMerger(model: BaseChatModel | undefined): MemoryMerger {
  if (model === undefined) {
    return { mode: "offline", merge: (values) => Promise.resolve(values[0] ?? {}) };
  }
  return {
    mode: "model",
    async merge(values) {
      const newest = values[0] ?? {};
      const contents = values.map((value) => value.content);
      // Only text memories can be rewritten; structured ones keep the newest value.
      if (values.length < 2 || !contents.every((c) => typeof c === "string")) return newest;
      const reply = await model.invoke([
        new SystemMessage(INSTRUCTIONS),
        new HumanMessage(contents.map((c, i) => `${i + 1}. ${c}`).join("\n")),
      ]);
      const text = typeof reply.content === "string" ? reply.content.trim() : "";
      return text === "" ? newest : { ...newest, content: text };
    },
  };
}
