/**
 * `search_documents` through the real tool registry: the caller's passages
 * as numbered citations plus the citations artifact, only ever the
 * caller's own documents, and the offline model's arguments.
 */
import assert from "node:assert/strict";
import type { ToolMessage } from "@langchain/core/messages";
import { Registry } from "prom-client";
import { startTestApp } from "../support/app.ts";
import { createToolRegistry } from "../../src/tools/registry.ts";
import { createToolMetrics } from "../../src/tools/metrics.ts";
import { offlineArgsOf } from "../../src/llm/offline_plan.ts";
import type { Viewer } from "../../src/auth/mod.ts";
import type { DocumentSearchArtifact } from "../../src/documents/tool.ts";
import { crossTenant } from "../support/tally.ts";
import { uploadReady } from "./support.ts";

const viewer = (id: string): Viewer => ({ id, roles: ["user"], anonymous: false });
const call = (args: Record<string, unknown>) => ({
  id: "call-1",
  name: "search_documents",
  args,
  type: "tool_call" as const,
});
const asUser = (userId: string) => ({
  configurable: { thread_id: "t1", user_id: userId, run_id: "r1" },
});

Deno.test("search_documents: numbered citations and an artifact, from the caller's documents only", async () => {
  const app = await startTestApp();
  try {
    await uploadReady(app, viewer("alice"), {
      file: new File(
        ["Volcanoes\n\nThe caldera collapsed after the eruption of 1815.\n\nOther notes."],
        "volcano.txt",
      ),
    });
    await uploadReady(app, viewer("alice"), {
      file: new File(["# Recipes\n\nKnead the dough for ten minutes."], "bread.md"),
    });
    await uploadReady(app, viewer("bob"), {
      file: new File(["Bob's caldera eruption diary, private."], "bob-secret.txt"),
    });
    const tools = createToolRegistry({
      services: { config: app.config, logger: app.logger, documents: app.documents },
      logger: app.logger,
      metrics: createToolMetrics(new Registry()),
    });
    const [tool] = tools.forAgent("rag", ["search_documents"]);
    assert.equal(tool?.name, "search_documents");

    const message = await tool!.invoke(
      call({ query: "caldera eruption", limit: 2 }),
      asUser("alice"),
    ) as ToolMessage;
    const text = String(message.content);
    assert.match(text, /^\[1\] volcano\.txt#0\nVolcanoes\n\nThe caldera collapsed/);
    assert.match(text, /\n\n\[2\] bread\.md#0\n# Recipes/);
    assert.ok(!text.includes("Bob"), text);
    const artifact = message.artifact as DocumentSearchArtifact;
    assert.equal(artifact.query, "caldera eruption");
    assert.deepEqual(artifact.citations.map((c) => [c.n, c.filename, c.chunkIndex]), [
      [1, "volcano.txt", 0],
      [2, "bread.md", 0],
    ]);
    assert.ok(artifact.citations[0]!.score > artifact.citations[1]!.score);

    crossTenant("search_documents as carol, who has no documents");
    const none = await tool!.invoke(
      call({ query: "caldera eruption" }),
      asUser("carol"),
    ) as ToolMessage;
    assert.match(String(none.content), /No passage in the user's documents matches/);
    assert.deepEqual((none.artifact as DocumentSearchArtifact).citations, []);

    crossTenant("search_documents as bob");
    const bob = await tool!.invoke(
      call({ query: "caldera eruption" }),
      asUser("bob"),
    ) as ToolMessage;
    assert.match(String(bob.content), /^\[1\] bob-secret\.txt#0/);
    assert.ok(!String(bob.content).includes("volcano"), "bob never sees alice's passages");

    assert.deepEqual(offlineArgsOf(tool)?.("  what did my notes say about the caldera? "), {
      query: "what did my notes say about the caldera?",
    });
    assert.equal(offlineArgsOf(tool)?.("   "), undefined);
  } finally {
    await app.close();
  }
});

Deno.test("search_documents is listed as enabled in the app, and unavailable without the service", async () => {
  const app = await startTestApp();
  try {
    const result = await app.graphql("{ tools { name permission enabled } }");
    const tools = result.data?.tools as { name: string; permission: string; enabled: boolean }[];
    const search = tools.find((t) => t.name === "search_documents");
    assert.deepEqual(search, {
      name: "search_documents",
      permission: "documents:read",
      enabled: true,
    });
    const bare = createToolRegistry({
      services: { config: app.config, logger: app.logger },
      logger: app.logger,
    });
    const info = bare.list().find((t) => t.name === "search_documents");
    assert.equal(info?.disabledReason, "Document search is not configured.");
  } finally {
    await app.close();
  }
});
