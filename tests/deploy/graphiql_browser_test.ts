/**
 * GraphiQL in a real browser: Debian's headless Chromium, driven by
 * playwright-core, opens GraphiQL on a running server (`src/main.ts` in a
 * subprocess), runs a query and a WebSocket subscription by typing them into
 * the editor and pressing Execute, reads what the response pane shows, and
 * saves a screenshot of each under .data/screenshots/ (gitignored).
 *
 * Skipped with a warning where Chromium is missing, except under CI=true
 * (.ci/run installs Debian's `chromium`). CHROMIUM_BIN overrides the path.
 */
import assert from "node:assert/strict";
import { chromium, type Page } from "playwright-core";
import { startServer } from "../support/server_process.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_BIN") || "/usr/bin/chromium";
const SCREENSHOTS = new URL("../../.data/screenshots/", import.meta.url);
/** Flags for a closed network: no background fetches, no first-run UI. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();
if (!hasChromium && Deno.env.get("CI") !== "true") {
  console.warn(
    `WARNING: skipping the GraphiQL browser test: ${CHROMIUM} not found ` +
      "(apt-get install chromium, or set CHROMIUM_BIN)",
  );
}

/** Replaces the text of the query editor (Monaco) with `operation` and executes it. */
async function execute(page: Page, operation: string): Promise<void> {
  await page.locator(".graphiql-query-editor").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  // insertText types no keys, so the editor's bracket auto-closing does not fire.
  await page.keyboard.insertText(operation);
  await page.getByRole("button", { name: /^Execute query/ }).click();
}

/** The response pane's text, with the editor's non-breaking spaces made plain. */
async function responseText(page: Page): Promise<string> {
  return (await page.locator(".graphiql-response").innerText()).replaceAll("\u00a0", " ");
}

async function waitForResponse(page: Page, pattern: RegExp, timeoutMs = 20_000) {
  const deadline = performance.now() + timeoutMs;
  let text = "";
  while (performance.now() < deadline) {
    text = await responseText(page);
    if (pattern.test(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(`The response pane never matched ${pattern}; it shows:\n${text}`);
}

Deno.test({
  name: "GraphiQL in headless Chromium runs a query and a WebSocket subscription",
  ignore: !hasChromium && Deno.env.get("CI") !== "true",
  async fn() {
    assert.ok(hasChromium, `${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
    const server = await startServer();
    const profile = await Deno.makeTempDir({ prefix: "graphmind-chromium-" });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1400, height: 900 },
    });
    try {
      const page = context.pages()[0] ?? await context.newPage();
      const offsite: string[] = [];
      page.on("request", (request) => {
        const { hostname } = new URL(request.url());
        if (request.url().startsWith("http") && hostname !== "127.0.0.1") {
          offsite.push(request.url());
        }
      });
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));

      const response = await page.goto(`${server.url}/graphql`);
      assert.equal(response?.status(), 200);
      assert.match(response?.headers()["content-type"] ?? "", /text\/html/);
      await page.locator(".graphiql-query-editor").waitFor({ timeout: 30_000 });
      assert.equal(await page.title(), "Graphmind GraphiQL");

      await execute(page, "{ health { ready offline dependencies { name mode status } } }");
      const query = await waitForResponse(page, /"ready": true/);
      assert.match(query, /"offline": true/);
      assert.match(query, /"name": "database",\s*"mode": "embedded",\s*"status": "OK"/);
      await Deno.mkdir(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: new URL("graphiql_query.png", SCREENSHOTS).pathname });

      await execute(page, "subscription { heartbeat(intervalMs: 200, count: 3) { sequence at } }");
      // Each beat replaces the pane's content; the last one carries sequence 3.
      const beat = await waitForResponse(page, /"sequence": 3/);
      assert.match(beat, /"heartbeat": \{\s*"sequence": 3,\s*"at": "\d{4}-\d\d-\d\dT/);
      await page.screenshot({ path: new URL("graphiql_subscription.png", SCREENSHOTS).pathname });

      assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
      assert.deepEqual(offsite, [], "GraphiQL loads nothing from outside the server");
      const upgrades = server.logs.filter((l) =>
        l.message === "request" && l.path === "/graphql" && l.status_code === 101
      );
      assert.ok(upgrades.length >= 1, "the subscription went over a WebSocket");
    } finally {
      await context.close();
      await Deno.remove(profile, { recursive: true });
      await server.stop();
    }
  },
});
