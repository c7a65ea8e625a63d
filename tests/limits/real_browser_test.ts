/**
 * What a real browser (Chromium, driven by playwright-core) lets a web page
 * do to a development server, whose tokenless `local` user is an ambient
 * credential: a page on this machine may use the API; a page from another
 * site can neither read it (CORS), nor act through simple requests (CSRF
 * prevention), nor open a WebSocket (origin check), nor use the tokenless
 * user through DNS rebinding (Host check).
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startTestApp } from "../support/app.ts";
import { badInput } from "../support/tally.ts";

const CHROMIUM = "/usr/bin/chromium";

/** From a page on the API's own origin: one HTTP query and one graphql-ws operation. */
function sameOriginCalls(page: import("playwright-core").Page): Promise<unknown> {
  return page.evaluate(async () => {
    const query = "{ viewer { id } }";
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    const ws = await new Promise((resolve) => {
      const socket = new WebSocket(
        `${location.origin.replace("http", "ws")}/graphql`,
        "graphql-transport-ws",
      );
      socket.onopen = () => socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
      socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === "connection_ack") {
          socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query } }));
        } else {
          resolve(message);
          socket.close();
        }
      };
      socket.onerror = () => resolve("socket error");
    });
    return { http: await response.json(), ws };
  });
}
const hasChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!hasChromium) console.warn(`Skipping the real-browser test: no ${CHROMIUM}.`);

Deno.test({
  name: "a real browser: local pages may use the dev API, foreign pages may not",
  ignore: !hasChromium,
  async fn() {
    const app = await startTestApp();
    const api = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
    const pages = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () =>
        new Response("<!doctype html><title>page</title>", {
          headers: { "content-type": "text/html" },
        }),
    );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      // evil.test is another site that happens to resolve to this machine.
      args: ["--no-sandbox", "--host-resolver-rules=MAP evil.test 127.0.0.1"],
    });
    const endpoint = `http://127.0.0.1:${api.addr.port}/graphql`;
    const query = JSON.stringify({ query: "{ viewer { id } }" });
    try {
      const local = await browser.newPage();
      await local.goto(`http://localhost:${pages.addr.port}/`);
      const read = await local.evaluate(async ([endpoint, query]) => {
        const response = await fetch(endpoint!, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: query!,
        });
        return await response.json();
      }, [endpoint, query]);
      assert.deepEqual(read, { data: { viewer: { id: "local" } } });

      const evil = await browser.newPage();
      await evil.goto(`http://evil.test:${pages.addr.port}/`);
      badInput("foreign page: fetch with JSON (CORS)");
      const corsBlocked = await evil.evaluate(async ([endpoint, query]) => {
        try {
          await fetch(endpoint!, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: query!,
          });
          return "read";
        } catch (error) {
          return String(error);
        }
      }, [endpoint, query]);
      assert.match(corsBlocked, /TypeError/);

      badInput("foreign page: no-cors text/plain POST (CSRF)");
      const before = app.logs.length;
      await evil.evaluate(async ([endpoint, query]) => {
        await fetch(endpoint!, {
          method: "POST",
          mode: "no-cors",
          headers: { "content-type": "text/plain" },
          body: query!,
        });
      }, [endpoint, query]);
      const lines = app.logs.slice(before).filter((l) => l.message === "request");
      assert.deepEqual(lines.map((l) => [l.method, l.path, l.status_code]), [[
        "POST",
        "/graphql",
        403,
      ]]);

      badInput("foreign page: WebSocket");
      const socket = await evil.evaluate((endpoint) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(endpoint.replace("http", "ws"), "graphql-transport-ws");
          ws.onopen = () => resolve("open");
          ws.onerror = () => resolve("error");
        }), endpoint);
      assert.equal(socket, "error");
      const upgrade = app.logs.findLast((l) => l.message === "request" && l.path === "/graphql");
      assert.equal(upgrade?.status_code, 403);

      // GraphiQL's own page (same origin) may query and subscribe over WebSocket...
      const graphiql = await browser.newPage();
      await graphiql.goto(`http://localhost:${api.addr.port}/graphql`);
      assert.deepEqual(await sameOriginCalls(graphiql), {
        http: { data: { viewer: { id: "local" } } },
        ws: { type: "next", id: "1", payload: { data: { viewer: { id: "local" } } } },
      });
      // ...but after DNS rebinding (evil.test now resolving to this machine)
      // the same same-origin calls get no tokenless local user.
      badInput("DNS rebinding: tokenless HTTP and WebSocket to a foreign name", 2);
      const rebound = await browser.newPage();
      await rebound.goto(`http://evil.test:${api.addr.port}/graphql`);
      const calls = await sameOriginCalls(rebound) as {
        http: { errors: { extensions: { code: string } }[] };
        ws: { type: string; payload: { extensions: { code: string } }[] };
      };
      assert.equal(calls.http.errors[0]?.extensions.code, "UNAUTHENTICATED");
      assert.equal(calls.ws.type, "error");
      assert.equal(calls.ws.payload[0]?.extensions.code, "UNAUTHENTICATED");
    } finally {
      await browser.close();
      app.drain();
      await pages.shutdown();
      await api.shutdown();
      await app.close();
    }
  },
});
