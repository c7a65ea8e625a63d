// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { CHAT, RUN_EVENTS, serve, sseClient, startRunsApp, wsClient } from "../runs/harness.ts";

Deno.test("another user's threads and runs answer NOT_FOUND everywhere and stay unchanged", async (t) => {
  const app = await startRunsApp({ ENVIRONMENT: "staging" });
  const server = serve(app);
  try {
    const threadId = await app.createThread("alice", { title: "private", metadata: { k: 1 } });
    const done = await app.sendMessage("alice", {
      threadId,
      content: "secret",
      requireApproval: true,
    });
    await app.waitForRun("alice", done.id); // interrupted: resumable by alice only
    const checkpointId =
      (await app.ok("alice", "query($id: ID!) { thread(id: $id) { checkpointId } }", {
        id: threadId,
      })).thread.checkpointId;
    const bobsThread = await app.createThread("bob");
    const before = (await app.ok(
      "alice",
      `query($id: ID!) { thread(id: $id) { title metadata status
      messages { id } runs { edges { node { id status } } } } }`,
      { id: threadId },
    )).thread;

    const cases: [string, string, Record<string, unknown>][] = [
      ["thread", "query($id: ID!) { thread(id: $id) { id } }", { id: threadId }],
      ["run", "query($id: ID!) { run(id: $id) { id } }", { id: done.id }],
      ["updateThread", "mutation($i: UpdateThreadInput!) { updateThread(input: $i) { id } }", {
        i: { threadId, title: "pwned" },
      }],
      ["deleteThread", "mutation($i: ThreadIdInput!) { deleteThread(input: $i) }", {
        i: { threadId },
      }],
      ["copyThread", "mutation($i: ThreadIdInput!) { copyThread(input: $i) { id } }", {
        i: { threadId },
      }],
      ["forkThread", "mutation($i: ForkThreadInput!) { forkThread(input: $i) { id } }", {
        i: { threadId, checkpointId },
      }],
      ["sendMessage", "mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }", {
        i: { threadId, content: "hi", multitaskStrategy: "INTERRUPT" },
      }],
      ["resumeRun", "mutation($i: ResumeRunInput!) { resumeRun(input: $i) { id } }", {
        i: { threadId, resume: true },
      }],
      ["cancelRun", "mutation($i: CancelRunInput!) { cancelRun(input: $i) { id } }", {
        i: { runId: done.id, action: "ROLLBACK" },
      }],
    ];
    for (const [name, query, variables] of cases) {
      await t.step(`${name} as another user is NOT_FOUND`, async () => {
        const error = await app.fails("bob", query, variables);
        assert.equal(error.extensions?.code, "NOT_FOUND", `${name}: ${error.message}`);
        assert.doesNotMatch(error.message, /alice/);
      });
    }

    await t.step("unknown and malformed ids are NOT_FOUND too", async () => {
      for (const id of [crypto.randomUUID(), "not-a-uuid"]) {
        const thread = await app.fails("bob", "query($id: ID!) { thread(id: $id) { id } }", { id });
        assert.equal(thread.extensions?.code, "NOT_FOUND");
        const run = await app.fails("bob", "query($id: ID!) { run(id: $id) { id } }", { id });
        assert.equal(run.extensions?.code, "NOT_FOUND");
      }
      const agent = await app.fails(
        "bob",
        "mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }",
        {
          i: { threadId: bobsThread, content: "hi", agentId: "ghost" },
        },
      );
      assert.equal(agent.extensions?.code, "NOT_FOUND");
      assert.match(agent.message, /Agent "ghost"/);
      const created = await app.fails(
        "bob",
        'mutation { createThread(input: {agentId: "ghost"}) { id } }',
      );
      assert.equal(created.extensions?.code, "NOT_FOUND");
    });

    await t.step("subscriptions: runEvents and chat over SSE and WebSocket", async () => {
      const bob = await app.as("bob");
      const sse = sseClient(app, bob);
      const ws = wsClient(server.url, bob);
      for (const client of [sse, ws]) {
        for (
          const [query, variables] of [
            [RUN_EVENTS, { runId: done.id }],
            [CHAT, { input: { threadId, content: "hi" } }],
          ] as const
        ) {
          const errors = await (async () => {
            for await (const result of (client as any).iterate({ query, variables })) {
              return result.errors;
            }
          })().catch((e) => Array.isArray(e) ? e : [e]);
          assert.equal(errors?.[0]?.extensions?.code, "NOT_FOUND", JSON.stringify(errors));
        }
      }
      sse.dispose();
      await ws.dispose();
    });

    await t.step(
      "lists show only the viewer's threads, and alice's data is unchanged",
      async () => {
        const list = (await app.ok("bob", "{ threads { edges { node { id } } } }")).threads.edges;
        assert.deepEqual(list.map((e: any) => e.node.id), [bobsThread]);
        const after = (await app.ok(
          "alice",
          `query($id: ID!) { thread(id: $id) { title metadata status
        messages { id } runs { edges { node { id status } } } } }`,
          { id: threadId },
        )).thread;
        assert.deepEqual(after, before);
        const threads = await app.database.sql`SELECT owner_id FROM threads ORDER BY seq`;
        assert.deepEqual(threads.map((r) => r.owner_id), ["alice", "bob"]);
      },
    );
  } finally {
    await server.close();
    await app.close();
  }
});
