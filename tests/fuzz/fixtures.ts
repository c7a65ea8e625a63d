/**
 * What the fuzzer runs against: the real app (staging profile, so every
 * request carries a token) with a victim, alice, who owns one of each thing
 * an id can name (a thread with a finished run and its checkpoints, a
 * memory, a plan, a document), and the attacker, bob, who sends every fuzz
 * case and owns one thread of his own so fields under `thread(id)` can be
 * reached. The ids of alice's objects are the "foreign" ids the fuzzer sends.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTenants, type Tenants } from "../support/tenants.ts";
import { ok, waitForRun } from "../tenancy/helpers.ts";
import { secretPlan } from "../tenancy/secret_plan.ts";
import { settled, uploadOver } from "../documents/support.ts";
import type { ForeignIds } from "./bad_values.ts";

/** The app, alice's ids, and bob's own thread. */
export interface FuzzFixture {
  tenants: Tenants;
  foreign: ForeignIds;
  own: Record<string, string>;
}

const CREATE = "mutation ($i: CreateThreadInput!) { createThread(input: $i) { id } }";
const SEND = "mutation ($i: SendMessageInput!) { sendMessage(input: $i) { id } }";
const HISTORY =
  "query ($id: ID!) { thread(id: $id) { history(first: 1) { edges { node { id } } } } }";
const PUT = "mutation ($i: PutMemoryInput!) { putMemory(input: $i) { key } }";
const IMPORT = "mutation ($i: ImportPlanInput!) { importPlan(input: $i) { id } }";

/** Starts the app and stores alice's objects; waits until nothing runs in the background. */
export async function startFixture(): Promise<FuzzFixture> {
  const tenants = await startTenants();
  try {
    const thread = (await ok(tenants, "alice", CREATE, { i: { title: "alice's thread" } }))
      .createThread.id as string;
    // Independent, so they overlap: the run and the ingest spend most of their time waiting.
    const [[run, checkpoint], document, plan, own] = await Promise.all([
      (async () => {
        const run = (await ok(tenants, "alice", SEND, { i: { threadId: thread, content: "hi" } }))
          .sendMessage.id as string;
        await waitForRun(tenants, "alice", run);
        const history = (await ok(tenants, "alice", HISTORY, { id: thread })).thread.history;
        return [run, history.edges[0].node.id as string];
      })(),
      (async () => {
        const upload = await uploadOver(tenants.url, new File(["alice's notes"], "notes.txt"), {
          token: tenants.alice.token,
        });
        assert.equal(upload.body.errors, undefined, JSON.stringify(upload.body.errors));
        const document = (upload.body.data?.uploadDocument as { id: string }).id;
        assert.equal((await settled(tenants.app, "alice", document)).status, "READY");
        return document;
      })(),
      (async () => {
        await ok(tenants, "alice", PUT, {
          i: { namespace: ["notes"], key: "secret", value: { content: "alice likes tea" } },
        });
        return (await ok(tenants, "alice", IMPORT, { i: { plan: secretPlan(tenants.marker) } }))
          .importPlan.id as string;
      })(),
      (async () =>
        (await ok(tenants, "bob", CREATE, { i: { title: "bob's thread" } })).createThread
          .id as string)(),
    ]);
    return {
      tenants,
      foreign: {
        thread,
        run,
        checkpoint,
        plan,
        task: "alpha_task_1",
        phase: "alpha_phase",
        document,
        memory: "secret",
      },
      own: { Thread: own },
    };
  } catch (error) {
    await tenants.close();
    throw error;
  }
}
