/**
 * Drives GraphiQL in Debian's headless Chromium with playwright-core and
 * reports what the page showed, as one JSON line on stdout. Run by
 * tests/deploy/graphiql_browser_test.ts in a subprocess: playwright-core
 * probes paths under /proc that Deno opens only with --allow-all, which the
 * test task does not grant.
 *
 * @example
 * ```sh
 * deno run --allow-all tests/deploy/support/graphiql_driver.ts http://127.0.0.1:8000 /tmp/shots
 * ```
 * @module
 */
import type { Page } from "playwright-core";
import { chromiumPath, launchChromium } from "../../support/chromium.ts";

/** What the driver saw. */
export interface GraphiQLReport {
  status: number | undefined;
  contentType: string;
  title: string;
  /** The response pane after running the query. */
  query: string;
  /** The response pane after the subscription's last beat. */
  subscription: string;
  pageErrors: string[];
  /** Requests the page made to anything but the server. */
  offsite: string[];
  screenshots: string[];
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

/** Waits until the response pane matches `pattern` and returns its text. */
async function waitForResponse(page: Page, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  let text = "";
  while (performance.now() < deadline) {
    text = (await page.locator(".graphiql-response").innerText()).replaceAll("\u00a0", " ");
    if (pattern.test(text)) return text;
    await page.waitForTimeout(100);
  }
  return text;
}

/** Opens GraphiQL at `serverUrl`, runs a query and a subscription, and reports. */
export async function driveGraphiQL(
  serverUrl: string,
  chromiumPath: string,
  screenshotDir: string,
): Promise<GraphiQLReport> {
  const chromium = await launchChromium({
    path: chromiumPath,
    viewport: { width: 1400, height: 900 },
  });
  const { context } = chromium;
  try {
    const page = context.pages()[0] ?? await context.newPage();
    const { host } = new URL(serverUrl);
    const report: GraphiQLReport = {
      status: undefined,
      contentType: "",
      title: "",
      query: "",
      subscription: "",
      pageErrors: [],
      offsite: [],
      screenshots: [],
    };
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.protocol.startsWith("http") && url.host !== host) report.offsite.push(request.url());
    });
    page.on("pageerror", (error) => report.pageErrors.push(error.message));

    const response = await page.goto(`${serverUrl}/graphql`);
    report.status = response?.status();
    report.contentType = response?.headers()["content-type"] ?? "";
    await page.locator(".graphiql-query-editor").waitFor({ timeout: 30_000 });
    report.title = await page.title();

    await Deno.mkdir(screenshotDir, { recursive: true });
    await execute(page, "{ health { ready offline dependencies { name mode status } } }");
    report.query = await waitForResponse(page, /"ready"/);
    report.screenshots.push(`${screenshotDir}/graphiql_query.png`);
    await page.screenshot({ path: report.screenshots.at(-1)! });

    await execute(page, "subscription { heartbeat(intervalMs: 200, count: 3) { sequence at } }");
    // Each beat replaces the pane's content; the last one carries sequence 3.
    report.subscription = await waitForResponse(page, /"sequence": 3/);
    report.screenshots.push(`${screenshotDir}/graphiql_subscription.png`);
    await page.screenshot({ path: report.screenshots.at(-1)! });
    return report;
  } finally {
    await chromium.close();
  }
}

if (import.meta.main) {
  const [serverUrl, screenshotDir] = Deno.args;
  if (!serverUrl || !screenshotDir) {
    console.error("usage: graphiql_driver.ts SERVER_URL SCREENSHOT_DIR");
    Deno.exit(2);
  }
  console.log(JSON.stringify(await driveGraphiQL(serverUrl, chromiumPath(), screenshotDir)));
}
