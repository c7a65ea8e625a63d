/**
 * The web console in headless Chromium (support/console_driver.ts, in a
 * subprocess as the GraphiQL test does) against the real server, whose
 * agents call the mock OpenAI server: a streamed reply, an approved
 * interrupt, a chart artifact drawn as SVG, a memory search with scores and
 * a task status change arriving live. Screenshots go to
 * tests/console/__screenshots__/ for review; the first-load figures are
 * printed for the README.
 *
 * Skipped with a warning where Chromium is missing, except under CI=true.
 */
import assert from "node:assert/strict";
import type { ConsoleReport } from "./support/console_driver.ts";
import { createClient } from "../../client/mod.ts";
import { startServer } from "../support/server_process.ts";
import { startMockOpenAI } from "../support/mock_openai.ts";
import { checkChromium } from "../support/chromium.ts";

const chromium = checkChromium("the console browser test");
const ROOT = new URL("../../", import.meta.url).pathname;
const SCREENSHOTS = new URL("./__screenshots__", import.meta.url).pathname;

Deno.test({
  name: "the console in headless Chromium: chat, approval, chart, memories, upload, live board",
  ignore: chromium.ignore,
  async fn() {
    assert.ok(chromium.present, `${chromium.path} is missing: .ci/run installs Debian's chromium`);
    const mock = await startMockOpenAI();
    const server = await startServer({
      OPENAI_API_KEY: "sk-mock",
      OPENAI_BASE_URL: mock.url,
      MEMORY_REFLECTION_DELAY_MS: "600000",
      // The board's status picker acts as the tokenless local user: an admin only with this.
      DEV_LOCAL_ADMIN: "true",
    });
    let report: ConsoleReport;
    try {
      const client = createClient({ url: `${server.url}/graphql` });
      await client.memories.put({
        namespace: ["console-test", "prefs"],
        key: "drink",
        value: { content: "likes oolong tea" },
      });
      await client.memories.put({
        namespace: ["console-test", "prefs"],
        key: "drink",
        value: { content: "likes oolong tea, no sugar" },
      });
      await client.memories.put({
        namespace: ["console-test", "facts"],
        key: "city",
        value: { content: "lives in Porto" },
      });
      await client.close();
      mock.script(
        { kind: "text", text: "Hello from the console", tokenDelayMs: 20 },
        { kind: "text", text: "Draft awaiting approval" },
        {
          kind: "tool_calls",
          calls: [{
            name: "render_chart",
            arguments: {
              data: [{ month: "Jan", sales: 10 }, { month: "Feb", sales: 30 }],
              mark: "bar",
              x: "month",
              y: "sales",
              title: "Sales",
            },
          }],
        },
        { kind: "text", text: "Here is the chart." },
      );
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          "tests/console/support/console_driver.ts",
          server.url,
          SCREENSHOTS,
        ],
        cwd: ROOT,
        env: { CHROMIUM_BIN: chromium.path },
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(150_000),
      }).output();
      const decoder = new TextDecoder();
      assert.equal(code, 0, decoder.decode(stderr) + decoder.decode(stdout));
      report = JSON.parse(decoder.decode(stdout).trim().split("\n").at(-1)!);
    } finally {
      await server.stop();
      await mock.close();
    }

    assert.equal(report.status, 200);
    assert.equal(report.cacheControl.page, "no-cache");
    assert.match(report.cacheControl.asset, /immutable/);
    assert.equal(report.streamed, "Hello from the console");
    assert.equal(report.runStatus, "Run success");
    assert.ok(report.approvedMessage, "the approved draft is the thread's last reply");
    assert.ok(report.chartSvg, "the render_chart artifact was drawn as SVG");
    assert.match(report.memoryRow, /^0\.\d{3}\s/, "the best hit shows its score");
    assert.match(report.memoryRow, /drink/);
    assert.equal(report.inProgress.after, report.inProgress.before + 1);
    assert.match(report.documentStatus, /^READY: [1-9]\d* passages$/);
    assert.ok(report.documentListed, "the uploaded document is in the list");
    assert.deepEqual(report.pageErrors, [], "no uncaught errors in the page");
    assert.deepEqual(report.offsite, [], "the console loads nothing from outside the server");
    for (const screenshot of report.screenshots) {
      assert.ok(Deno.statSync(screenshot).size > 10_000, `${screenshot} was saved`);
    }
    console.log(
      `console first load: ${report.firstLoad.bytes} bytes in ${report.firstLoad.requests} ` +
        `requests, ${report.firstLoad.ms} ms to a usable chat box`,
    );
  },
});
