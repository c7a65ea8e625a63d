/**
 * The tool registry: each tool's state in a deployment, metered calls with
 * their permission check and `tool_usage` log, artifacts kept on tool
 * messages, and `web_search` against a local Tavily-compatible server.
 */
import assert from "node:assert/strict";
import type { ToolMessage } from "@langchain/core/messages";
import { Registry } from "prom-client";
import { z } from "zod";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { defineTool } from "../../src/core/tool.ts";
import { createToolMetrics } from "../../src/tools/metrics.ts";
import { createToolRegistry } from "../../src/tools/registry.ts";
import { TOOL_CATALOGUE } from "../../src/tools/catalogue.ts";
import { offlineArgsOf } from "../../src/llm/offline_plan.ts";

function setup(env: Record<string, string> = {}, definitions = TOOL_CATALOGUE) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    name: "t",
    write: (l) => lines.push(JSON.parse(l)),
  });
  const registry = new Registry();
  const metrics = createToolMetrics(registry);
  const tools = createToolRegistry({
    services: { config: loadConfig(env), logger },
    logger,
    metrics,
    definitions,
  });
  return { tools, lines, registry };
}

const call = (name: string, args: Record<string, unknown>) => ({
  id: `c-${name}`,
  name,
  args,
  type: "tool_call" as const,
});
const runConfig = (extra: Record<string, unknown> = {}) => ({
  configurable: { thread_id: "t1", user_id: "alice", run_id: "r1", ...extra },
});

const shout = defineTool({
  name: "shout",
  description: "Upper-cases text and returns it as an artifact too.",
  permission: "chart:render",
  schema: z.object({ text: z.string().min(1) }),
  run: ({ text }, { userId }) => ({ content: text.toUpperCase(), artifact: { by: userId } }),
  offlineArgs: (said) => ({ text: said }),
});

Deno.test("tools: every shipped tool is listed with its permission and why it is off", () => {
  const { tools } = setup({ TOOLS_DISABLED: "get_current_time", ENABLE_MEMORY: "false" });
  const byName = Object.fromEntries(tools.list().map((t) => [t.name, t]));
  assert.deepEqual(Object.keys(byName), TOOL_CATALOGUE.map((t) => t.name));
  assert.equal(byName.get_current_time?.disabledReason, "Switched off by TOOLS_DISABLED.");
  assert.equal(byName.web_search?.disabledReason, "WEB_SEARCH_API_KEY is not set.");
  assert.equal(byName.search_memory?.disabledReason, "ENABLE_MEMORY is off.");
  assert.equal(byName.ask_human?.enabled, true);
  assert.equal(byName.ask_human?.permission, "human:ask");
  assert.deepEqual(tools.enabled(["web_search", "ask_human", "get_current_time"]), ["ask_human"]);
  assert.deepEqual(tools.forAgent("a", ["web_search", "ask_human"]).map((t) => t.name), [
    "ask_human",
  ]);
});

Deno.test("tools: unknown names fail at start, in agents and in TOOLS_DISABLED", () => {
  assert.throws(() => setup({ TOOLS_DISABLED: "launch_rockets" }), /TOOLS_DISABLED: Unknown tool/);
  const { tools } = setup();
  assert.throws(() => tools.enabled(["launch_rockets"]), /Unknown tool "launch_rockets"/);
  assert.throws(() => setup({}, [shout, shout]), /share the name "shout"/);
  assert.throws(() => setup({}, [{ ...shout, name: "Shout Loud" }]), /snake_case/);
});

Deno.test("tools: a call returns a tool message with its artifact, logged and metered", async () => {
  const { tools, lines, registry } = setup({}, [shout]);
  const [tool] = tools.forAgent("chart", ["shout"]);
  const message = await tool!.invoke(call("shout", { text: "hi" }), runConfig()) as ToolMessage;
  assert.equal(message.content, "HI");
  assert.deepEqual(message.artifact, { by: "alice" });
  assert.equal(message.tool_call_id, "c-shout");
  const usage = lines.filter((l) => l.message === "tool_usage");
  assert.deepEqual(usage.map((l) => [l.tool_name, l.status, l.agent_type, l.user_id, l.run_id]), [
    ["shout", "success", "chart", "alice", "r1"],
  ]);
  assert.equal(typeof usage[0]?.execution_time, "number");
  const text = await registry.metrics();
  assert.match(
    text,
    /agent_tool_calls_total\{tool="shout",agent_type="chart",status="success"\} 1/,
  );
  assert.match(text, /agent_tool_duration_seconds_count\{tool="shout"\} 1/);
  assert.deepEqual(offlineArgsOf(tool)?.("hello"), { text: "hello" });
});

Deno.test("tools: a missing permission, bad input and a failure are refused, logged and metered", async () => {
  const { tools, lines, registry } = setup({}, [shout]);
  const [tool] = tools.forAgent("chart", ["shout"]);
  await assert.rejects(
    tool!.invoke(call("shout", { text: "hi" }), runConfig({ permissions: ["basic"] })),
    /lack the "chart:render" permission that shout needs/,
  );
  await assert.rejects(tool!.invoke(call("shout", { text: "" }), runConfig()));
  await assert.rejects(
    tool!.invoke(call("shout", { text: "hi" }), { configurable: { thread_id: "t" } }),
    /runs only inside a run/,
  );
  const ok = await tool!.invoke(
    call("shout", { text: "hi" }),
    runConfig({ permissions: ["chart:render"] }),
  );
  assert.equal((ok as ToolMessage).content, "HI");
  const statuses = lines.filter((l) => l.message === "tool_usage").map((l) => l.status);
  assert.deepEqual(statuses, ["denied", "invalid_input", "error", "success"]);
  const text = await registry.metrics();
  assert.match(text, /status="denied"\} 1/);
  assert.match(text, /status="invalid_input"\} 1/);
});

Deno.test("web_search: numbered results with an artifact from a Tavily-compatible API", async () => {
  const seen: { auth: string | null; body: unknown }[] = [];
  let status = 200;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    seen.push({ auth: req.headers.get("authorization"), body: await req.json() });
    return Response.json({
      results: [
        { title: "Deno 2", url: "https://deno.com/blog/v2", content: "Deno 2 is out.", score: 0.9 },
        { title: "Docs", url: "https://docs.deno.com", content: "Manual." },
      ],
    }, { status });
  });
  try {
    const { tools } = setup({
      WEB_SEARCH_API_KEY: "tvly-test",
      WEB_SEARCH_URL: `http://127.0.0.1:${server.addr.port}/search`,
    });
    const [search] = tools.forAgent("research", ["web_search"]);
    const message = await search!.invoke(
      call("web_search", { query: "deno 2", maxResults: 2 }),
      runConfig(),
    ) as ToolMessage;
    assert.deepEqual(seen[0], {
      auth: "Bearer tvly-test",
      body: { query: "deno 2", max_results: 2 },
    });
    assert.match(String(message.content), /^\[1\] Deno 2 \(https:\/\/deno\.com\/blog\/v2\)/);
    assert.match(String(message.content), /\[2\] Docs/);
    const artifact = message.artifact as { type: string; results: unknown[] };
    assert.equal(artifact.type, "web_results");
    assert.equal(artifact.results.length, 2);
    status = 502;
    await assert.rejects(
      search!.invoke(call("web_search", { query: "x" }), runConfig()),
      /HTTP 502/,
    );
  } finally {
    await server.shutdown();
  }
});
