import assert from "node:assert/strict";
import { AIMessage, AIMessageChunk, HumanMessage, ToolMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { FakeStreamingChatModel } from "@langchain/core/utils/testing";
import { type BaseStore, MessagesAnnotation, StateGraph } from "@langchain/langgraph";
import { startTestApp, type TestApp } from "../support/app.ts";
import { createMemoryManager } from "../../src/memories/extraction/manager.ts";
import {
  createMemoryReflection,
  ReflectionScheduler,
} from "../../src/memories/extraction/reflection.ts";
import { statements } from "../../src/memories/extraction/offline_extractor.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createToolRegistry } from "../../src/tools/mod.ts";

/** The memory tools as a run's agent gets them: metered, from the tool registry. */
function memoryTools(app: TestApp) {
  const registry = createToolRegistry({
    services: { config: app.config, logger: app.logger },
    logger: app.logger,
  });
  const [manage, search, ...rest] = registry.forAgent("assistant", [
    "manage_memory",
    "search_memory",
  ]);
  assert.equal(manage?.name, "manage_memory");
  assert.equal(search?.name, "search_memory");
  assert.equal(rest.length, 0);
  return { manage: manage!, search: search! };
}

function toolCall(tool: StructuredToolInterface, args: Record<string, unknown>) {
  return { id: `call-${tool.name}`, name: tool.name, args, type: "tool_call" as const };
}

/**
 * Calls `tool` from a graph node, as a run's tool node does, and returns the
 * tool message's text. The store goes in the invocation's config, as the run
 * executor passes it, or into the compiled graph.
 */
async function callFromGraph(
  tool: StructuredToolInterface,
  args: Record<string, unknown>,
  options: {
    configurable: Record<string, unknown>;
    store?: BaseStore;
    compiledWith?: BaseStore;
  },
): Promise<string> {
  let reply: unknown;
  const graph = new StateGraph(MessagesAnnotation)
    .addNode("tools", async (_state, config) => {
      reply = await tool.invoke(toolCall(tool, args), config);
      return {};
    })
    .addEdge("__start__", "tools")
    .compile(options.compiledWith === undefined ? {} : { store: options.compiledWith });
  await graph.invoke({ messages: [] }, {
    configurable: options.configurable,
    ...(options.store === undefined ? {} : { store: options.store }),
  });
  assert.ok(reply instanceof ToolMessage, `a tool call answers with a tool message: ${reply}`);
  return String(reply.content);
}

Deno.test("offline extraction: statements become memories, repeats are skipped, changes contradict", async () => {
  const app = await startTestApp();
  try {
    const store = app.memory.forOwner("offline-user");
    const manager = createMemoryManager({ store });
    assert.equal(manager.mode, "offline");
    const first = await manager.extractMemories([
      new HumanMessage(
        "Hi there! I live in Berlin. My favourite colour is blue. What's the weather?",
      ),
      new AIMessage("Sunny. I'd say you should go out."),
    ], ["profile"]);
    assert.deepEqual(first.map((c) => [c.action, "content" in c ? c.content : ""]), [
      ["created", "I live in Berlin"],
      ["created", "My favourite colour is blue"],
    ]);
    const colourKey = first[1]!.key;

    const second = await manager.extractMemories([
      new HumanMessage("I live in Berlin. Actually my favourite colour is green now."),
    ], ["profile"]);
    assert.equal(second.length, 0, JSON.stringify(second));
    const third = await manager.extractMemories([
      new HumanMessage("My favourite colour is green now."),
    ], ["profile"]);
    assert.deepEqual(third.map((c) => [c.action, c.key]), [["updated", colourKey]]);
    assert.equal(third[0]!.action === "updated" && third[0]!.contradicted, true);
    const history = await app.memory.history("offline-user", ["profile"], colourKey);
    assert.deepEqual(history.map((v) => [v.value.content, v.change]), [
      ["My favourite colour is green now", null],
      ["My favourite colour is blue", "contradicted"],
    ]);
  } finally {
    await app.close();
  }
});

Deno.test("the offline extractor keeps first-person statements only", () => {
  assert.deepEqual(
    statements([
      new HumanMessage(
        "What time is it? Remember that I am allergic to nuts.\nmy dog is called Rex!",
      ),
      new AIMessage("I am an assistant and I live in the cloud."),
      new HumanMessage("ok. I see"),
    ]),
    ["I am allergic to nuts", "My dog is called Rex"],
  );
});

Deno.test("model extraction: tool calls insert, update and delete; unseen ids are ignored", async () => {
  const app = await startTestApp();
  try {
    const store = app.memory.forOwner("model-user");
    await store.put(["profile"], "drink", { content: "The user likes tea" });
    await store.put(["profile"], "pet", { content: "The user has a goldfish" });
    // LangChain's own scripted model; the real client against the mock OpenAI
    // server is exercised with the agents.
    const model = new FakeStreamingChatModel({
      chunks: [
        new AIMessageChunk({
          content: "",
          tool_calls: [
            { id: "1", name: "create_memory", args: { content: "The user works as a nurse" } },
            {
              id: "2",
              name: "update_memory",
              args: { id: "drink", content: "The user likes coffee, not tea", contradicts: true },
            },
            { id: "3", name: "delete_memory", args: { id: "pet", reason: "obsolete" } },
            {
              id: "4",
              name: "delete_memory",
              args: { id: "someone-elses-key", reason: "obsolete" },
            },
            { id: "5", name: "update_memory", args: { id: "drink" } },
          ],
        }),
      ],
    });
    const manager = createMemoryManager({ store, model });
    assert.equal(manager.mode, "model");
    const changes = await manager.extractMemories([
      new HumanMessage(
        "I'm a nurse. I switched to coffee; the goldfish is gone. What about my tea and my fish?",
      ),
    ], ["profile"]);
    assert.deepEqual(changes.map((c) => [c.action, c.action === "created" ? "new" : c.key]), [
      ["created", "new"],
      ["updated", "drink"],
      ["deleted", "pet"],
    ]);
    assert.equal(
      (await store.get(["profile"], "drink"))?.value.content,
      "The user likes coffee, not tea",
    );
    assert.equal(await store.get(["profile"], "pet"), null);
    assert.deepEqual(
      (await app.memory.history("model-user", ["profile"], "drink")).map((v) => v.change),
      [null, "contradicted"],
    );
  } finally {
    await app.close();
  }
});

Deno.test("manage_memory and search_memory, called as a run calls them, keep the user's memories", async () => {
  const app = await startTestApp();
  try {
    const { manage, search } = memoryTools(app);
    const store = app.memory.forOwner("tool-user");
    const run = { configurable: { user_id: "tool-user", thread_id: "t-1" }, store };
    const created = await callFromGraph(
      manage,
      { action: "create", content: "The user plays the violin" },
      run,
    );
    const id = /Created memory (\S+)\./.exec(created)![1]!;
    assert.ok(await app.memory.get("tool-user", ["memories"], id));
    const hits = JSON.parse(await callFromGraph(search, { query: "violin" }, run));
    assert.equal(hits[0].id, id);
    assert.equal(typeof hits[0].score, "number");
    assert.match(
      await callFromGraph(
        manage,
        { action: "update", id, content: "The user plays the viola" },
        run,
      ),
      /Updated/,
    );
    assert.equal(
      (await app.memory.get("tool-user", ["memories"], id))?.value.content,
      "The user plays the viola",
    );
    assert.match(
      await callFromGraph(manage, { action: "update", id: "nope", content: "x" }, run),
      /no memory nope/,
    );
    assert.match(
      await callFromGraph(manage, { action: "delete" }, run),
      /`id` is required/,
    );
    assert.match(
      await callFromGraph(manage, { action: "delete", id }, run),
      /Deleted/,
    );
    assert.equal(await app.memory.get("tool-user", ["memories"], id), null);
    // What a call needs from its run: a user, and the user's store.
    await assert.rejects(
      () => search.invoke(toolCall(search, { query: "x" })),
      /runs only inside a run/,
    );
    await assert.rejects(
      () => search.invoke(toolCall(search, { query: "x" }), { configurable: run.configurable }),
      /No memory store/,
    );
  } finally {
    await app.close();
  }
});

Deno.test("the tools use the store the graph was compiled with", async () => {
  const app = await startTestApp();
  try {
    const store = app.memory.forOwner("graph-user");
    await store.put(["memories"], "k", { content: "The user loves sailing" });
    const { search } = memoryTools(app);
    const found = await callFromGraph(search, { query: "sailing" }, {
      configurable: { user_id: "graph-user" },
      compiledWith: store,
    });
    assert.equal(JSON.parse(found)[0].id, "k");
  } finally {
    await app.close();
  }
});

Deno.test("ReflectionScheduler debounces per thread and never overlaps a thread's runs", async () => {
  const runs: [string, number][] = [];
  const active = new Map<string, number>();
  let overlapped = false;
  const scheduler = new ReflectionScheduler<number>({
    delayMs: 30,
    async run(threadId, payload) {
      active.set(threadId, (active.get(threadId) ?? 0) + 1);
      if (active.get(threadId)! > 1) overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 40));
      runs.push([threadId, payload]);
      active.set(threadId, active.get(threadId)! - 1);
    },
  });
  scheduler.schedule("a", 1);
  scheduler.schedule("a", 2);
  scheduler.schedule("b", 10);
  scheduler.schedule("a", 3);
  assert.equal(scheduler.pendingCount, 2);
  await new Promise((resolve) => setTimeout(resolve, 45));
  // "a" is running now; a new submission waits for it instead of overlapping.
  scheduler.schedule("a", 4, 0);
  await scheduler.flush();
  await new Promise((resolve) => setTimeout(resolve, 10));
  await scheduler.flush();
  assert.deepEqual(runs.filter(([t]) => t === "a"), [["a", 3], ["a", 4]]);
  assert.deepEqual(runs.filter(([t]) => t === "b"), [["b", 10]]);
  assert.equal(overlapped, false);
  scheduler.schedule("c", 1, 10_000);
  assert.equal(scheduler.cancel("c"), true);
  assert.equal(scheduler.cancel("c"), false);
  scheduler.schedule("d", 1, 10_000);
  await scheduler.close();
  assert.ok(!runs.some(([t]) => t === "c" || t === "d"), "cancelled and closed work never runs");
  assert.throws(() => scheduler.schedule("e", 1), /closed/);
});

Deno.test("a failing reflection is logged and does not stop the next one", async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    name: "test",
    write: (line) => lines.push(JSON.parse(line)),
  });
  let calls = 0;
  const scheduler = new ReflectionScheduler<number>({
    delayMs: 0,
    logger,
    run() {
      calls++;
      if (calls === 1) throw new Error("model down");
      return Promise.resolve();
    },
  });
  scheduler.schedule("t", 1);
  await scheduler.flush("t");
  await new Promise((resolve) => setTimeout(resolve, 5));
  await scheduler.flush("t");
  scheduler.schedule("t", 2);
  await new Promise((resolve) => setTimeout(resolve, 5));
  await scheduler.close();
  assert.equal(calls, 2);
  const failures = lines.filter((l) => l.level === "WARNING" || l.level === "ERROR");
  assert.equal(failures.length, 1, JSON.stringify(lines));
});

Deno.test("createMemoryReflection runs the manager in the background for a thread", async () => {
  const app = await startTestApp();
  try {
    const seen: number[] = [];
    const reflection = createMemoryReflection({
      memory: app.memory,
      delayMs: 20,
      onChanges: (_thread, changes) => seen.push(changes.length),
    });
    reflection.schedule("thread-1", {
      userId: "reflect-user",
      messages: [new HumanMessage("I have two cats.")],
      namespace: ["profile"],
    });
    reflection.schedule("thread-1", {
      userId: "reflect-user",
      messages: [new HumanMessage("I have two cats. I work night shifts.")],
      namespace: ["profile"],
    });
    await reflection.flush();
    await reflection.close();
    assert.deepEqual(seen, [2]);
    const hits = await app.memory.search("reflect-user", {
      namespacePrefix: ["profile"],
      query: "cats",
    });
    assert.equal(hits.length, 2);
  } finally {
    await app.close();
  }
});
