/**
 * Tool permissions end to end: a token whose `scope` lacks a tool's
 * permission gets the refusal as the tool's answer, the model carries on,
 * and the call is metered as denied; the same call with the scope runs.
 */
import assert from "node:assert/strict";
import { signJwt } from "../../src/auth/jwt.ts";
import { permissionsOf } from "../../src/auth/permissions.ts";
import { startMockOpenAI } from "../support/mock_openai.ts";
import { SECRET, startRunsApp } from "../runs/harness.ts";

const THREAD = `query($id: ID!) { thread(id: $id) { messages { role name content } } }`;

Deno.test("tools: a scoped token's agents are refused the tools its scope lacks", async () => {
  const mock = await startMockOpenAI({ tokens: 3 });
  const app = await startRunsApp({ OPENAI_API_KEY: "sk-mock", OPENAI_BASE_URL: mock.url });
  try {
    const scoped = {
      authorization: `Bearer ${await signJwt({ sub: "dana", scope: "basic" }, SECRET)}`,
    };
    const viewer = await app.graphql("{ viewer { permissions } }", {}, scoped);
    assert.deepEqual(viewer.data?.viewer, { permissions: ["basic"] });
    const unscoped = await app.ok("erin", "{ viewer { permissions } }");
    assert.ok(unscoped.viewer.permissions.includes("code:execute"));

    const toolTurn = async (headers: Record<string, string>) => {
      const created = await app.graphql(
        `mutation { createThread(input: {agentId: "assistant"}) { id } }`,
        {},
        headers,
      );
      const threadId = (created.data?.createThread as { id: string }).id;
      mock.script({
        kind: "tool_calls",
        calls: [{ name: "search_memory", arguments: { query: "tea" } }],
      });
      mock.script({ kind: "text", text: "Done." });
      const sent = await app.graphql(
        `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
        { input: { threadId, content: "What tea do I like?" } },
        headers,
      );
      const runId = (sent.data?.sendMessage as { id: string }).id;
      for (let i = 0; i < 500; i++) {
        const run = await app.graphql(
          `query($id: ID!) { run(id: $id) { status } }`,
          { id: runId },
          headers,
        );
        if ((run.data?.run as { status: string }).status === "SUCCESS") break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const thread = await app.graphql(THREAD, { id: threadId }, headers);
      const messages = (thread.data?.thread as { messages: Record<string, string>[] }).messages;
      return messages.find((m) => m.role === "TOOL");
    };

    const denied = await toolTurn(scoped);
    assert.equal(denied?.name, "search_memory");
    assert.match(denied?.content ?? "", /lack the "memory:read" permission/);
    const allowed = await toolTurn(await app.as("erin"));
    assert.match(allowed?.content ?? "", /^\[/, "an unscoped token searches: a JSON list");

    const metrics = await (await app.fetch(new Request("http://localhost/metrics"))).text();
    assert.match(
      metrics,
      /agent_tool_calls_total\{tool="search_memory",agent_type="assistant",status="denied"\} 1/,
    );
    assert.match(
      metrics,
      /agent_tool_calls_total\{tool="search_memory",agent_type="assistant",status="success"\} 1/,
    );
  } finally {
    await app.close();
    await mock.close();
  }
});

Deno.test("tools: the scope holds inside the supervisor's workers too", async () => {
  const mock = await startMockOpenAI({ tokens: 3 });
  const app = await startRunsApp({ OPENAI_API_KEY: "sk-mock", OPENAI_BASE_URL: mock.url });
  try {
    const token = await signJwt({ sub: "dana", scope: "basic" }, SECRET);
    const headers = { authorization: `Bearer ${token}` };
    const created = await app.graphql(
      `mutation { createThread(input: {agentId: "supervisor"}) { id } }`,
      {},
      headers,
    );
    const threadId = (created.data?.createThread as { id: string }).id;
    mock.script({ kind: "tool_calls", calls: [{ name: "transfer_to_research", arguments: {} }] });
    mock.script({
      kind: "tool_calls",
      calls: [{ name: "search_documents", arguments: { query: "tea" } }],
    });
    mock.script({ kind: "text", text: "Nothing I may read." });
    mock.script({ kind: "text", text: "Research found nothing." });
    const sent = await app.graphql(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
      { input: { threadId, content: "Research my notes about tea" } },
      headers,
    );
    const runId = (sent.data?.sendMessage as { id: string }).id;
    let status = "PENDING";
    for (let i = 0; i < 500 && ["PENDING", "RUNNING"].includes(status); i++) {
      await new Promise((r) => setTimeout(r, 10));
      const run = await app.graphql(
        `query($id: ID!) { run(id: $id) { status } }`,
        { id: runId },
        headers,
      );
      status = (run.data?.run as { status: string }).status;
    }
    assert.equal(status, "SUCCESS");
    const thread = await app.graphql(THREAD, { id: threadId }, headers);
    const messages = (thread.data?.thread as { messages: Record<string, string>[] }).messages;
    const refused = messages.find((m) => m.role === "TOOL" && m.name === "search_documents");
    assert.match(refused?.content ?? "", /lack the "documents:read" permission/);
  } finally {
    await app.close();
    await mock.close();
  }
});

Deno.test("tools: the tools query lists each tool, its permission and why it is off", async () => {
  const app = await startRunsApp({ TOOLS_DISABLED: "get_current_time" });
  try {
    const data = await app.ok("alice", "{ tools { name permission enabled disabledReason } }");
    const byName = Object.fromEntries(data.tools.map((t: { name: string }) => [t.name, t]));
    assert.deepEqual(byName.get_current_time, {
      name: "get_current_time",
      permission: "basic",
      enabled: false,
      disabledReason: "Switched off by TOOLS_DISABLED.",
    });
    assert.equal(byName.web_search.enabled, false);
    const agent = await app.ok("alice", '{ agent(id: "assistant") { tools } }');
    assert.ok(!agent.agent.tools.includes("get_current_time"));
  } finally {
    await app.close();
  }
});

Deno.test("tools: a token's scope keeps Graphmind's permissions and must be a string", () => {
  assert.equal(permissionsOf({ sub: "a" }), undefined);
  assert.deepEqual(permissionsOf({ sub: "a", scope: "openid memory:read  basic memory:read" }), [
    "memory:read",
    "basic",
  ]);
  assert.deepEqual(permissionsOf({ sub: "a", scope: "" }), []);
  assert.throws(() => permissionsOf({ sub: "a", scope: ["basic"] }), /space-separated string/);
});
