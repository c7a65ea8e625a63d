/**
 * The GraphiQL page and its assets through the running app: a small page
 * that references content-hashed files under /graphql/assets/, served with
 * an immutable cache and the right content types, and nothing at all when
 * GraphiQL is disabled.
 */
import assert from "node:assert/strict";
import { startTestApp } from "../support/app.ts";
import { IMMUTABLE_CACHE_CONTROL } from "../../src/http/graphiql_assets.ts";

const PAGE = new Request("http://localhost/graphql", { headers: { accept: "text/html" } });
const ASSET = /\/graphql\/assets\/[a-z-]+\.([0-9a-f]{16})\.(js|css|ico)/g;
const TYPES: Record<string, RegExp> = {
  js: /^text\/javascript; charset=utf-8$/,
  css: /^text\/css; charset=utf-8$/,
  ico: /^image\/x-icon$/,
};

async function sha256Prefix(body: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("GraphiQL: a small page, and assets cached for good", async (t) => {
  const app = await startTestApp();
  try {
    const page = await app.fetch(PAGE.clone());
    const html = await page.text();
    const assets = [...new Set([...html.matchAll(ASSET)].map((m) => m[0]))];

    await t.step("the page is under 50 KB and loads nothing inline but its start-up", () => {
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
      const bytes = new TextEncoder().encode(html).length;
      assert.ok(bytes < 50_000, `the page is ${bytes} bytes`);
      assert.match(html, /<title>Graphmind GraphiQL<\/title>/);
      assert.match(html, /"subscriptionsProtocol":"WS"/);
      assert.doesNotMatch(html, /https?:\/\//, "no absolute URL: nothing from a CDN");
      // The bundle, its styles, the icon and Monaco's three workers.
      assert.equal(assets.length, 6, assets.join("\n"));
    });

    await t.step("each asset: immutable, its content type, named by its hash", async () => {
      for (const path of assets) {
        const response = await app.fetch(new Request(`http://localhost${path}`));
        assert.equal(response.status, 200, path);
        assert.equal(response.headers.get("cache-control"), IMMUTABLE_CACHE_CONTROL);
        assert.equal(IMMUTABLE_CACHE_CONTROL, "public, max-age=31536000, immutable");
        const [, hash, extension] = new RegExp(ASSET.source).exec(path)!;
        assert.match(response.headers.get("content-type") ?? "", TYPES[extension!]!, path);
        assert.equal(response.headers.get("x-content-type-options"), "nosniff");
        const body = await response.arrayBuffer();
        assert.ok(body.byteLength > 1000, `${path} is ${body.byteLength} bytes`);
        assert.equal(await sha256Prefix(body), hash, `${path} is named by its content`);
      }
    });

    await t.step("HEAD answers the headers only; other methods 405", async () => {
      const head = await app.fetch(new Request(`http://localhost${assets[0]}`, { method: "HEAD" }));
      assert.equal(head.status, 200);
      assert.equal(head.headers.get("cache-control"), IMMUTABLE_CACHE_CONTROL);
      assert.equal(await head.text(), "");
      const post = await app.fetch(new Request(`http://localhost${assets[0]}`, { method: "POST" }));
      assert.equal(post.status, 405);
      assert.equal(post.headers.get("allow"), "GET, HEAD");
      await post.body?.cancel();
    });

    await t.step("an unknown asset is 404, not cached", async () => {
      for (
        const path of [
          "/graphql/assets/graphiql.0000000000000000.js",
          "/graphql/assets/nope",
          "/graphql/assets/a/b.js",
          "/graphql/assets/%2e%2e%2fdeno.json",
        ]
      ) {
        const response = await app.fetch(new Request(`http://localhost${path}`));
        assert.equal(response.status, 404, path);
        assert.equal(response.headers.get("cache-control"), null);
        assert.match((await response.json()).error, /No GraphiQL asset/);
      }
    });

    await t.step("asset requests share one metrics label", async () => {
      const metrics = await (await app.fetch(new Request("http://localhost/metrics"))).text();
      assert.match(metrics, /http_requests_total\{[^}]*endpoint="\/graphql\/assets"/);
      assert.doesNotMatch(metrics, /endpoint="\/graphql\/assets\/[^"]/);
    });

    await t.step("GraphiQL disabled: no page and no assets", async () => {
      const off = await startTestApp({ GRAPHIQL: "false" });
      try {
        const response = await off.fetch(PAGE.clone());
        assert.doesNotMatch(await response.text(), /GraphiQL|\/graphql\/assets\//);
        for (const path of assets) {
          const asset = await off.fetch(new Request(`http://localhost${path}`));
          assert.equal(asset.status, 404, path);
          assert.equal(asset.headers.get("cache-control"), null);
          await asset.body?.cancel();
        }
      } finally {
        await off.close();
      }
    });
  } finally {
    await app.close();
  }
});
