// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { type RunsApp, startRunsApp } from "./harness.ts";

const LONG = "Tell me everything about " + Array.from({ length: 30 }, (_, i) => `w${i}`).join(" ");
const MESSAGES = `query($id: ID!) { thread(id: $id) { status messages { role content } runs {
  edges { node { id status } } } } }`;

Deno.test("multitask strategies: REJECT, ENQUEUE, INTERRUPT, ROLLBACK", async (t) => {
  const app = await startRunsApp({ OFFLINE_TOKEN_DELAY_MS: "20" });
  try {
    await t.step("REJECT answers CONFLICT naming the running run and stores nothing", async () => {
      const threadId = await app.createThread("alice");
      const first = await app.sendMessage("alice", { threadId, content: LONG });
      const error = await app.fails(
        "alice",
        "mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }",
        { input: { threadId, content: "again", multitaskStrategy: "REJECT" } },
      );
      assert.equal(error.extensions?.code, "CONFLICT");
      assert.equal(error.extensions?.runId, first.id);
      assert.match(error.message, new RegExp(`run "${first.id}"`));
      const implicit = await app.fails(
        "alice",
        "mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }",
        { input: { threadId, content: "default strategy" } },
      );
      assert.equal(implicit.extensions?.code, "CONFLICT");
      await app.waitForRun("alice", first.id);
      const thread = (await app.ok("alice", MESSAGES, { id: threadId })).thread;
      assert.equal(thread.runs.edges.length, 1);
      assert.deepEqual(thread.messages.map((m: any) => m.role), ["USER", "ASSISTANT"]);
    });

    await t.step("ENQUEUE runs after the active run, in order", async () => {
      const threadId = await app.createThread("alice");
      const first = await app.sendMessage("alice", { threadId, content: "one" });
      const second = await app.sendMessage("alice", {
        threadId,
        content: "two",
        multitaskStrategy: "ENQUEUE",
      });
      assert.equal(second.status, "PENDING");
      const a = await app.waitForRun("alice", first.id);
      const b = await app.waitForRun("alice", second.id);
      assert.equal(a.status, "SUCCESS");
      assert.equal(b.status, "SUCCESS");
      assert.ok(new Date(b.startedAt) >= new Date(a.endedAt), "the second started after the first");
      const thread = (await app.ok("alice", MESSAGES, { id: threadId })).thread;
      assert.deepEqual(thread.messages.map((m: any) => m.content.slice(0, 39)), [
        "one",
        'Offline model, turn 1. You said: "one".',
        "two",
        'Offline model, turn 2. You said: "two".',
      ]);
      assert.equal(thread.status, "IDLE");
    });

    await t.step("INTERRUPT cancels the active run, keeps its checkpoints, then runs", async () => {
      const { threadId, second, a, b } = await replaceRunningRun(app, "INTERRUPT");
      assert.equal(a.status, "CANCELLED");
      assert.match(a.error, new RegExp(`Replaced by run ${second.id} .*INTERRUPT`));
      assert.equal(b.status, "SUCCESS");
      const thread = (await app.ok("alice", MESSAGES, { id: threadId })).thread;
      // The first message was checkpointed before the interrupt; its reply was not.
      assert.deepEqual(thread.messages.map((m: any) => m.role), ["USER", "USER", "ASSISTANT"]);
      assert.equal(thread.messages[0].content, LONG);
      assert.match(thread.messages[2].content, /You said: "instead"/);
    });

    await t.step("ROLLBACK cancels the active run and removes its checkpoints", async () => {
      const { threadId, a, b } = await replaceRunningRun(app, "ROLLBACK");
      assert.equal(a.status, "CANCELLED");
      assert.match(a.error, /ROLLBACK/);
      assert.equal(b.status, "SUCCESS");
      const thread = (await app.ok("alice", MESSAGES, { id: threadId })).thread;
      assert.deepEqual(thread.messages.map((m: any) => m.content.slice(0, 38)), [
        "instead",
        'Offline model, turn 1. You said: "inst',
      ]);
    });
  } finally {
    await app.close();
  }
});

async function waitForStatus(app: any, runId: string, status: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const data = await app.ok("alice", "query($id: ID!) { run(id: $id) { status } }", {
      id: runId,
    });
    if (data.run.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`run ${runId} never reached ${status}`);
}

/** Waits until the thread's state holds `count` messages. */
async function waitForMessages(app: any, threadId: string, count: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const data = await app.ok("alice", "query($id: ID!) { thread(id: $id) { messages { id } } }", {
      id: threadId,
    });
    if (data.thread.messages.length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`thread ${threadId} never held ${count} messages`);
}

/**
 * Starts a long run on a new thread of alice's, sends "instead" with
 * `strategy` while it runs, and waits for both runs to end.
 */
async function replaceRunningRun(app: RunsApp, strategy: "INTERRUPT" | "ROLLBACK") {
  const threadId = await app.createThread("alice");
  const first = await app.sendMessage("alice", { threadId, content: LONG });
  await waitForStatus(app, first.id, "RUNNING");
  // A run starts RUNNING as it is queued when nothing waits: replace it once its input is saved.
  await waitForMessages(app, threadId, 1);
  const second = await app.sendMessage("alice", {
    threadId,
    content: "instead",
    multitaskStrategy: strategy,
  });
  const a = await app.waitForRun("alice", first.id);
  const b = await app.waitForRun("alice", second.id);
  return { threadId, first, second, a, b };
}
