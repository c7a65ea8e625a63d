import assert from "node:assert/strict";
import { AIMessage, AIMessageChunk, HumanMessage } from "@langchain/core/messages";
import { FakeStreamingChatModel } from "@langchain/core/utils/testing";
import { MessagesAnnotation, StateGraph } from "@langchain/langgraph";
import { startTestApp } from "../support/app.ts";
import { createMemoryManager } from "../../src/memories/manager.ts";
import { createManageMemoryTool, createSearchMemoryTool } from "../../src/memories/tools.ts";
import { createMemoryReflection, ReflectionScheduler } from "../../src/memories/reflection.ts";
import { statements } from "../../src/memories/offline_extractor.ts";
import { createLogger } from "../../src/observability/logger.ts";

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

Deno.test("manage_memory and search_memory tools, with a namespace filled from the config", async () => {
  const app = await startTestApp();
  try {
    const store = app.memory.forOwner("tool-user");
    const namespace = ["chats", "{thread_id}"];
    const manage = createManageMemoryTool({ store, namespace });
    const search = createSearchMemoryTool({ store, namespace });
    assert.equal(manage.name, "manage_memory");
    assert.equal(search.name, "search_memory");
    const config = { configurable: { thread_id: "t-1" } };
    const created = await manage.invoke(
      { action: "create", content: "The user plays the violin" },
      config,
    );
    const id = /Created memory (\S+)\./.exec(String(created))![1]!;
    assert.ok(await app.memory.get("tool-user", ["chats", "t-1"], id));
    const hits = JSON.parse(String(await search.invoke({ query: "violin" }, config)));
    assert.equal(hits[0].id, id);
    assert.equal(typeof hits[0].score, "number");
    assert.match(
      String(
        await manage.invoke({ action: "update", id, content: "The user plays the viola" }, config),
      ),
      /Updated/,
    );
    assert.equal(
      (await app.memory.get("tool-user", ["chats", "t-1"], id))?.value.content,
      "The user plays the viola",
    );
    assert.match(
      String(await manage.invoke({ action: "update", id: "nope", content: "x" }, config)),
      /no memory nope/,
    );
    assert.match(String(await manage.invoke({ action: "delete" }, config)), /`id` is required/);
    assert.match(String(await manage.invoke({ action: "delete", id }, config)), /Deleted/);
    await assert.rejects(() => search.invoke({ query: "x" }), /configurable\.thread_id/);
  } finally {
    await app.close();
  }
});

Deno.test("the tools use the graph's store when none is given", async () => {
  const app = await startTestApp();
  try {
    const store = app.memory.forOwner("graph-user");
    await store.put(["profile"], "k", { content: "The user loves sailing" });
    const search = createSearchMemoryTool({ namespace: ["profile"] });
    let found = "";
    const graph = new StateGraph(MessagesAnnotation)
      .addNode("recall", async (_state, config) => {
        found = String(await search.invoke({ query: "sailing" }, config));
        return {};
      })
      .addEdge("__start__", "recall")
      .compile({ store });
    await graph.invoke({ messages: [] });
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
