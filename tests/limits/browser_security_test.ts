/**
 * CSRF prevention, CORS and WebSocket origin checks through the running app,
 * with the development defaults (browsers on this machine only).
 */
import assert from "node:assert/strict";
import { createClient as createWsClient } from "graphql-ws";
import { startTestApp } from "../support/app.ts";
import { badInput } from "../support/tally.ts";
import { createOriginPolicy } from "../../src/http/origins.ts";

const VIEWER = "{ viewer { id } }";
const url = (query: string) => `http://localhost/graphql?query=${encodeURIComponent(query)}`;

Deno.test("origin policy: exact origins, any port of a host, or any origin", () => {
  const policy = createOriginPolicy(["https://app.example.com", "http://localhost:*"]);
  assert.equal(policy.any, false);
  for (
    const ok of ["https://app.example.com", "https://APP.example.com", "http://localhost:5173"]
  ) {
    assert.ok(policy.allows(ok), ok);
  }
  for (const no of ["http://app.example.com", "https://app.example.com.evil.test", "null"]) {
    assert.ok(!policy.allows(no), no);
  }
  assert.ok(!policy.allows("http://localhost.evil.test:5173"));
  const local = createOriginPolicy(["http://[::1]:*"]);
  assert.ok(local.allows("http://[::1]:8000"));
  assert.ok(createOriginPolicy(["*"]).allows("https://anything.example"));
});

Deno.test("browsers: CSRF prevention, CORS and WebSocket origins", async (t) => {
  const app = await startTestApp();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  try {
    await t.step("requests a browser sends without preflight need a custom header", async () => {
      const forged: [string, RequestInit][] = [
        [url(VIEWER), {}],
        [url("subscription { heartbeat(count: 1) { sequence } }"), {
          headers: { accept: "text/event-stream" },
        }],
        ["http://localhost/graphql", {
          method: "POST",
          headers: { "content-type": "text/plain" },
          body: JSON.stringify({ query: VIEWER }),
        }],
        ["http://localhost/graphql", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: `query=${encodeURIComponent(VIEWER)}`,
        }],
        ["http://localhost/graphql", {
          method: "POST",
          body: (() => {
            const form = new FormData();
            form.set("operations", JSON.stringify({ query: VIEWER }));
            return form;
          })(),
        }],
      ];
      badInput("CSRF-able request without a custom header", forged.length);
      for (const [target, init] of forged) {
        const response = await app.fetch(new Request(target, init));
        assert.equal(response.status, 403, `${init.method ?? "GET"} ${target}`);
        // An event stream answer carries the same JSON in a `data:` line.
        const text = await response.text();
        const body = JSON.parse(text.startsWith("{") ? text : /^data: (.*)$/m.exec(text)![1]!);
        assert.equal(body.errors[0].extensions.code, "FORBIDDEN");
        assert.match(body.errors[0].message, /^Cross-site request refused/);
        assert.equal(body.data, undefined);
      }
      const withHeader = await app.fetch(
        new Request(url(VIEWER), { headers: { "x-graphql-yoga-csrf": "1" } }),
      );
      assert.deepEqual(await withHeader.json(), { data: { viewer: { id: "local" } } });
      const json = await app.graphql(VIEWER);
      assert.deepEqual(json.data, { viewer: { id: "local" } });
    });

    await t.step("CORS answers this machine's origins only, exposing Retry-After", async () => {
      const preflight = (origin: string) =>
        app.fetch(
          new Request("http://localhost/graphql", {
            method: "OPTIONS",
            headers: {
              origin,
              "access-control-request-method": "POST",
              "access-control-request-headers": "content-type, authorization",
            },
          }),
        );
      const local = await preflight("http://localhost:5173");
      assert.equal(local.status, 204);
      assert.equal(local.headers.get("access-control-allow-origin"), "http://localhost:5173");
      assert.match(local.headers.get("access-control-allow-headers") ?? "", /authorization/);
      assert.match(local.headers.get("access-control-expose-headers") ?? "", /retry-after/);
      badInput("CORS preflight from a foreign origin");
      const foreign = await preflight("https://evil.example");
      assert.equal(foreign.headers.get("access-control-allow-origin"), null);
      const post = await app.fetch(
        new Request("http://localhost/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "https://evil.example" },
          body: JSON.stringify({ query: VIEWER }),
        }),
      );
      await post.body?.cancel();
      assert.equal(post.headers.get("access-control-allow-origin"), null);
    });

    await t.step(
      "a WebSocket from a foreign origin is refused; from an allowed one it works",
      async () => {
        badInput("WebSocket upgrade from a foreign origin");
        const refused = await app.fetch(
          new Request("http://localhost/graphql", {
            headers: {
              upgrade: "websocket",
              connection: "Upgrade",
              origin: "https://evil.example",
              "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
              "sec-websocket-version": "13",
              "sec-websocket-protocol": "graphql-transport-ws",
            },
          }),
        );
        assert.equal(refused.status, 403);
        assert.match((await refused.json()).error, /origin "https:\/\/evil.example" refused/);

        class FromLocalhost extends WebSocket {
          constructor(address: string | URL, protocols?: string | string[]) {
            const list = typeof protocols === "string" ? [protocols] : protocols ?? [];
            super(address, {
              protocols: list,
              headers: { origin: "http://localhost:3000" },
            } as unknown as string[]);
          }
        }
        const client = createWsClient({
          url: `ws://127.0.0.1:${server.addr.port}/graphql`,
          webSocketImpl: FromLocalhost,
          retryAttempts: 0,
        });
        try {
          for await (const result of client.iterate({ query: VIEWER })) {
            assert.deepEqual(result.data, { viewer: { id: "local" } });
          }
        } finally {
          await client.dispose();
        }
      },
    );
  } finally {
    app.drain();
    await server.shutdown();
    await app.close();
  }
});
