/**
 * The memory manager's offline extractor, used when no model is configured.
 * It is a deterministic heuristic, not understanding: first-person
 * statements from the user ("I …", "my …", "remember that …") become
 * memories; one nearly identical to a stored memory is skipped; one that
 * starts like a stored memory but ends differently ("my favourite colour is
 * green" after "… is blue") replaces it, closing the old one as contradicted.
 *
 * @module
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { OwnerMemoryStore } from "../store/owner_store.ts";
import type { Proposal } from "./proposals.ts";
import type { MemoryHit } from "../store/records.ts";

const STATEMENT = /^(i|i'm|i am|i've|i have|i'd|my|we|we're|our|mine)\b/i;
const REMEMBER = /^(please\s+)?(remember|note)(\s+that)?\s+/i;
/** At or above: the same memory again. */
const DUPLICATE = 0.92;
/** At or above, with the same opening words: the same subject, a new value. */
const RELATED = 0.5;
const SUBJECT_WORDS = 3;

/** The conversation as `role: text` lines, for prompts and the extractor. */
export function transcript(messages: BaseMessage[]): string {
  return messages.map((m) => `${m.getType() === "human" ? "user" : m.getType()}: ${m.text}`)
    .join("\n");
}

/** Proposals from the user's statements, and every memory consulted on the way. */
export async function extractOffline(
  store: OwnerMemoryStore,
  messages: BaseMessage[],
  namespace: string[],
): Promise<{ proposals: Proposal[]; seen: MemoryHit[] }> {
  const proposals: Proposal[] = [];
  const seen: MemoryHit[] = [];
  const taken = new Set<string>();
  for (const statement of statements(messages)) {
    const [best] = await store.search(namespace, { query: statement, limit: 1 }) as MemoryHit[];
    const score = best?.score ?? 0;
    if (best !== undefined) seen.push(best);
    if (score >= DUPLICATE) continue;
    const previous = typeof best?.value.content === "string" ? best.value.content : "";
    if (
      best !== undefined && score >= RELATED && subject(previous) === subject(statement) &&
      !taken.has(best.key)
    ) {
      taken.add(best.key);
      proposals.push({ action: "update", key: best.key, content: statement, contradicts: true });
    } else {
      proposals.push({ action: "create", content: statement });
    }
  }
  return { proposals, seen };
}

/** The user's first-person sentences, deduplicated, in order. */
export function statements(messages: BaseMessage[]): string[] {
  const found = new Map<string, string>();
  for (const message of messages) {
    if (message.getType() !== "human") continue;
    for (const raw of message.text.split(/(?<=[.!?])\s+|\n+/)) {
      const sentence = raw.trim().replace(REMEMBER, "").replace(/[.!?]+$/, "").trim();
      const words = sentence.split(/\s+/).length;
      if (!STATEMENT.test(sentence) || words < 3 || words > 60) continue;
      const normal = sentence.toLowerCase();
      if (!found.has(normal)) found.set(normal, sentence[0]!.toUpperCase() + sentence.slice(1));
    }
  }
  return [...found.values()];
}

function subject(text: string): string {
  return (text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []).slice(0, SUBJECT_WORDS).join(" ");
}
