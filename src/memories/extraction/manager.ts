/**
 * The memory manager: Graphmind's counterpart of LangMem's
 * `create_memory_store_manager`. Given a conversation and a namespace, it
 * fetches the top-k related memories, lets the model insert, update or
 * delete memories through tool calls, applies them to the user's store and
 * returns the changes. A contradicted memory is never simply overwritten:
 * its old value is closed in history as `contradicted`.
 *
 * The model may only update or delete memories it was shown, so a
 * hallucinated key cannot touch anything else. With no model (no
 * `OPENAI_API_KEY`), a deterministic offline extractor stands in.
 *
 * @example
 * ```ts
 * const manager = createMemoryManager({ store: memory.forOwner(userId), model });
 * const changes = await manager.extractMemories(messages, ["profile"]);
 * ```
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { z } from "zod";
import type { OwnerMemoryStore } from "../store/owner_store.ts";
import type { MemoryHit } from "../store/records.ts";
import { extractOffline, transcript } from "./offline_extractor.ts";
import { applyProposals, describe, type MemoryChange, type Proposal } from "./proposals.ts";

/** Options for {@linkcode createMemoryManager}. */
export interface MemoryManagerOptions {
  /** The user's store (`memory.forOwner(userId)`). */
  store: OwnerMemoryStore;
  /** The extraction model; absent for the offline extractor. */
  model?: BaseChatModel | undefined;
  /** Related memories shown to the model. Default 5. */
  topK?: number;
  /** Extra guidance on what to remember, appended to the system prompt. */
  instructions?: string;
}

/** A manager bound to one user's store. */
export interface MemoryManager {
  readonly mode: "model" | "offline";
  /** Extracts memories from `messages` into `namespace`; returns what changed. */
  extractMemories(messages: BaseMessage[], namespace: string[]): Promise<MemoryChange[]>;
}

const SYSTEM = "You maintain a long-term memory about the user. From the conversation, keep " +
  "durable facts, preferences, plans and events worth recalling in later conversations; skip " +
  "small talk and anything already remembered. Existing memories are listed with their ids. " +
  "Call create_memory for new information; update_memory to revise a memory (contradicts=true " +
  "when the new information contradicts it; its old value stays in history); delete_memory " +
  "when a memory is wrong or obsolete. Write each memory as one self-contained sentence about " +
  "the user. Call no tool when nothing is worth remembering.";

const TOOLS = [
  {
    name: "create_memory",
    description: "Remember a new fact about the user.",
    schema: z.object({ content: z.string().min(1).describe("The memory, one sentence.") }),
  },
  {
    name: "update_memory",
    description: "Revise an existing memory by id.",
    schema: z.object({
      id: z.string().describe("The memory's id, as listed."),
      content: z.string().min(1).describe("The revised memory."),
      contradicts: z.boolean().describe("True when the new information contradicts the old."),
    }),
  },
  {
    name: "delete_memory",
    description: "Forget an existing memory by id.",
    schema: z.object({
      id: z.string().describe("The memory's id, as listed."),
      reason: z.enum(["contradicted", "obsolete"]).describe("Why it no longer holds."),
    }),
  },
];

/** Creates a manager over one user's store. */
export function createMemoryManager(options: MemoryManagerOptions): MemoryManager {
  const topK = options.topK ?? 5;
  const { store, model } = options;
  return {
    mode: model === undefined ? "offline" : "model",
    async extractMemories(messages, namespace) {
      if (messages.length === 0) return [];
      const related = await relatedMemories(store, messages, namespace, topK);
      if (model === undefined) {
        const { proposals, seen } = await extractOffline(store, messages, namespace);
        return await applyProposals(store, namespace, proposals, [...related, ...seen]);
      }
      const proposals = await propose(model, messages, related, options.instructions);
      return await applyProposals(store, namespace, proposals, related);
    },
  };
}

async function relatedMemories(
  store: OwnerMemoryStore,
  messages: BaseMessage[],
  namespace: string[],
  topK: number,
): Promise<MemoryHit[]> {
  const query = messages.filter((m) => m.getType() === "human").map((m) => m.text).join("\n")
    .slice(-2000);
  if (query.trim() === "") return [];
  return await store.search(namespace, { query, limit: topK }) as MemoryHit[];
}

async function propose(
  model: BaseChatModel,
  messages: BaseMessage[],
  related: MemoryHit[],
  instructions: string | undefined,
): Promise<Proposal[]> {
  if (typeof model.bindTools !== "function") {
    throw new TypeError("The memory manager's model must support tool calling (bindTools)");
  }
  const listed = related.map((m) => `[${m.key}] ${describe(m.value)}`).join("\n");
  const reply = await model.bindTools(TOOLS).invoke([
    new SystemMessage(`${SYSTEM}${instructions ? `\n\n${instructions}` : ""}`),
    new HumanMessage(
      `<memories>\n${listed || "(none yet)"}\n</memories>\n\n<conversation>\n${
        transcript(messages)
      }\n</conversation>`,
    ),
  ]);
  const proposals: Proposal[] = [];
  for (const call of reply.tool_calls ?? []) {
    const tool = TOOLS.find((t) => t.name === call.name);
    const parsed = tool?.schema.safeParse(call.args);
    if (!parsed?.success) continue;
    const args = parsed.data as Record<string, unknown>;
    if (call.name === "create_memory") {
      proposals.push({ action: "create", content: String(args.content) });
    } else if (call.name === "update_memory") {
      proposals.push({
        action: "update",
        key: String(args.id),
        content: String(args.content),
        contradicts: args.contradicts === true,
      });
    } else {
      proposals.push({
        action: "delete",
        key: String(args.id),
        reason: args.reason === "contradicted" ? "contradicted" : "obsolete",
      });
    }
  }
  return proposals;
}
