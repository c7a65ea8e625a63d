/**
 * What a real browser (Chromium, driven by playwright-core) lets a web page
 * do to a development server, whose tokenless `local` user is an ambient
 * credential: a page on this machine may use the API; a page from another
 * site can neither read it (CORS), nor act through simple requests (CSRF
 * prevention), nor open a WebSocket (origin check).
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startTestApp } from "../support/app.ts";
import { badInput } from "../support/tally.ts";

const CHROMIUM = "/usr/bin/chromium";
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
    } finally {
      await browser.close();
      app.drain();
      await pages.shutdown();
      await api.shutdown();
      await app.close();
    }
  },
});
