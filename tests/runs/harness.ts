// deno-lint-ignore-file no-explicit-any
/**
 * Helpers for thread and run tests: an app with a fast offline model and
 * JWT-authenticated users, GraphQL shortcuts, and the real graphql-sse and
 * graphql-ws clients.
 *
 * @module
 */
import { createClient as createSseClient } from "graphql-sse";
import { type Client as WsClient, createClient as createWsClient } from "graphql-ws";
import { startTestApp, type TestApp } from "../support/app.ts";
import { signJwt } from "../../src/auth/jwt.ts";
import { type MockOpenAI, startMockOpenAI } from "../support/mock_openai.ts";

export const SECRET = "runs-test-secret-0123456789";

/** An app whose offline model streams a token every `tokenDelayMs` (1 by default). */
export interface RunsApp extends TestApp {
  /** Bearer headers for a user. */
  as(user: string): Promise<Record<string, string>>;
  /** Adds claims (e.g. `scope`) to `user`'s token from now on. */
  withClaims(user: string, claims: Record<string, unknown>): void;
  /** Runs a GraphQL operation as `user` and fails the test on errors. */
  ok(
    user: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Record<string, any>>;
  /** Runs a GraphQL operation as `user` and returns the first error. */
  fails(
    user: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ message: string; extensions?: Record<string, unknown> }>;
  createThread(user: string, input?: Record<string, unknown>): Promise<string>;
  sendMessage(user: string, input: Record<string, unknown>): Promise<Record<string, any>>;
  /** Polls `run(id)` until it is terminal. */
  waitForRun(user: string, runId: string, timeoutMs?: number): Promise<Record<string, any>>;
}

export async function startRunsApp(env: Record<string, string> = {}): Promise<RunsApp> {
  const app = await startTestApp({
    SECRET_KEY: SECRET,
    OFFLINE_TOKEN_DELAY_MS: "1",
    ...env,
  });
  const tokens = new Map<string, string>();
  const claims = new Map<string, Record<string, unknown>>();
  async function as(user: string) {
    let token = tokens.get(user);
    if (token === undefined) {
      token = await signJwt({ ...claims.get(user), sub: user }, SECRET);
      tokens.set(user, token);
    }
    return { authorization: `Bearer ${token}` };
  }
  const runsApp: RunsApp = {
    ...app,
    as,
    withClaims(user, extra) {
      claims.set(user, extra);
      tokens.delete(user);
    },
    async ok(user, query, variables = {}) {
      const body = await app.graphql(query, variables, await as(user));
      if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data as Record<string, any>;
    },
    async fails(user, query, variables = {}) {
      const body = await app.graphql(query, variables, await as(user));
      const error = body.errors?.[0];
      if (error === undefined) {
        throw new Error(`expected an error, got ${JSON.stringify(body.data)}`);
      }
      return error;
    },
    async createThread(user, input = {}) {
      const data = await runsApp.ok(
        user,
        "mutation($input: CreateThreadInput!) { createThread(input: $input) { id } }",
        { input },
      );
      return data.createThread.id;
    },
    async sendMessage(user, input) {
      const data = await runsApp.ok(
        user,
        `mutation($input: SendMessageInput!) {
        sendMessage(input: $input) { id threadId agentId status error multitaskStrategy }
      }`,
        { input },
      );
      return data.sendMessage;
    },
    async waitForRun(user, runId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const data = await runsApp.ok(
          user,
          `query($id: ID!) { run(id: $id) {
          id status error startedAt endedAt lastSequence } }`,
          { id: runId },
        );
        if (!["PENDING", "RUNNING"].includes(data.run.status)) return data.run;
        if (Date.now() > deadline) throw new Error(`run ${runId} still ${data.run.status}`);
        await delay(10);
      }
    },
  };
  return runsApp;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The fields every event test selects. */
export const EVENT_FIELDS = `__typename id runId sequence at
  ... on TokenEvent { text messageId node }
  ... on MessageEvent { node message { id role content toolCalls { id name args } } }
  ... on StateUpdateEvent { node update }
  ... on InterruptEvent { interruptId value }
  ... on ToolEvent { phase toolCallId name input output artifact durationMs node }
  ... on RunStatusEvent { status error queuePosition }`;

export const RUN_EVENTS = `subscription($runId: ID!, $after: Int) {
  runEvents(runId: $runId, after: $after) { ${EVENT_FIELDS} } }`;
export const CHAT = `subscription($input: SendMessageInput!) {
  chat(input: $input) { ${EVENT_FIELDS} } }`;

/** An event as the tests read it. */
export type Event = Record<string, any> & { __typename: string; sequence: number };

/** The real graphql-sse client, calling the app in-process. */
export function sseClient(app: TestApp, headers: Record<string, string>) {
  return createSseClient({
    url: "http://localhost/graphql",
    headers,
    fetchFn: (input: RequestInfo | URL, init?: RequestInit) => app.fetch(new Request(input, init)),
    retryAttempts: 0,
  });
}

/** A loopback server for WebSocket tests. */
export function serve(app: TestApp) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  return {
    url: `ws://127.0.0.1:${server.addr.port}/graphql`,
    async close() {
      app.drain();
      await server.shutdown();
    },
  };
}

/** The real graphql-ws client. */
export function wsClient(url: string, headers: Record<string, string>): WsClient {
  return createWsClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: headers.authorization },
  });
}

/** Reads events from a graphql-sse or graphql-ws iterator, optionally stopping early. */
export async function readEvents(
  iterable: AsyncIterable<{ data?: unknown; errors?: unknown }>,
  field: "runEvents" | "chat",
  stopAfter?: (events: Event[]) => boolean,
): Promise<Event[]> {
  const events: Event[] = [];
  for await (const result of iterable) {
    if (result.errors) throw new Error(`subscription errors: ${JSON.stringify(result.errors)}`);
    events.push((result.data as Record<string, Event>)[field] as Event);
    if (stopAfter?.(events)) break;
  }
  return events;
}

/** The text of the token events, concatenated. */
export function tokenText(events: Event[]): string {
  return events.filter((e) => e.__typename === "TokenEvent").map((e) => e.text).join("");
}

/** An app whose agents call a fresh mock OpenAI server. */
export async function withMockApp(
  fn: (app: RunsApp, mock: MockOpenAI) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const mock = await startMockOpenAI();
  // A long reflection delay: reflection never takes a reply scripted for an agent.
  const app = await startRunsApp({
    OPENAI_API_KEY: "sk-mock",
    OPENAI_BASE_URL: mock.url,
    MEMORY_REFLECTION_DELAY_MS: "600000",
    ...env,
  });
  try {
    await fn(app, mock);
  } finally {
    await app.close();
    await mock.close();
  }
}

/** An app on the offline model (no OPENAI_API_KEY). */
export async function withOfflineApp(
  fn: (app: RunsApp) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const app = await startRunsApp({ MEMORY_REFLECTION_DELAY_MS: "600000", ...env });
  try {
    await fn(app);
  } finally {
    await app.close();
  }
}
