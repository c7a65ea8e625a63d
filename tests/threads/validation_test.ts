// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { CHAT, RUN_EVENTS, sseClient, startRunsApp } from "../runs/harness.ts";

const SEND = "mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }";
const CREATE = "mutation($input: CreateThreadInput!) { createThread(input: $input) { id } }";

Deno.test("bad input answers BAD_USER_INPUT naming the field, and stores nothing", async (t) => {
  const app = await startRunsApp({ MAX_MESSAGE_CHARS: "20" });
  const threadId = await app.createThread("alice");

  async function rejects(query: string, variables: Record<string, unknown>, field: RegExp) {
    const error = await app.fails("alice", query, variables);
    assert.equal(error.extensions?.code, "BAD_USER_INPUT", error.message);
    assert.match(`${error.extensions?.field ?? ""} ${error.message}`, field);
    return error;
  }

  try {
    await t.step("sendMessage content: empty, blank, over MAX_MESSAGE_CHARS", async () => {
      await rejects(SEND, { input: { threadId, content: "" } }, /input\.content/);
      await rejects(SEND, { input: { threadId, content: " \n\t " } }, /input\.content.*empty/);
      const long = await rejects(
        SEND,
        { input: { threadId, content: "x".repeat(21) } },
        /input\.content/,
      );
      assert.match(long.message, /at most 20 characters \(MAX_MESSAGE_CHARS\); got 21/);
      await app.ok("alice", SEND, { input: { threadId, content: "x".repeat(20) } }).then(async (
        d,
      ) => await app.waitForRun("alice", d.sendMessage.id));
    });

    await t.step("unknown enum values", async () => {
      await rejects(
        SEND,
        { input: { threadId, content: "hi", multitaskStrategy: "SOMETIMES" } },
        /multitaskStrategy/,
      );
      await rejects(
        "mutation($input: CancelRunInput!) { cancelRun(input: $input) { id } }",
        { input: { runId: "x", action: "EXPLODE" } },
        /action/,
      );
      await rejects(
        "query($f: ThreadFilter) { threads(filter: $f) { edges { cursor } } }",
        { f: { status: "SLEEPING" } },
        /status/,
      );
    });

    await t.step("thread inputs", async () => {
      await rejects(CREATE, { input: { title: "" } }, /input\.title/);
      await rejects(CREATE, { input: { title: "t".repeat(501) } }, /input\.title.*500/);
      await rejects(CREATE, { input: { metadata: [1, 2] } }, /input\.metadata.*JSON object/);
      await rejects(CREATE, { input: { metadata: "text" } }, /input\.metadata/);
      await rejects(
        CREATE,
        { input: { metadata: { big: "x".repeat(17_000) } } },
        /input\.metadata.*16384/,
      );
      await rejects(
        "mutation($input: UpdateThreadInput!) { updateThread(input: $input) { id } }",
        { input: { threadId, metadata: 5 } },
        /input\.metadata/,
      );
      await rejects(
        "query($f: ThreadFilter) { threads(filter: $f) { edges { cursor } } }",
        { f: { metadata: "x" } },
        /filter\.metadata/,
      );
    });

    await t.step("pagination arguments", async () => {
      const list =
        "query($first: Int, $after: String, $last: Int) { threads(first: $first, after: $after, last: $last) { edges { cursor } } }";
      await rejects(list, { first: 0 }, /first/);
      await rejects(list, { first: 101 }, /first must be from 1 to 100/);
      await rejects(list, { first: 2, last: 2 }, /first or last, not both/);
      await rejects(list, { last: 0 }, /last must be from 1 to 100/);
      await rejects(list, { last: 101 }, /last must be from 1 to 100/);
      await rejects(list, { after: "not a cursor" }, /after/);
      await rejects(list, { after: btoa("run:1") }, /after/);
    });

    await t.step("subscriptions validate too", async () => {
      const client = sseClient(app, await app.as("alice"));
      for (
        const [query, variables, field] of [
          [CHAT, { input: { threadId, content: "" } }, /input\.content/],
          [RUN_EVENTS, { runId: crypto.randomUUID(), after: -1 }, /after/],
        ] as const
      ) {
        const errors = await (async () => {
          for await (const result of client.iterate({ query, variables })) return result.errors;
        })().catch((e) => Array.isArray(e) ? e : [e]);
        assert.equal((errors as any)?.[0]?.extensions?.code, "BAD_USER_INPUT");
        assert.match(JSON.stringify(errors), field);
      }
      client.dispose();
    });

    await t.step("nothing was stored by a rejected input", async () => {
      const threads = await app.database.sql`SELECT id FROM threads WHERE owner_id = 'alice'`;
      assert.equal(threads.length, 1);
      const runs = await app.database.sql`SELECT id FROM runs WHERE owner_id = 'alice'`;
      assert.equal(runs.length, 1, "only the valid 20-character message made a run");
    });
  } finally {
    await app.close();
  }
});
