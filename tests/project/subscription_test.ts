import assert from "node:assert/strict";
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import type { TestApp } from "../support/app.ts";
import { dataOf, importAs, signUsers, startProjectApp } from "./support.ts";

const SUBSCRIPTION = `subscription ($p: ID, $initial: Boolean) {
  projectStatusChanged(planId: $p, initial: $initial) {
    planId completedTasks inProgressTasks overallCompletion
  }
}`;

interface Status {
  planId: string;
  completedTasks: number;
  inProgressTasks: number;
  overallCompletion: number;
}

type Result = { data?: unknown; errors?: readonly { extensions?: Record<string, unknown> }[] };

function statusOf(result: IteratorResult<Result>): Status {
  assert.equal(result.done, false);
  assert.equal(result.value.errors, undefined, JSON.stringify(result.value.errors));
  return (result.value.data as { projectStatusChanged: Status }).projectStatusChanged;
}

/**
 * The errors a subscription answers with: graphql-js sends a failed
 * `subscribe` as one result with errors, and a client may also throw them.
 */
async function firstErrors(stream: AsyncIterableIterator<Result>): Promise<Result["errors"]> {
  try {
    const first = await stream.next();
    await stream.return?.();
    assert.equal(first.done, false, "the subscription ended without a result");
    assert.ok(first.value.errors, `expected errors, got ${JSON.stringify(first.value.data)}`);
    return first.value.errors;
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return (Array.isArray(error) ? error : [error]) as Result["errors"];
  }
}

/** The real graphql-sse client, calling the app in-process as `headers` says. */
function sseClient(app: TestApp, headers: Record<string, string>) {
  return createSseClient({
    url: "http://localhost/graphql",
    headers,
    fetchFn: (input: RequestInfo | URL, init?: RequestInit) => app.fetch(new Request(input, init)),
    retryAttempts: 0,
  });
}

async function change(app: TestApp, who: Record<string, string>, mutation: string, p?: string) {
  dataOf(await app.graphql(mutation, p === undefined ? {} : { p }, who));
}

Deno.test("projectStatusChanged streams over SSE with the real graphql-sse client", async () => {
  const app = await startProjectApp();
  const users = await signUsers();
  const client = sseClient(app, users.alice);
  try {
    const planId = await importAs(app, users.alice);
    const stream = client.iterate<Result>({
      query: SUBSCRIPTION,
      variables: { p: planId, initial: true },
    });
    assert.deepEqual(statusOf(await stream.next()), {
      planId,
      completedTasks: 1,
      inProgressTasks: 0,
      overallCompletion: 20,
    });
    await change(
      app,
      users.alice,
      `mutation ($p: ID) { updateTaskStatus(input: { planId: $p, taskId: "a", status: IN_PROGRESS }) { id } }`,
      planId,
    );
    assert.equal(statusOf(await stream.next()).inProgressTasks, 1);
    await change(
      app,
      users.alice,
      `mutation ($p: ID) { updateTaskStatus(input: { planId: $p, taskId: "a", status: COMPLETED }) { id } }`,
      planId,
    );
    assert.deepEqual(statusOf(await stream.next()), {
      planId,
      completedTasks: 2,
      inProgressTasks: 0,
      overallCompletion: 40,
    });
    await change(
      app,
      users.alice,
      `mutation ($p: ID) { assignTask(input: { planId: $p, taskId: "b", assignee: "bob" }) { id } }`,
      planId,
    );
    assert.equal(statusOf(await stream.next()).completedTasks, 2, "an assignment emits too");
    await stream.return?.();
  } finally {
    client.dispose();
    await app.close();
  }
});

Deno.test("another user's plan is NOT_FOUND over SSE", async () => {
  const app = await startProjectApp();
  const users = await signUsers();
  const client = sseClient(app, users.bob);
  try {
    const planId = await importAs(app, users.alice);
    const errors = await firstErrors(
      client.iterate<Result>({ query: SUBSCRIPTION, variables: { p: planId } }),
    );
    assert.equal(errors?.[0]?.extensions?.code, "NOT_FOUND");
  } finally {
    client.dispose();
    await app.close();
  }
});

Deno.test("projectStatusChanged streams over WebSocket with the real graphql-ws client", async () => {
  const app = await startProjectApp();
  const users = await signUsers();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const connect = (who: Record<string, string>) =>
    createWsClient({
      url: `ws://127.0.0.1:${server.addr.port}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: who.authorization },
    });
  const bob = connect(users.bob);
  const alice = connect(users.alice);
  try {
    // Bob reads the shared plan and sees the admin's change to it.
    const stream = bob.iterate<Result>({ query: SUBSCRIPTION, variables: { initial: true } });
    assert.equal(statusOf(await stream.next()).inProgressTasks, 0);
    await change(
      app,
      users.admin,
      `mutation { updateTaskStatus(input: { taskId: "arch_004", status: IN_PROGRESS }) { id } }`,
    );
    assert.deepEqual(statusOf(await stream.next()), {
      planId: "default",
      completedTasks: 0,
      inProgressTasks: 1,
      overallCompletion: 0,
    });
    await stream.return?.();

    const planId = await importAs(app, users.bob);
    const denied = await firstErrors(
      alice.iterate<Result>({ query: SUBSCRIPTION, variables: { p: planId } }),
    );
    assert.equal(denied?.[0]?.extensions?.code, "NOT_FOUND");
  } finally {
    await bob.dispose();
    await alice.dispose();
    app.drain();
    await server.shutdown();
    await app.close();
  }
});
