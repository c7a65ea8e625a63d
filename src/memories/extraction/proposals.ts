/**
 * What the memory manager's extractors (the model's tool calls, or the
 * offline extractor) propose, and how proposals become changes in the
 * user's store. Updates and deletes apply only to memories the extractor
 * was shown, so a hallucinated key cannot touch anything else; a
 * contradicted memory is closed in history as `contradicted`, never simply
 * overwritten.
 *
 * @module
 */
import type { OwnerMemoryStore } from "../store/owner_store.ts";
import type { MemoryHit } from "../store/records.ts";

/** One change the manager made. */
export type MemoryChange =
  | { action: "created"; namespace: string[]; key: string; content: string }
  | {
    action: "updated";
    namespace: string[];
    key: string;
    content: string;
    previous: string;
    contradicted: boolean;
  }
  | {
    action: "deleted";
    namespace: string[];
    key: string;
    previous: string;
    reason: "contradicted" | "obsolete";
  };

/** A proposed change, before it is applied. */
export type Proposal =
  | { action: "create"; content: string }
  | { action: "update"; key: string; content: string; contradicts: boolean }
  | { action: "delete"; key: string; reason: "contradicted" | "obsolete" };

/**
 * Applies proposals; updates and deletes are accepted only for memories in
 * `shown` (what the extractor saw), so nothing else can be touched.
 */
export async function applyProposals(
  store: OwnerMemoryStore,
  namespace: string[],
  proposals: Proposal[],
  shown: MemoryHit[],
): Promise<MemoryChange[]> {
  const known = new Map(shown.map((m) => [m.key, m]));
  const changes: MemoryChange[] = [];
  for (const proposal of proposals) {
    if (proposal.action === "create") {
      const key = crypto.randomUUID();
      await store.putWith({ namespace, key, value: { content: proposal.content } });
      changes.push({ action: "created", namespace, key, content: proposal.content });
      continue;
    }
    const existing = known.get(proposal.key);
    if (existing === undefined) continue;
    known.delete(proposal.key);
    if (proposal.action === "update") {
      await store.putWith({
        namespace: existing.namespace,
        key: existing.key,
        value: { ...existing.value, content: proposal.content },
        contradicts: proposal.contradicts,
      });
      changes.push({
        action: "updated",
        namespace: existing.namespace,
        key: existing.key,
        content: proposal.content,
        previous: describe(existing.value),
        contradicted: proposal.contradicts,
      });
    } else {
      await store.remove(existing.namespace, existing.key, {
        change: proposal.reason === "contradicted" ? "contradicted" : "deleted",
      });
      changes.push({
        action: "deleted",
        namespace: existing.namespace,
        key: existing.key,
        previous: describe(existing.value),
        reason: proposal.reason,
      });
    }
  }
  return changes;
}

/** A memory's text for prompts and reports. */
export function describe(value: Record<string, unknown>): string {
  return typeof value.content === "string" ? value.content : JSON.stringify(value);
}
