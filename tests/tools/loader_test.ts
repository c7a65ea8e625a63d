/**
 * TOOL_MODULES: a deployment's own tools, imported at start, listed by the
 * `tools` query, attached to an agent and called like any shipped tool; a
 * module that does not fit stops the start with what to fix.
 */
import assert from "node:assert/strict";
import { loadToolModules } from "../../src/tools/loader.ts";
import { startRunsApp, withMockApp } from "../runs/harness.ts";

const MODULE = `import { z } from "zod";
export const tools = [{
  name: "lookup_order",
  description: "Looks an order up by its number.",
  permission: "basic",
  schema: z.object({ order: z.string() }),
  run: ({ order }, { userId }) => ({ content: "Order " + order + " for " + userId + " shipped.",
    artifact: { order, status: "shipped" } }),
}];
export const attach = { assistant: ["lookup_order"], supervisor: ["lookup_order"] };
`;

async function moduleFile(source: string): Promise<string> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/tools.ts`;
  await Deno.writeTextFile(path, source);
  return path;
}

Deno.test("tool modules: a loaded tool is listed, attached and called in a run", async () => {
  const path = await moduleFile(MODULE);
  await withMockApp(async (app, mock) => {
    const listed = await app.ok(
      "alice",
      `{ tools { name enabled } agent(id: "assistant") { tools } }`,
    );
    assert.ok(listed.tools.some((t: { name: string }) => t.name === "lookup_order"));
    assert.ok(listed.agent.tools.includes("lookup_order"));
    // The default supervisor binds attached tools too, not only its built-in ones.
    for (const agentId of ["assistant", "supervisor"]) {
      const threadId = await app.createThread("alice", { agentId });
      mock.script({
        kind: "tool_calls",
        calls: [{ name: "lookup_order", arguments: { order: "42" } }],
      });
      mock.script({ kind: "text", text: "It shipped." });
      const run = await app.sendMessage("alice", { threadId, content: "Where is order 42?" });
      assert.equal((await app.waitForRun("alice", run.id)).status, "SUCCESS");
      const thread = await app.ok(
        "alice",
        `query($id: ID!) { thread(id: $id) { messages { role content } } }`,
        { id: threadId },
      );
      const tool = thread.thread.messages.find((m: { role: string }) => m.role === "TOOL");
      assert.equal(tool.content, "Order 42 for alice shipped.", agentId);
      const request = mock.requests.filter((r) => r.path === "/v1/chat/completions").at(-2);
      const offered = (request?.body?.tools ?? []) as { function: { name: string } }[];
      assert.ok(offered.some((t) => t.function.name === "lookup_order"), `${agentId} offers it`);
    }
  }, { TOOL_MODULES: path }).finally(() => Deno.remove(path));
});

Deno.test("tool modules: a module that does not fit is refused with what to fix", async () => {
  await assert.rejects(loadToolModules(["/nonexistent/tools.ts"]), /could not be imported/);
  const noTools = await moduleFile("export const other = 1;");
  await assert.rejects(loadToolModules([noTools]), /must export `tools`/);
  const bad = await moduleFile(
    `export const tools = [{ name: "x", description: "d", permission: "root", run: 1 }];`,
  );
  await assert.rejects(
    loadToolModules([bad]),
    /tool x: `schema` must be a zod schema; `permission` must be one of basic.*; `run` must be a function/,
  );
  const badAttach = await moduleFile(`export const tools = []; export const attach = { a: "x" };`);
  await assert.rejects(loadToolModules([badAttach]), /attach.a must be an array/);
  const strangerPath = await moduleFile(MODULE.replace("assistant:", "nobody:"));
  await assert.rejects(
    startRunsApp({ TOOL_MODULES: strangerPath }),
    /attach tools to "nobody", which is not an agent/,
  );
});
