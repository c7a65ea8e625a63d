/**
 * Tool permissions end to end: a token whose `scope` lacks a tool's
 * permission gets the refusal as the tool's answer, the model carries on,
 * and the call is metered as denied; the same call with the scope runs.
 */
import assert from "node:assert/strict";
import { permissionsOf } from "../../src/auth/permissions.ts";
import { type RunsApp, startRunsApp, withMockApp } from "../runs/harness.ts";

const THREAD = `query($id: ID!) { thread(id: $id) { messages { role name content } } }`;

/** Sends `content` as `user` on a new thread of `agentId`; returns the thread's tool messages. */
async function toolMessagesOf(app: RunsApp, user: string, agentId: string, content: string) {
  const threadId = await app.createThread(user, { agentId });
  const run = await app.sendMessage(user, { threadId, content });
  assert.equal((await app.waitForRun(user, run.id)).status, "SUCCESS");
  const thread = await app.ok(user, THREAD, { id: threadId });
  return (thread.thread.messages as Record<string, string>[]).filter((m) => m.role === "TOOL");
}

Deno.test("tools: a scoped token's agents are refused the tools its scope lacks", async () => {
  await withMockApp(async (app, mock) => {
    app.withClaims("dana", { scope: "basic" });
    assert.deepEqual((await app.ok("dana", "{ viewer { permissions } }")).viewer, {
      permissions: ["basic"],
    });
    const unscoped = await app.ok("erin", "{ viewer { permissions } }");
    assert.ok(unscoped.viewer.permissions.includes("code:execute"));

    const toolTurn = async (user: string) => {
      mock.script({
        kind: "tool_calls",
        calls: [{ name: "search_memory", arguments: { query: "tea" } }],
      });
      mock.script({ kind: "text", text: "Done." });
      const [tool] = await toolMessagesOf(app, user, "assistant", "What tea do I like?");
      return tool;
    };
    const denied = await toolTurn("dana");
    assert.equal(denied?.name, "search_memory");
    assert.match(denied?.content ?? "", /lack the "memory:read" permission/);
    const allowed = await toolTurn("erin");
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
  });
});

Deno.test("tools: the scope holds inside the supervisor's workers too", async () => {
  await withMockApp(async (app, mock) => {
    app.withClaims("dana", { scope: "basic" });
    mock.script({ kind: "tool_calls", calls: [{ name: "transfer_to_research", arguments: {} }] });
    mock.script({
      kind: "tool_calls",
      calls: [{ name: "search_documents", arguments: { query: "tea" } }],
    });
    mock.script({ kind: "text", text: "Nothing I may read." });
    mock.script({ kind: "text", text: "Research found nothing." });
    const tools = await toolMessagesOf(app, "dana", "supervisor", "Research my notes about tea");
    const refused = tools.find((m) => m.name === "search_documents");
    assert.match(refused?.content ?? "", /lack the "documents:read" permission/);
  });
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
