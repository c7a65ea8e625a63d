/**
 * A tool's artifact (a chart specification) survives the checkpoint round
 * trip through Postgres and reaches clients on the message view, while the
 * model-facing content stays the short summary.
 *
 * @module
 */
import assert from "node:assert/strict";
import "../support/pglite_template.ts";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { openDatabase } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { createCheckpointer } from "../../src/threads/checkpointer.ts";
import { toJsonState, toMessageView } from "../../src/threads/messages.ts";

const logger = createLogger({ level: "error", name: "test", write: () => {} });

const artifact = {
  type: "vega-lite",
  spec: {
    data: { values: [{ month: "Jan", sales: 10 }, { month: "Feb", sales: 20 }] },
    mark: "bar",
    encoding: {
      x: { field: "month", type: "nominal" },
      y: { field: "sales", type: "quantitative" },
    },
  },
};

Deno.test("a tool message's artifact survives the checkpoint and shows on its view", async () => {
  const db = await openDatabase(loadConfig({ PGLITE_DATA_DIR: "memory://" }).database, {
    logger,
    metrics: createMetrics(),
  });
  try {
    await migrate(db.sql, { logger });
    const build = () =>
      new StateGraph(MessagesAnnotation)
        .addNode("agent", () => ({
          messages: [
            new AIMessage({
              id: "ai-1",
              content: "",
              tool_calls: [{ id: "call-1", name: "render_chart", args: {} }],
            }),
          ],
        }))
        .addNode("tools", () => ({
          messages: [
            new ToolMessage({
              id: "tool-1",
              content: "Rendered a bar chart of 2 records; the user sees it.",
              tool_call_id: "call-1",
              name: "render_chart",
              artifact,
            }),
          ],
        }))
        .addEdge(START, "agent")
        .addEdge("agent", "tools")
        .addEdge("tools", END)
        .compile({ checkpointer: createCheckpointer(db.sql, { ownerId: "alice" }) });
    const config = { configurable: { thread_id: "chart-thread" } };
    await build().invoke(
      { messages: [new HumanMessage({ id: "h-1", content: "chart it" })] },
      config,
    );

    // A new checkpointer reads the state back from the rows alone.
    const state = await build().getState(config);
    const messages = state.values.messages as ToolMessage[];
    const views = messages.map(toMessageView);
    assert.deepEqual(views.map((v) => v.artifact), [null, null, artifact]);
    assert.deepEqual(views[2], {
      id: "tool-1",
      role: "tool",
      content: "Rendered a bar chart of 2 records; the user sees it.",
      toolCalls: [],
      toolCallId: "call-1",
      name: "render_chart",
      artifact,
    });
    // State updates (MessageEvent, StateUpdateEvent) use the same view.
    const update = toJsonState({ messages: [messages[2]] }) as {
      messages: { artifact: unknown }[];
    };
    assert.deepEqual(update.messages[0]?.artifact, artifact);
  } finally {
    await db.close();
  }
});

Deno.test("messages without an artifact have a null one", () => {
  const view = toMessageView(new ToolMessage({ content: "done", tool_call_id: "c" }));
  assert.equal(view.artifact, null);
  assert.equal(toMessageView(new AIMessage({ content: "hi" })).artifact, null);
});
