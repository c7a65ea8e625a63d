/**
 * The client kit's run streams resume by themselves when the server ends a
 * stream and names where to resume (`UNAVAILABLE` with `resumeAfter`, as a
 * shutdown does): the app's `disconnect()` ends every stream mid-run, and
 * the client subscribes again with `after`, on both transports, missing and
 * repeating nothing.
 */
import assert from "node:assert/strict";
import { createClient, type RunEvent, UnavailableError } from "../../client/mod.ts";
import { startTestApp } from "../support/app.ts";

for (const transport of ["sse", "ws"] as const) {
  Deno.test(`client (${transport}): a stream the server ends with resumeAfter resumes`, async () => {
    const app = await startTestApp({ OFFLINE_TOKEN_DELAY_MS: "20" });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
    const causes: unknown[] = [];
    const client = createClient({
      url: `http://127.0.0.1:${server.addr.port}/graphql`,
      transport,
      onReconnect: (_attempt, cause) => causes.push(cause),
    });
    try {
      const { thread } = await client.threads.create({ agentId: "assistant" });
      const events: RunEvent[] = [];
      let ended: Promise<void> | undefined;
      for await (const event of client.chat(thread.id, "Tell me about tea")) {
        events.push(event);
        if (event.__typename === "TokenEvent" && ended === undefined) ended = app.disconnect();
      }
      await ended;
      assert.ok(
        causes.some((cause) => cause instanceof UnavailableError),
        `resumed after UNAVAILABLE: ${causes.map(String)}`,
      );
      assert.deepEqual(events.map((e) => e.sequence), events.map((_, i) => i + 1));
      const last = events.at(-1);
      assert.ok(last?.__typename === "RunStatusEvent" && last.status === "SUCCESS");
    } finally {
      await client.close();
      await server.shutdown();
      await app.close();
    }
  });
}
