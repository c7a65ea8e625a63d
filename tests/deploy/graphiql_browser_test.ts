/**
 * GraphiQL in a real browser: Debian's headless Chromium, driven by
 * playwright-core (tests/deploy/support/graphiql_driver.ts, in a subprocess),
 * opens GraphiQL on a running server (`src/main.ts` in a subprocess), runs a
 * query and a WebSocket subscription by typing them into the editor and
 * pressing Execute; this test asserts on what the response pane showed. The
 * screenshots go to .data/screenshots/ (gitignored).
 *
 * Skipped with a warning where Chromium is missing, except under CI=true
 * (.ci/run installs Debian's `chromium`). CHROMIUM_BIN overrides the path.
 */
import assert from "node:assert/strict";
import type { GraphiQLReport } from "./support/graphiql_driver.ts";
import { ROOT } from "./support/tools.ts";
import { startServer } from "../support/server_process.ts";
import { checkChromium } from "../support/chromium.ts";

const chromium = checkChromium("the GraphiQL browser test");

Deno.test({
  name: "GraphiQL in headless Chromium runs a query and a WebSocket subscription",
  ignore: chromium.ignore,
  async fn() {
    assert.ok(chromium.present, `${chromium.path} is missing: .ci/run installs Debian's chromium`);
    const server = await startServer();
    let report: GraphiQLReport;
    try {
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          "tests/deploy/support/graphiql_driver.ts",
          server.url,
          `${ROOT}.data/screenshots`,
        ],
        cwd: ROOT,
        env: { CHROMIUM_BIN: chromium.path },
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(120_000),
      }).output();
      const decoder = new TextDecoder();
      assert.equal(code, 0, decoder.decode(stderr));
      report = JSON.parse(decoder.decode(stdout).trim().split("\n").at(-1)!);
    } finally {
      await server.stop();
    }

    assert.equal(report.status, 200);
    assert.match(report.contentType, /text\/html/);
    assert.equal(report.title, "Graphmind GraphiQL");
    assert.match(report.query, /"ready": true/);
    assert.match(report.query, /"offline": true/);
    assert.match(report.query, /"name": "database",\s*"mode": "embedded",\s*"status": "OK"/);
    assert.match(
      report.subscription,
      /"heartbeat": \{\s*"sequence": 3,\s*"at": "\d{4}-\d\d-\d\dT/,
      "the pane shows the subscription's last beat",
    );
    assert.deepEqual(report.pageErrors, [], "no uncaught errors in the page");
    assert.deepEqual(report.offsite, [], "GraphiQL loads nothing from outside the server");
    const upgrades = server.logs.filter((l) =>
      l.message === "request" && l.path === "/graphql" && l.status_code === 101
    );
    assert.ok(upgrades.length >= 1, "the subscription went over a WebSocket");
    for (const screenshot of report.screenshots) {
      assert.ok(Deno.statSync(screenshot).size > 10_000, `${screenshot} was saved`);
    }
  },
});
