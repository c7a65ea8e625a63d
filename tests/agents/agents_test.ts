import assert from "node:assert/strict";
import { startTestApp } from "../support/app.ts";
import { startRunsApp } from "../runs/harness.ts";
import { createAgentRegistry } from "../../src/agents/registry.ts";
import { assistant } from "../../src/agents/assistant.ts";

/** Every shipped agent and the tools it lists offline with memory on and no search key. */
const ROSTER = {
  supervisor: [
    "get_current_time",
    "ask_human",
    "manage_memory",
    "search_memory",
    "search_documents",
    "render_chart",
  ],
  assistant: ["get_current_time", "ask_human", "manage_memory", "search_memory"],
  research: ["search_documents", "search_memory"],
  chart: ["render_chart"],
  rag: ["search_documents"],
  code: ["run_code"],
  data_analysis: ["run_code", "render_chart"],
  content: [],
};

Deno.test("agents lists the roster, the default supervisor first, with model, tools and offline flag", async () => {
  const app = await startTestApp();
  try {
    const body = await app.graphql(
      '{ agents { id name description model tools offline } agent(id: "supervisor") { id } }',
    );
    assert.equal(body.errors, undefined);
    const agents = body.data?.agents as Record<string, unknown>[];
    assert.ok(agents.every((a) => a.model === "graphmind-offline" && a.offline === true));
    assert.ok(agents.every((a) => typeof a.name === "string" && String(a.description).length > 20));
    // Without WEB_SEARCH_API_KEY, web_search is absent everywhere.
    assert.deepEqual(Object.fromEntries(agents.map((a) => [a.id, a.tools])), ROSTER);
    assert.equal(agents[0]?.id, "supervisor");
    assert.deepEqual(body.data?.agent, { id: "supervisor" });
  } finally {
    await app.close();
  }
});

Deno.test("with ENABLE_MEMORY=false the memory tools are absent and the assistant still answers", async () => {
  const app = await startRunsApp({ ENABLE_MEMORY: "false", MEMORY_REFLECTION_DELAY_MS: "0" });
  try {
    const data = await app.ok(
      "carol",
      '{ agent(id: "assistant") { tools } supervisor: agent(id: "supervisor") { tools } }',
    );
    assert.deepEqual(data.agent, { tools: ["get_current_time", "ask_human"] });
    // Its workers' document and chart tools stay; research keeps its handoff for documents.
    assert.deepEqual(data.supervisor, {
      tools: ["get_current_time", "ask_human", "search_documents", "render_chart"],
    });
    const threadId = await app.createThread("carol");
    const run = await app.sendMessage("carol", { threadId, content: "I prefer green tea." });
    assert.equal((await app.waitForRun("carol", run.id)).status, "SUCCESS");
    await new Promise((resolve) => setTimeout(resolve, 50));
    // No reflection either: nothing was remembered.
    const hits = await app.memory.search("carol", { namespacePrefix: [], query: "tea" });
    assert.deepEqual(hits, []);
  } finally {
    await app.close();
  }
});

Deno.test("with a key, agents report the configured model and are not offline", async () => {
  const app = await startTestApp({
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
    DEFAULT_MODEL: "gpt-4o-mini",
  });
  try {
    const body = await app.graphql('{ agent(id: "assistant") { model offline } }');
    assert.deepEqual(body.data?.agent, { model: "gpt-4o-mini", offline: false });
  } finally {
    await app.close();
  }
});

Deno.test("an unknown agent is NOT_FOUND and names the known ones", async () => {
  const app = await startTestApp();
  try {
    const body = await app.graphql('{ agent(id: "nope") { id } }');
    assert.equal(body.errors?.[0]?.extensions?.code, "NOT_FOUND");
    assert.match(body.errors?.[0]?.message ?? "", /"nope".*"supervisor", "assistant"/);
    const empty = await app.graphql('{ agent(id: "") { id } }');
    assert.equal(empty.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
  } finally {
    await app.close();
  }
});

Deno.test("the registry refuses duplicate ids, unknown tools and a missing default", () => {
  assert.throws(() => createAgentRegistry([assistant, assistant]), /share the id/);
  assert.throws(
    () => createAgentRegistry([{ ...assistant, tools: ["launch_rockets"] }]),
    /Unknown tool "launch_rockets"/,
  );
  assert.throws(() => createAgentRegistry([{ ...assistant, id: "helper" }]), /default agent/);
  assert.throws(() => createAgentRegistry([{ ...assistant, id: "Bad Id" }]), /lower-case/);
  const underscored = createAgentRegistry([{ ...assistant, id: "data_analysis" }], "data_analysis");
  assert.equal(underscored.get("data_analysis")?.id, "data_analysis");
});
