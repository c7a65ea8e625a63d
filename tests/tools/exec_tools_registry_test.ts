/**
 * `run_code` and `render_chart` as agents get them: through the real tool
 * registry, as LangChain tools whose JSON schemas the model reads, returning
 * tool messages (the chart's artifact beside its summary).
 */
import assert from "node:assert/strict";
import type { ToolMessage } from "@langchain/core/messages";
import { toJsonSchema } from "@langchain/core/utils/json_schema";
import { Registry } from "prom-client";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createToolMetrics } from "../../src/tools/metrics.ts";
import { createToolRegistry } from "../../src/tools/registry.ts";
import { TOOL_CATALOGUE } from "../../src/tools/catalogue.ts";

function agentTools() {
  const logger = createLogger({ level: "error", name: "t", write: () => {} });
  const registry = createToolRegistry({
    services: { config: loadConfig({}), logger },
    logger,
    metrics: createToolMetrics(new Registry()),
    definitions: TOOL_CATALOGUE,
  });
  const [runCode, renderChart] = registry.forAgent("code", ["run_code", "render_chart"]);
  return { runCode: runCode!, renderChart: renderChart! };
}

const runConfig = { configurable: { thread_id: "t1", user_id: "alice", run_id: "r1" } };
const call = (name: string, args: Record<string, unknown>) => ({
  id: `call-${name}`,
  name,
  args,
  type: "tool_call" as const,
});

Deno.test("both tools are enabled here and give the model object JSON schemas", () => {
  const { runCode, renderChart } = agentTools();
  const code = toJsonSchema(runCode.schema) as { type: string; required: string[] };
  assert.equal(code.type, "object");
  assert.deepEqual(code.required.toSorted(), ["code", "language"]);
  const chart = toJsonSchema(renderChart.schema) as { type: string; properties: object };
  assert.equal(chart.type, "object");
  assert.deepEqual(Object.keys(chart.properties), ["spec", "data", "mark", "x", "y", "title"]);
});

Deno.test("render_chart's tool message carries the Vega-Lite artifact; the model reads a summary", async () => {
  const { renderChart } = agentTools();
  const message = await renderChart.invoke(
    call("render_chart", {
      data: [{ k: "a", v: 1 }, { k: "b", v: 2 }],
      mark: "bar",
      x: "k",
      y: "v",
    }),
    runConfig,
  ) as ToolMessage;
  assert.equal(message.content, "Rendered a bar chart of 2 records; the user sees it.");
  assert.equal((message.artifact as { type: string }).type, "vega-lite");
  assert.equal(message.tool_call_id, "call-render_chart");
});

Deno.test("run_code's tool message is the JSON report", async () => {
  const { runCode } = agentTools();
  const message = await runCode.invoke(
    call("run_code", {
      language: "typescript",
      code: "const xs: number[] = [1, 2, 3];\nxs.length",
    }),
    runConfig,
  ) as ToolMessage;
  const report = JSON.parse(String(message.content));
  assert.equal(report.status, "ok");
  assert.equal(report.result, 3);
  assert.equal(message.artifact, undefined);
});
