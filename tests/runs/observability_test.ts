import assert from "node:assert/strict";
import { readEvents, RUN_EVENTS, sseClient, startRunsApp } from "./harness.ts";

Deno.test("a run records the agent metrics and logs agent_start and agent_response", async () => {
  const app = await startRunsApp();
  try {
    const threadId = await app.createThread("alice");
    const run = await app.sendMessage("alice", { threadId, content: "count my tokens" });
    const client = sseClient(app, await app.as("alice"));
    const events = await readEvents(
      client.iterate({ query: RUN_EVENTS, variables: { runId: run.id } }),
      "runEvents",
    );
    client.dispose();
    const tokens = events.filter((e) => e.__typename === "TokenEvent").length;
    assert.ok(tokens > 5);

    const metrics = await (await app.fetch(new Request("http://localhost/metrics"))).text();
    const value = (pattern: string) => {
      const line = metrics.split("\n").find((l) => l.startsWith(pattern));
      assert.ok(line, `missing ${pattern}`);
      return Number(line.slice(pattern.length).trim());
    };
    assert.equal(value('agent_requests_total{agent_type="supervisor",status="success"}'), 1);
    assert.equal(value('agent_response_time_seconds_count{agent_type="supervisor"}'), 1);
    assert.equal(value('active_agents_count{agent_type="supervisor"}'), 0);
    assert.equal(value('agent_tokens_streamed_total{agent_type="supervisor"}'), tokens);
    assert.equal(value('agent_time_to_first_token_seconds_count{agent_type="supervisor"}'), 1);
    assert.match(metrics, /# TYPE agent_response_time_seconds histogram/);
    assert.match(metrics, /# TYPE active_agents_count gauge/);

    const start = app.logs.find((l) => l.message === "agent_start");
    const response = app.logs.find((l) => l.message === "agent_response");
    for (const line of [start, response]) {
      assert.equal(line?.thread_id, threadId);
      assert.equal(line?.agent_type, "supervisor");
      assert.equal(line?.user_id, "alice");
      assert.equal(line?.run_id, run.id);
    }
    assert.equal(response?.token_count, tokens);
    assert.equal(typeof response?.response_time, "number");
    assert.equal(response?.status, "success");
  } finally {
    await app.close();
  }
});
