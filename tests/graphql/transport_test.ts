import assert from "node:assert/strict";
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { startTestApp } from "../support/app.ts";

const HEARTBEAT = "subscription { heartbeat(intervalMs: 10, count: 3) { sequence at } }";

/** The real graphql-sse client, calling the app in-process. */
function sseClientOf(app: { fetch: (request: Request) => Promise<Response> }) {
  return createSseClient({
    url: "http://localhost/graphql",
    fetchFn: (input: RequestInfo | URL, init?: RequestInit) => app.fetch(new Request(input, init)),
    retryAttempts: 0,
  });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** An in-process WebSocket upgrade request asking for `protocol`. */
function upgradeRequest(protocol: string): Request {
  return new Request("http://localhost/graphql", {
    headers: {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      "sec-websocket-version": "13",
      "sec-websocket-protocol": protocol,
    },
  });
}

Deno.test("a subscription streams over SSE with the real graphql-sse client", async () => {
  const app = await startTestApp();
  const client = sseClientOf(app);
  try {
    const results = await collect(client.iterate({ query: HEARTBEAT }));
    const beats = results.map((r) => (r.data as { heartbeat: { sequence: number } }).heartbeat);
    assert.deepEqual(beats.map((b) => b.sequence), [1, 2, 3]);
  } finally {
    client.dispose();
    await app.close();
  }
});

Deno.test("subscription input errors arrive as BAD_USER_INPUT over SSE", async () => {
  const app = await startTestApp();
  const client = sseClientOf(app);
  try {
    const results = await collect(
      client.iterate({ query: "subscription { heartbeat(intervalMs: 1) { sequence } }" }),
    ).catch((error) => [{ errors: Array.isArray(error) ? error : [error] }]);
    const errors = (results[0] as { errors?: { extensions?: { code?: string } }[] }).errors;
    assert.equal(errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
  } finally {
    client.dispose();
    await app.close();
  }
});

Deno.test("a subscription streams over WebSocket with the real graphql-ws client", async () => {
  const app = await startTestApp();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const client = createWsClient({
    url: `ws://127.0.0.1:${server.addr.port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
  });
  try {
    const results = await collect(client.iterate({ query: HEARTBEAT }));
    const beats = results.map((r) => (r.data as { heartbeat: { sequence: number } }).heartbeat);
    assert.deepEqual(beats.map((b) => b.sequence), [1, 2, 3]);
    const viewer = await collect(client.iterate({ query: "{ viewer { id } }" }));
    assert.deepEqual(viewer[0]?.data, { viewer: { id: "local" } });
  } finally {
    await client.dispose();
    app.drain();
    await server.shutdown();
    await app.close();
  }
});

Deno.test("WebSocket authenticates with connectionParams.authorization", async () => {
  const app = await startTestApp({ ENVIRONMENT: "staging", SECRET_KEY: "ws-secret-0123456789" });
  const { signJwt } = await import("../../src/auth/jwt.ts");
  const token = await signJwt({ sub: "dave" }, "ws-secret-0123456789");
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const url = `ws://127.0.0.1:${server.addr.port}/graphql`;
  const authed = createWsClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  const anonymous = createWsClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
  try {
    const ok = await collect(authed.iterate({ query: "{ viewer { id } }" }));
    assert.deepEqual(ok[0]?.data, { viewer: { id: "dave" } });
    const denied = await collect(anonymous.iterate({ query: "{ viewer { id } }" })).then(
      () => assert.fail("an anonymous WebSocket operation succeeded in staging"),
      (errors: { extensions?: { code?: string } }[]) => errors,
    );
    assert.equal(denied[0]?.extensions?.code, "UNAUTHENTICATED");
  } finally {
    await authed.dispose();
    await anonymous.dispose();
    app.drain();
    await server.shutdown();
    await app.close();
  }
});

Deno.test("a WebSocket without the graphql-transport-ws subprotocol is refused", async () => {
  const app = await startTestApp();
  try {
    const response = await app.fetch(upgradeRequest("chat"));
    assert.equal(response.status, 400);
    assert.match(await response.text(), /graphql-transport-ws/);
  } finally {
    await app.close();
  }
});

Deno.test("one client address may hold only WS_MAX_CONNECTIONS_PER_IP sockets", async () => {
  const app = await startTestApp({ WS_MAX_CONNECTIONS_PER_IP: "2" });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const url = `ws://127.0.0.1:${server.addr.port}/graphql`;
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(url, "graphql-transport-ws");
      socket.onopen = () => resolve(socket);
      socket.onerror = () => reject(new Error("refused"));
    });
  const sockets: WebSocket[] = [];
  try {
    sockets.push(await open(), await open());
    await assert.rejects(open(), /refused/);
    const closed = new Promise((resolve) => sockets[0]!.onclose = resolve);
    sockets[0]!.close();
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    sockets[0] = await open();
  } finally {
    for (const socket of sockets) socket.close();
    await app.disconnect();
    await server.shutdown();
    await app.close();
  }
});

Deno.test("a refused upgrade answers 429 saying what to do", async () => {
  const app = await startTestApp({ WS_MAX_CONNECTIONS_PER_IP: "1" });
  const upgrade = () => app.fetch(upgradeRequest("graphql-transport-ws"));
  try {
    assert.equal((await upgrade()).status, 101);
    const refused = await upgrade();
    assert.equal(refused.status, 429);
    assert.match(
      (await refused.json()).error,
      /Too many WebSocket connections from .* \(1, the limit is 1\); close some/,
    );
  } finally {
    await app.close();
  }
});
