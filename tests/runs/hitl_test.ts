// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { readEvents, RUN_EVENTS, serve, sseClient, startRunsApp, wsClient } from "./harness.ts";

const THREAD = `query($id: ID!) { thread(id: $id) { status messages { id role content }
  interrupts { id node value } } }`;
const RESUME = `mutation($input: ResumeRunInput!) { resumeRun(input: $input) { id status } }`;

Deno.test("human in the loop: the assistant interrupts for approval and resumes", async (t) => {
  const app = await startRunsApp();
  const alice = await app.as("alice");
  const server = serve(app);
  try {
    await t.step("a turn sent with requireApproval ends INTERRUPTED with the draft", async () => {
      const threadId = await app.createThread("alice");
      const run = await app.sendMessage("alice", {
        threadId,
        content: "book it",
        requireApproval: true,
      });
      const client = sseClient(app, alice);
      const events = await readEvents(
        client.iterate({ query: RUN_EVENTS, variables: { runId: run.id } }),
        "runEvents",
      );
      client.dispose();
      const interrupt = events.find((e) => e.__typename === "InterruptEvent");
      assert.ok(interrupt, "an InterruptEvent");
      assert.equal(interrupt.value.type, "approval");
      assert.match(interrupt.value.draft, /You said: "book it"/);
      assert.equal(events.at(-1)?.status, "INTERRUPTED");
      assert.equal((await app.waitForRun("alice", run.id)).status, "INTERRUPTED");
      const thread = (await app.ok("alice", THREAD, { id: threadId })).thread;
      assert.equal(thread.status, "INTERRUPTED");
      assert.equal(thread.interrupts.length, 1);
      assert.equal(thread.interrupts[0].node, "review");
      assert.equal(thread.interrupts[0].id, interrupt.interruptId);
      assert.equal(thread.interrupts[0].value.messageId, thread.messages[1].id);

      const resumed = (await app.ok("alice", RESUME, {
        input: { threadId, resume: { approved: true } },
      })).resumeRun;
      const ws = wsClient(server.url, alice);
      const after = await readEvents(
        ws.iterate({ query: RUN_EVENTS, variables: { runId: resumed.id } }),
        "runEvents",
      );
      await ws.dispose();
      assert.deepEqual(after.map((e) => e.__typename), [
        "RunStatusEvent",
        "RunStatusEvent",
        "StateUpdateEvent",
        "RunStatusEvent",
      ]);
      assert.deepEqual(after.map((e) => e.status), ["PENDING", "RUNNING", undefined, "SUCCESS"]);
      assert.equal(after.at(-1)?.status, "SUCCESS");
      const done = (await app.ok("alice", THREAD, { id: threadId })).thread;
      assert.equal(done.status, "IDLE");
      assert.deepEqual(done.interrupts, []);
      assert.deepEqual(done.messages.map((m: any) => m.role), ["USER", "ASSISTANT"]);
    });

    await t.step("an edit replaces the draft in place", async () => {
      const threadId = await app.createThread("alice");
      const run = await app.sendMessage("alice", { threadId, content: "x", requireApproval: true });
      await app.waitForRun("alice", run.id);
      const draftId = (await app.ok("alice", THREAD, { id: threadId })).thread.messages[1].id;
      const resumed = (await app.ok("alice", RESUME, {
        input: { threadId, resume: { edit: "Edited by a human." } },
      })).resumeRun;
      assert.equal((await app.waitForRun("alice", resumed.id)).status, "SUCCESS");
      const thread = (await app.ok("alice", THREAD, { id: threadId })).thread;
      assert.deepEqual(thread.messages.slice(1), [
        { id: draftId, role: "ASSISTANT", content: "Edited by a human." },
      ]);
    });

    await t.step("feedback makes the agent revise, then asks again", async () => {
      const threadId = await app.createThread("alice");
      const run = await app.sendMessage("alice", { threadId, content: "y", requireApproval: true });
      await app.waitForRun("alice", run.id);
      const resumed = (await app.ok("alice", RESUME, {
        input: { threadId, resume: { feedback: "shorter please" } },
      })).resumeRun;
      assert.equal((await app.waitForRun("alice", resumed.id)).status, "INTERRUPTED");
      const thread = (await app.ok("alice", THREAD, { id: threadId })).thread;
      assert.equal(thread.status, "INTERRUPTED");
      assert.deepEqual(thread.messages.map((m: any) => m.role), [
        "USER",
        "ASSISTANT",
        "USER",
        "ASSISTANT",
      ]);
      assert.equal(thread.messages[2].content, "shorter please");
      assert.match(thread.interrupts[0].value.draft, /turn 2\. You said: "shorter please"/);
    });

    await t.step("resuming a thread with nothing pending is a CONFLICT", async () => {
      const threadId = await app.createThread("alice");
      const error = await app.fails("alice", RESUME, { input: { threadId, resume: true } });
      assert.equal(error.extensions?.code, "CONFLICT");
      assert.match(error.message, /no pending interrupt/);
    });
  } finally {
    await server.close();
    await app.close();
  }
});
