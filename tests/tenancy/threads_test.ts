/**
 * Threads across tenants: bob and the admin reach for alice's thread through
 * every query, nested field, list filter and mutation of the threads domain,
 * and must find nothing, change nothing, and learn nothing (another user's
 * id answers exactly like a missing one). Admins get no cross-user access to
 * threads: the thread service scopes every read and write to the viewer.
 */
import assert from "node:assert/strict";
import { startTenants, type TenantName } from "../support/tenants.ts";
import { countRows, ok, refuses, waitForRun } from "./helpers.ts";
import { CHAT, CREATE, FULL, LIST, NESTED, SEND } from "./thread_queries.ts";

const INTRUDERS: TenantName[] = ["bob", "admin"];

Deno.test("tenancy: threads", async (t) => {
  const tenants = await startTenants({ OFFLINE_TOKEN_DELAY_MS: "0" });
  const { marker } = tenants;
  try {
    // alice: a thread whose every text carries the marker, interrupted for approval.
    const threadId = (await ok(tenants, "alice", CREATE, {
      i: { title: `secret ${marker}`, metadata: { secret: marker, topic: "probe-topic" } },
    })).createThread.id as string;
    const runId = (await ok(tenants, "alice", SEND, {
      i: { threadId, content: `my secret is ${marker}`, requireApproval: true },
    })).sendMessage.id as string;
    assert.equal(await waitForRun(tenants, "alice", runId), "INTERRUPTED");
    const owned = (await ok(tenants, "alice", FULL, { id: threadId })).thread;
    assert.ok(owned.interrupts.length > 0 && owned.history.edges.length > 1);
    const aliceCheckpoints = owned.history.edges.map((e: { node: { id: string } }) => e.node.id);
    const aliceCursor = owned.history.edges[1].cursor as string;

    // bob: a thread of his own with history, to fork with alice's checkpoint ids.
    const bobThread = (await ok(tenants, "bob", CREATE, { i: { title: "bob's" } }))
      .createThread.id as string;
    const bobRun = (await ok(tenants, "bob", SEND, { i: { threadId: bobThread, content: "hi" } }))
      .sendMessage.id as string;
    assert.equal(await waitForRun(tenants, "bob", bobRun), "SUCCESS");
    const threadsBefore = await countRows(tenants, "threads");

    const unchanged = { as: "alice" as const, query: FULL, variables: { id: threadId } };
    const missingId = () => crypto.randomUUID();

    await t.step("thread(id) with every field, over HTTP, SSE and WebSocket", async () => {
      for (const as of INTRUDERS) {
        await tenants.attempt("thread(id) full", {
          as,
          query: FULL,
          variables: { id: threadId },
          missing: { id: missingId() },
          transports: ["http", "sse", "ws"],
          unchanged,
        });
      }
    });

    await t.step("each nested field of thread(id)", async () => {
      for (const as of INTRUDERS) {
        for (const [what, fields] of Object.entries(NESTED)) {
          await tenants.attempt(what, {
            as,
            query: `query ($id: ID!) { thread(id: $id) { ${fields} } }`,
            variables: { id: threadId },
            missing: { id: missingId() },
          });
        }
      }
    });

    await t.step("threads lists and filters never include alice's thread", async () => {
      // [what, variables, whether bob's own idle thread matches]
      const probes: [string, Record<string, unknown>, boolean][] = [
        ["no filter", {}, true],
        ["metadata with alice's secret", { f: { metadata: { secret: marker } } }, false],
        ["metadata with alice's topic", { f: { metadata: { topic: "probe-topic" } } }, false],
        ["empty metadata filter", { f: { metadata: {} } }, true],
        ["status INTERRUPTED", { f: { status: "INTERRUPTED" } }, false],
        ["agentId supervisor (the default)", { f: { agentId: "supervisor" } }, true],
        ["every filter of alice's thread", {
          f: { agentId: "supervisor", status: "INTERRUPTED", metadata: { secret: marker } },
        }, false],
      ];
      // The probes do find alice's thread for alice, so an empty answer means something.
      const own = await ok(tenants, "alice", LIST, probes[1]![1]);
      assert.deepEqual(own.threads.edges.map((e: { node: { id: string } }) => e.node.id), [
        threadId,
      ]);
      // alice's thread is older than bob's: bob's list after its cursor is empty.
      probes.push(["paging after alice's cursor", { after: own.threads.edges[0].cursor }, false]);
      for (const as of INTRUDERS) {
        for (const [what, variables, bobMatches] of probes) {
          const result = await tenants.invisible(`threads (${what})`, {
            as,
            query: LIST,
            variables,
            markers: [threadId, "probe-topic"],
          });
          const ids = (result.data?.threads as { edges: { node: { id: string } }[] }).edges
            .map((e) => e.node.id);
          assert.deepEqual(ids, as === "bob" && bobMatches ? [bobThread] : [], `${as}: ${what}`);
        }
      }
    });

    await t.step("history paged with alice's checkpoint cursor shows only bob's", async () => {
      await tenants.invisible("thread.history after alice's cursor", {
        as: "bob",
        query: `query ($id: ID!, $after: String) { thread(id: $id) {
          history(first: 20, after: $after) { edges { node { id values } } } } }`,
        variables: { id: bobThread, after: aliceCursor },
        markers: aliceCheckpoints,
      });
    });

    await t.step("updateThread, deleteThread, copyThread, forkThread", async () => {
      const cases: [string, string, Record<string, unknown>][] = [
        [
          "updateThread",
          "mutation ($i: UpdateThreadInput!) { updateThread(input: $i) { id title metadata } }",
          { title: "pwned", metadata: { secret: "pwned" } },
        ],
        [
          "updateThread (title only)",
          "mutation ($i: UpdateThreadInput!) { updateThread(input: $i) { id } }",
          { title: "pwned" },
        ],
        ["deleteThread", "mutation ($i: ThreadIdInput!) { deleteThread(input: $i) }", {}],
        [
          "copyThread",
          "mutation ($i: ThreadIdInput!) { copyThread(input: $i) { id title messages { content } } }",
          {},
        ],
      ];
      for (const as of INTRUDERS) {
        for (const [what, query, rest] of cases) {
          await tenants.attempt(what, {
            as,
            query,
            variables: { i: { threadId, ...rest } },
            missing: { i: { threadId: missingId(), ...rest } },
            unchanged,
          });
        }
        for (const checkpointId of [aliceCheckpoints[0], aliceCheckpoints.at(-1)]) {
          await tenants.attempt("forkThread (alice's thread, alice's checkpoint)", {
            as,
            query: "mutation ($i: ForkThreadInput!) { forkThread(input: $i) { id values } }",
            variables: { i: { threadId, checkpointId } },
            missing: { i: { threadId: missingId(), checkpointId } },
            unchanged,
          });
        }
      }
      // alice's checkpoint ids on bob's own thread: as unknown as any made-up id.
      for (const checkpointId of [aliceCheckpoints[0], aliceCheckpoints.at(-1)]) {
        await tenants.attempt("forkThread (own thread, alice's checkpoint)", {
          as: "bob",
          query: "mutation ($i: ForkThreadInput!) { forkThread(input: $i) { id values } }",
          variables: { i: { threadId: bobThread, checkpointId } },
          missing: { i: { threadId: bobThread, checkpointId: crypto.randomUUID() } },
          unchanged,
        });
      }
      const count = await countRows(tenants, "threads");
      assert.equal(count, threadsBefore, "no copy or fork was left behind");
    });

    await t.step("sendMessage and chat on alice's thread", async () => {
      for (const as of INTRUDERS) {
        for (const multitaskStrategy of ["REJECT", "ENQUEUE", "INTERRUPT", "ROLLBACK"]) {
          const input = { content: "let me in", multitaskStrategy, requireApproval: false };
          await tenants.attempt(`sendMessage (${multitaskStrategy})`, {
            as,
            query: SEND,
            variables: { i: { threadId, ...input } },
            missing: { i: { threadId: missingId(), ...input } },
            unchanged,
          });
        }
        await tenants.attempt("chat", {
          as,
          query: CHAT,
          variables: { i: { threadId, content: "let me in", multitaskStrategy: "INTERRUPT" } },
          missing: {
            i: { threadId: missingId(), content: "let me in", multitaskStrategy: "INTERRUPT" },
          },
          transports: ["sse", "ws"],
          unchanged,
        });
      }
      const count = await countRows(tenants, "runs", ["thread_id", threadId]);
      assert.equal(count, 1, "no run was started on alice's thread");
    });

    await t.step("bad inputs the thread tests do not cover", async () => {
      const long = "x".repeat(101);
      const cases: [string, string, Record<string, unknown>, RegExp][] = [
        ["thread(id) empty", "query ($id: ID!) { thread(id: $id) { id } }", { id: "" }, /id/],
        [
          "thread(id) too long",
          "query ($id: ID!) { thread(id: $id) { id } }",
          { id: long },
          /id.*100/,
        ],
        [
          "updateThread blank title",
          "mutation ($i: UpdateThreadInput!) { updateThread(input: $i) { id } }",
          { i: { threadId, title: "   " } },
          /input\.title/,
        ],
        [
          "updateThread empty threadId",
          "mutation ($i: UpdateThreadInput!) { updateThread(input: $i) { id } }",
          { i: { threadId: "", title: "x" } },
          /input\.threadId/,
        ],
        [
          "deleteThread empty threadId",
          "mutation ($i: ThreadIdInput!) { deleteThread(input: $i) }",
          { i: { threadId: "" } },
          /input\.threadId/,
        ],
        [
          "copyThread threadId too long",
          "mutation ($i: ThreadIdInput!) { copyThread(input: $i) { id } }",
          { i: { threadId: long } },
          /input\.threadId/,
        ],
        [
          "forkThread empty checkpointId",
          "mutation ($i: ForkThreadInput!) { forkThread(input: $i) { id } }",
          { i: { threadId, checkpointId: "" } },
          /input\.checkpointId/,
        ],
        [
          "forkThread checkpointId too long",
          "mutation ($i: ForkThreadInput!) { forkThread(input: $i) { id } }",
          { i: { threadId, checkpointId: long } },
          /input\.checkpointId/,
        ],
        ["threads filter empty agentId", LIST, { f: { agentId: "" } }, /filter\.agentId/],
      ];
      const before = await ok(tenants, "alice", FULL, { id: threadId });
      for (const [what, query, variables, field] of cases) {
        await refuses(tenants, what, { as: "alice", query, variables, field });
      }
      assert.deepEqual(await ok(tenants, "alice", FULL, { id: threadId }), before);
      const count = await countRows(tenants, "threads");
      assert.equal(count, threadsBefore);
    });

    await t.step("alice still owns all of it and can change it", async () => {
      const after = (await ok(tenants, "alice", FULL, { id: threadId })).thread;
      assert.deepEqual(after, owned);
      assert.ok(JSON.stringify(after.messages).includes(marker));
      const deleted = await ok(
        tenants,
        "alice",
        "mutation ($i: ThreadIdInput!) { deleteThread(input: $i) }",
        { i: { threadId } },
      );
      assert.equal(deleted.deleteThread, threadId);
    });
  } finally {
    await tenants.close();
  }
});
