// deno-lint-ignore-file no-explicit-any
/**
 * Helpers for the agent roster's end-to-end tests: an app whose agents talk
 * to the mock OpenAI server (or the offline model), one turn through the
 * `chat` subscription over the real graphql-sse client, and readers for the
 * events and the thread.
 *
 * @module
 */
import type { MockOpenAI } from "../support/mock_openai.ts";
import {
  CHAT,
  type Event,
  readEvents,
  type RunsApp,
  sseClient,
  withMockApp,
  withOfflineApp,
} from "../runs/harness.ts";

export type { Event, MockOpenAI, RunsApp };
export { withMockApp, withOfflineApp };

const isEnd = (events: Event[]) => {
  const last = events.at(-1);
  // PENDING (queued) and RUNNING are not ends.
  return last?.__typename === "RunStatusEvent" && !["PENDING", "RUNNING"].includes(last.status);
};

/** Sends `content` on `threadId` through `chat` and returns every event of the run. */
export async function chat(
  app: RunsApp,
  user: string,
  threadId: string,
  content: string,
): Promise<Event[]> {
  const client = sseClient(app, await app.as(user));
  try {
    return await readEvents(
      client.iterate({ query: CHAT, variables: { input: { threadId, content } } }),
      "chat",
      isEnd,
    );
  } finally {
    await client.dispose();
  }
}

/** The run's final status. */
export const statusOf = (events: Event[]) =>
  events.filter((e) => e.__typename === "RunStatusEvent").at(-1)?.status;

/** The messages of the MessageEvents, each with the node that produced it. */
export const messagesOf = (events: Event[]) =>
  events.filter((e) => e.__typename === "MessageEvent").map((e) => ({
    ...e.message,
    role: String(e.message.role).toLowerCase(),
    node: e.node,
  }));

/** The streamed text per node, in order of first token. */
export function tokensByNode(events: Event[]): Record<string, string> {
  const byNode: Record<string, string> = {};
  for (const e of events) {
    if (e.__typename === "TokenEvent") byNode[e.node] = (byNode[e.node] ?? "") + e.text;
  }
  return byNode;
}

const THREAD = `query($id: ID!) { thread(id: $id) { agentId status
  messages { id role content name artifact toolCalls { id name args } } } }`;

/** The thread as a client reads it. */
export async function threadOf(app: RunsApp, user: string, id: string): Promise<any> {
  return (await app.ok(user, THREAD, { id })).thread;
}

/** The chat completion requests the mock served, in order. */
export const chatRequests = (mock: MockOpenAI) =>
  mock.requests.filter((r) => r.path === "/v1/chat/completions");

/** The tool names a chat completion request offered the model. */
export const offeredTools = (request: { body?: Record<string, unknown> | undefined }) =>
  ((request.body?.tools ?? []) as any[]).map((t) => t.function.name as string);
