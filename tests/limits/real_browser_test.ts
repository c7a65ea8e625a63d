/**
 * What a real browser (Chromium, driven by playwright-core) lets a web page
 * do to a development server, whose tokenless `local` user is an ambient
 * credential: a page on this machine may use the API; a page from another
 * site can neither read it (CORS), nor act through simple requests (CSRF
 * prevention), nor open a WebSocket (origin check), nor use the tokenless
 * user through DNS rebinding (Host check).
 *
 * The app and the pages' server run here; the browser runs in a subprocess
 * (tests/limits/support/browser_driver.ts) that this test steers one step at
 * a time. Skipped with a warning where Chromium is missing, except under
 * CI=true. CHROMIUM_BIN overrides the path.
 */
import assert from "node:assert/strict";
import { startTestApp } from "../support/app.ts";
import { checkChromium } from "../support/chromium.ts";
import { badInput } from "../support/tally.ts";
import { startBrowserDriver } from "./support/browser_driver.ts";

const chromium = checkChromium("the real-browser test");

Deno.test({
  name: "a real browser: local pages may use the dev API, foreign pages may not",
  ignore: chromium.ignore,
  async fn() {
    assert.ok(chromium.present, `${chromium.path} is missing: .ci/run installs Debian's chromium`);
    const app = await startTestApp();
    const api = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
    const pages = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () =>
        new Response("<!doctype html><title>page</title>", {
          headers: { "content-type": "text/html" },
        }),
    );
    // evil.test is another site that happens to resolve to this machine.
    const browser = startBrowserDriver(chromium.path, [
      "--host-resolver-rules=MAP evil.test 127.0.0.1",
    ]);
    const endpoint = `http://127.0.0.1:${api.addr.port}/graphql`;
    const body = JSON.stringify({ query: "{ viewer { id } }" });
    try {
      await browser.open("local", `http://localhost:${pages.addr.port}/`);
      const read = await browser.fetch("local", { url: endpoint, body });
      assert.deepEqual(read, { json: { data: { viewer: { id: "local" } } } });

      await browser.open("evil", `http://evil.test:${pages.addr.port}/`);
      badInput("foreign page: fetch with JSON (CORS)");
      const corsBlocked = await browser.fetch("evil", { url: endpoint, body });
      assert.ok("error" in corsBlocked, `the foreign page read ${JSON.stringify(corsBlocked)}`);
      assert.match(corsBlocked.error, /TypeError/);

      badInput("foreign page: no-cors text/plain POST (CSRF)");
      const before = app.logs.length;
      const simple = await browser.fetch("evil", {
        url: endpoint,
        body,
        contentType: "text/plain",
        mode: "no-cors",
      });
      assert.deepEqual(simple, { opaque: true });
      const lines = app.logs.slice(before).filter((l) => l.message === "request");
      assert.deepEqual(lines.map((l) => [l.method, l.path, l.status_code]), [[
        "POST",
        "/graphql",
        403,
      ]]);

      badInput("foreign page: WebSocket");
      assert.equal(await browser.websocket("evil", endpoint.replace("http", "ws")), "error");
      const upgrade = app.logs.findLast((l) => l.message === "request" && l.path === "/graphql");
      assert.equal(upgrade?.status_code, 403);

      // GraphiQL's own page (same origin) may query and subscribe over WebSocket...
      await browser.open("graphiql", `http://localhost:${api.addr.port}/graphql`);
      assert.deepEqual(await browser.sameOriginCalls("graphiql"), {
        http: { data: { viewer: { id: "local" } } },
        ws: { type: "next", id: "1", payload: { data: { viewer: { id: "local" } } } },
      });
      // ...but after DNS rebinding (evil.test now resolving to this machine)
      // the same same-origin calls get no tokenless local user.
      badInput("DNS rebinding: tokenless HTTP and WebSocket to a foreign name", 2);
      await browser.open("rebound", `http://evil.test:${api.addr.port}/graphql`);
      const calls = await browser.sameOriginCalls("rebound") as {
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
