/**
 * `/console` on the in-process app: the page and its hashed, immutable
 * assets; sign-in by token outside development; off where CONSOLE_ENABLED
 * says so, and off by default in production.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config.ts";
import { startTestApp } from "../support/app.ts";

const get = (app: { fetch(r: Request): Promise<Response> }, path: string, method = "GET") =>
  app.fetch(new Request(`http://localhost${path}`, { method }));

Deno.test("development serves the console with no sign-in, its assets cached for good", async () => {
  const app = await startTestApp();
  try {
    for (const path of ["/console", "/console/"]) {
      const page = await get(app, path);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type") ?? "", /text\/html/);
      assert.equal(page.headers.get("cache-control"), "no-cache");
      assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);
      const html = await page.text();
      assert.match(html, /<body data-auth="none">/);
      const js = /src="(\/console\/assets\/console\.[A-Z0-9]+\.js)"/.exec(html)?.[1];
      const css = /href="(\/console\/assets\/console\.[A-Z0-9]+\.css)"/.exec(html)?.[1];
      assert.ok(js && css, "the page names its hashed script and styles");
      for (const [asset, type] of [[js, /javascript/], [css, /text\/css/]] as const) {
        const response = await get(app, asset);
        assert.equal(response.status, 200);
        assert.match(response.headers.get("content-type") ?? "", type);
        assert.equal(response.headers.get("cache-control"), "public, max-age=31536000, immutable");
        assert.ok((await response.arrayBuffer()).byteLength > 1000);
      }
    }
    const head = await get(app, "/console", "HEAD");
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    const unknown = await get(app, "/console/assets/console.OLDHASH.js");
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /reload the console/);
    const post = await get(app, "/console", "POST");
    assert.equal(post.status, 405);
    await post.body?.cancel();
  } finally {
    await app.close();
  }
});

Deno.test("staging asks for a token; CONSOLE_ENABLED=false turns the console off", async () => {
  const staging = await startTestApp({
    ENVIRONMENT: "staging",
    SECRET_KEY: "0123456789abcdef0123",
  });
  try {
    assert.match(await (await get(staging, "/console")).text(), /<body data-auth="token">/);
  } finally {
    await staging.close();
  }
  const off = await startTestApp({ CONSOLE_ENABLED: "false" });
  try {
    for (const path of ["/console", "/console/assets/manifest.json"]) {
      const response = await get(off, path);
      assert.equal(response.status, 404, path);
      await response.body?.cancel();
    }
  } finally {
    await off.close();
  }
});

Deno.test("production keeps the console off unless CONSOLE_ENABLED=true", () => {
  const required = { SECRET_KEY: "0123456789abcdef0123", DATABASE_URL: "postgres://db/app" };
  assert.equal(loadConfig({ ENVIRONMENT: "production", ...required }).graphql.console, false);
  assert.equal(
    loadConfig({ ENVIRONMENT: "production", ...required, CONSOLE_ENABLED: "true" }).graphql.console,
    true,
  );
  assert.equal(loadConfig({}).graphql.console, true);
});
