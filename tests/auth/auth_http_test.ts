/**
 * Authentication through the running app, on every transport: HTTP,
 * graphql-sse and graphql-ws (token in `connectionParams.authorization`).
 */
import assert from "node:assert/strict";
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { startTestApp } from "../support/app.ts";
import { signJwt } from "../../src/auth/jwt.ts";
import { badInput } from "../support/tally.ts";

const SECRET = "auth-http-secret-0123456789";
const VIEWER = "{ viewer { id roles anonymous } }";

interface Failure {
  message: string;
  extensions?: { code?: string };
}

Deno.test("staging: tokens are required and checked on HTTP, SSE and WebSocket", async (t) => {
  const app = await startTestApp({ ENVIRONMENT: "staging", SECRET_KEY: SECRET });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const good = await signJwt({ sub: "erin", roles: ["user"] }, SECRET);
  const expired = await signJwt({ sub: "erin", exp: 1000 }, SECRET);
  const forged = await signJwt({ sub: "erin" }, "not-the-server-secret-123");
  const BAD_TOKENS = {
    garbage: "a.b.!!!",
    twoParts: "a.b",
    notJson: `${btoa("{")}.${btoa("{")}.sig`,
    expired,
    forged,
  };
  try {
    await t.step("HTTP: no token, bad tokens and a bad header are UNAUTHENTICATED", async () => {
      badInput("HTTP: no token, bad tokens, Basic header", Object.keys(BAD_TOKENS).length + 2);
      const none = await app.graphql(VIEWER);
      assert.equal(none.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      assert.match(none.errors?.[0]?.message ?? "", /Authorization: Bearer/);
      for (const [name, token] of Object.entries(BAD_TOKENS)) {
        const body = await app.graphql(VIEWER, {}, { authorization: `Bearer ${token}` });
        assert.equal(body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", name);
        assert.equal(body.data ?? null, null, name);
      }
      const basic = await app.graphql(VIEWER, {}, { authorization: "Basic YTpi" });
      assert.equal(basic.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      assert.ok(
        !app.logs.some((l) => l.message === "unexpected error in a GraphQL operation"),
        "a bad token reached the INTERNAL path",
      );
    });

    await t.step("HTTP: a good token names the user", async () => {
      const body = await app.graphql(VIEWER, {}, { authorization: `Bearer ${good}` });
      assert.deepEqual(body.data?.viewer, { id: "erin", roles: ["user"], anonymous: false });
    });

    await t.step("SSE (graphql-sse): bad token refused, good token streams", async () => {
      const client = (authorization: string) =>
        createSseClient({
          url: "http://localhost/graphql",
          headers: { authorization },
          fetchFn: (input: RequestInfo | URL, init?: RequestInit) =>
            app.fetch(new Request(input, init)),
          retryAttempts: 0,
        });
      const beats = "subscription { heartbeat(intervalMs: 10, count: 2) { sequence } }";
      const ok = client(`Bearer ${good}`);
      const results = [];
      for await (const result of ok.iterate({ query: beats })) results.push(result);
      assert.equal(results.length, 2);
      ok.dispose();
      badInput("SSE: garbage token");
      const bad = client("Bearer a.b.!!!");
      const errors = await (async () => {
        for await (const result of bad.iterate({ query: beats })) return result.errors;
      })().catch((error) => (Array.isArray(error) ? error : [error]));
      bad.dispose();
      assert.equal((errors as Failure[])?.[0]?.extensions?.code, "UNAUTHENTICATED");
    });

    await t.step("WebSocket (graphql-ws): bad token refused, good token works", async () => {
      const url = `ws://127.0.0.1:${server.addr.port}/graphql`;
      const run = async (authorization?: string, upgradeHeaders?: Record<string, string>) => {
        // Deno's WebSocket can send headers on the upgrade; browsers cannot.
        class WithHeaders extends WebSocket {
          constructor(address: string | URL, protocols?: string | string[]) {
            const list = typeof protocols === "string" ? [protocols] : protocols ?? [];
            super(address, { protocols: list, headers: upgradeHeaders } as unknown as string[]);
          }
        }
        const client = createWsClient({
          url,
          webSocketImpl: upgradeHeaders === undefined ? WebSocket : WithHeaders,
          retryAttempts: 0,
          ...(authorization === undefined ? {} : { connectionParams: { authorization } }),
        });
        try {
          const results = [];
          for await (const result of client.iterate({ query: VIEWER })) results.push(result);
          return { data: results[0]?.data, errors: undefined };
        } catch (errors) {
          return { data: undefined, errors: errors as Failure[] };
        } finally {
          await client.dispose();
        }
      };
      const ok = await run(`Bearer ${good}`);
      assert.deepEqual(ok.data, { viewer: { id: "erin", roles: ["user"], anonymous: false } });
      badInput("WebSocket: bad tokens, none, header-only", Object.keys(BAD_TOKENS).length + 2);
      for (const [name, token] of Object.entries(BAD_TOKENS)) {
        const bad = await run(`Bearer ${token}`);
        assert.equal(bad.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", name);
      }
      const none = await run();
      assert.equal(none.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      // The upgrade request's own header is not a credential on WebSocket.
      const headerOnly = await run(undefined, { authorization: `Bearer ${good}` });
      assert.equal(headerOnly.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
    });
  } finally {
    app.drain();
    await server.shutdown();
    await app.close();
  }
});
