/**
 * Runs across tenants: while alice has one run streaming and one paused for
 * approval, bob and the admin read, cancel, resume, send to and subscribe to
 * them over every transport. Each must answer like a missing id: in
 * particular never CONFLICT (which would say the thread is busy or the run
 * ended) and never an event. Admins get no cross-user access to runs: the
 * run service scopes every lookup to the viewer.
 */
import assert from "node:assert/strict";
import { startTenants, type TenantName } from "../support/tenants.ts";
import { ok, refuses, waitForRun } from "./helpers.ts";

const CREATE = "mutation ($i: CreateThreadInput!) { createThread(input: $i) { id } }";
const SEND = "mutation ($i: SendMessageInput!) { sendMessage(input: $i) { id status } }";
const CHAT = "subscription ($i: SendMessageInput!) { chat(input: $i) { __typename runId } }";
const RUN = `query ($id: ID!) { run(id: $id) {
  id threadId agentId status error multitaskStrategy createdAt startedAt endedAt lastSequence } }`;
const RUN_EVENTS =
  `subscription ($runId: ID!, $after: Int) { runEvents(runId: $runId, after: $after) {
  __typename id runId sequence ... on TokenEvent { text } ... on MessageEvent { message { content } }
  ... on InterruptEvent { value } ... on RunStatusEvent { status } } }`;
const CANCEL = "mutation ($i: CancelRunInput!) { cancelRun(input: $i) { id status } }";
const RESUME = "mutation ($i: ResumeRunInput!) { resumeRun(input: $i) { id status } }";
const THREAD = `query ($id: ID!) { thread(id: $id) { status updatedAt interrupts { id value }
  runs(first: 20) { edges { node { id status endedAt } } } } }`;
const INTRUDERS: TenantName[] = ["bob", "admin"];

Deno.test("tenancy: runs", async (t) => {
  // Slow tokens keep alice's long run streaming through the attacks; she cancels it after.
  const tenants = await startTenants({ OFFLINE_TOKEN_DELAY_MS: "150" });
  const { marker } = tenants;
  try {
    const thread = async (title: string) =>
      (await ok(tenants, "alice", CREATE, { i: { title: `${title} ${marker}` } })).createThread
        .id as string;
    const paused = await thread("paused");
    const busy = await thread("busy");
    const pausedRun = (await ok(tenants, "alice", SEND, {
      i: { threadId: paused, content: `approve ${marker}`, requireApproval: true },
    })).sendMessage.id as string;
    // The offline model quotes up to 200 characters: about 120 tokens, 18 s at 150 ms.
    const liveRun = (await ok(tenants, "alice", SEND, {
      i: { threadId: busy, content: `${marker} ${"a ".repeat(90)}` },
    })).sendMessage.id as string;
    assert.equal(await waitForRun(tenants, "alice", pausedRun), "INTERRUPTED");
    assert.equal(await waitForRun(tenants, "alice", liveRun, (s) => s !== "PENDING"), "RUNNING");
    const bobThread = (await ok(tenants, "bob", CREATE, { i: { title: "bob's" } })).createThread
      .id as string;

    const runStays = (id: string) => ({ as: "alice" as const, query: RUN, variables: { id } });
    const threadStays = (id: string) => ({
      as: "alice" as const,
      query: THREAD,
      variables: { id },
    });
    const missing = () => crypto.randomUUID();

    await t.step("run(id), streaming and paused, over HTTP, SSE and WebSocket", async () => {
      for (const as of INTRUDERS) {
        for (const id of [liveRun, pausedRun]) {
          await tenants.attempt("run(id)", {
            as,
            query: RUN,
            variables: { id },
            missing: { id: missing() },
            transports: ["http", "sse", "ws"],
            unchanged: runStays(id),
          });
        }
      }
    });

    await t.step(
      "runEvents of alice's runs over SSE and WebSocket, with and without after",
      async () => {
        for (const as of INTRUDERS) {
          for (
            const [runId, after] of [[liveRun, undefined], [liveRun, 0], [liveRun, 3], [
              pausedRun,
              0,
            ], [pausedRun, 1]] as const
          ) {
            await tenants.attempt(`runEvents (after ${after})`, {
              as,
              query: RUN_EVENTS,
              variables: after === undefined ? { runId } : { runId, after },
              missing: after === undefined ? { runId: missing() } : { runId: missing(), after },
              transports: ["sse", "ws"],
              unchanged: runStays(runId),
            });
          }
        }
      },
    );

    await t.step("cancelRun on a streaming and on an ended run", async () => {
      for (const as of INTRUDERS) {
        for (const action of [undefined, "INTERRUPT", "ROLLBACK"]) {
          for (const runId of [liveRun, pausedRun]) {
            const input = action === undefined ? {} : { action };
            await tenants.attempt(`cancelRun (${action ?? "default"})`, {
              as,
              query: CANCEL,
              variables: { i: { runId, ...input } },
              missing: { i: { runId: missing(), ...input } },
              unchanged: runStays(runId),
            });
          }
        }
      }
    });

    await t.step("resumeRun on a paused and on a busy thread", async () => {
      for (const as of INTRUDERS) {
        for (const threadId of [paused, busy]) {
          for (const resume of [{ approved: true }, { edit: "pwned" }, "yes"]) {
            await tenants.attempt("resumeRun", {
              as,
              query: RESUME,
              variables: { i: { threadId, resume } },
              missing: { i: { threadId: missing(), resume } },
              unchanged: threadStays(threadId),
            });
          }
        }
      }
    });

    await t.step("sendMessage and chat on a busy thread never say it is busy", async () => {
      for (const as of INTRUDERS) {
        for (const multitaskStrategy of ["REJECT", "ENQUEUE", "INTERRUPT", "ROLLBACK"]) {
          const input = { content: "stop that", multitaskStrategy };
          await tenants.attempt(`sendMessage on a busy thread (${multitaskStrategy})`, {
            as,
            query: SEND,
            variables: { i: { threadId: busy, ...input } },
            missing: { i: { threadId: missing(), ...input } },
            unchanged: runStays(liveRun),
          });
          await tenants.attempt(`chat on a busy thread (${multitaskStrategy})`, {
            as,
            query: CHAT,
            variables: { i: { threadId: busy, ...input } },
            missing: { i: { threadId: missing(), ...input } },
            transports: ["sse", "ws"],
            unchanged: runStays(liveRun),
          });
        }
      }
    });

    await t.step("bob's own thread lists none of alice's runs", async () => {
      await tenants.invisible("bob's thread.runs", {
        as: "bob",
        query: "query ($id: ID!) { thread(id: $id) { runs(first: 20) { edges { node { id } } } } }",
        variables: { id: bobThread },
        markers: [liveRun, pausedRun],
      });
    });

    await t.step("bad inputs the run tests do not cover", async () => {
      const long = "x".repeat(101);
      const cases: [string, string, Record<string, unknown>, RegExp, ("http" | "sse" | "ws")?][] = [
        ["run(id) empty", RUN, { id: "" }, /\bid\b/],
        ["run(id) too long", RUN, { id: long }, /100 characters/],
        ["cancelRun empty runId", CANCEL, { i: { runId: "" } }, /input\.runId/],
        ["cancelRun runId too long", CANCEL, { i: { runId: long } }, /input\.runId/],
        [
          "resumeRun empty threadId",
          RESUME,
          { i: { threadId: "", resume: true } },
          /input\.threadId/,
        ],
        [
          "sendMessage empty threadId",
          SEND,
          { i: { threadId: "", content: "hi" } },
          /input\.threadId/,
        ],
        [
          "sendMessage empty agentId",
          SEND,
          { i: { threadId: busy, content: "hi", agentId: "" } },
          /input\.agentId/,
        ],
        ["runEvents empty runId over WebSocket", RUN_EVENTS, { runId: "" }, /runId/, "ws"],
        [
          "runEvents negative after over WebSocket",
          RUN_EVENTS,
          { runId: liveRun, after: -1 },
          /after/,
          "ws",
        ],
        [
          "chat empty threadId over WebSocket",
          CHAT,
          { i: { threadId: "", content: "hi" } },
          /input\.threadId/,
          "ws",
        ],
      ];
      const before = await ok(tenants, "alice", THREAD, { id: busy });
      for (const [what, query, variables, field, transport] of cases) {
        await refuses(tenants, what, { as: "alice", query, variables, field, transport });
      }
      assert.deepEqual(await ok(tenants, "alice", THREAD, { id: busy }), before);
    });

    await t.step("alice still sees, streams, cancels and resumes her runs", async () => {
      assert.equal((await ok(tenants, "alice", RUN, { id: liveRun })).run.status, "RUNNING");
      for (const transport of ["sse", "ws"] as const) {
        const [first] = await tenants.run(transport, "alice", RUN_EVENTS, { runId: liveRun }, {
          take: 1,
        });
        assert.equal(first?.errors, undefined, JSON.stringify(first));
        assert.equal((first?.data?.runEvents as { runId: string }).runId, liveRun);
      }
      const cancelled = await ok(tenants, "alice", CANCEL, { i: { runId: liveRun } });
      assert.equal(cancelled.cancelRun.status, "CANCELLED");
      const resumed = await ok(tenants, "alice", RESUME, {
        i: { threadId: paused, resume: { approved: true } },
      });
      assert.equal(await waitForRun(tenants, "alice", resumed.resumeRun.id), "SUCCESS");
      const runs = await tenants.app.database.sql`SELECT owner_id FROM runs`;
      assert.deepEqual(runs.map((r) => r.owner_id), ["alice", "alice", "alice"]);
    });
  } finally {
    await tenants.close();
  }
});
