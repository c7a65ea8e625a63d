/**
 * Drives the web console in Debian's headless Chromium (playwright-core) on
 * a running server, as a person would with the keyboard where it matters:
 * measures the first load, sends a message and waits for the streamed reply,
 * approves an interrupt, draws a chart, searches a memory, uploads a
 * document, and watches a task status change
 * (made by another client) arrive on the project board. Run as a subprocess
 * by console_browser_test.ts; prints one JSON report line.
 *
 * Usage: console_driver.ts SERVER_URL SCREENSHOT_DIR
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Page } from "playwright-core";
import { chromiumPath, launchChromium } from "../../support/chromium.ts";

/** What the driver saw. */
export interface ConsoleReport {
  status: number | undefined;
  cacheControl: { page: string; asset: string };
  firstLoad: { bytes: number; requests: number; ms: number };
  streamed: string;
  runStatus: string;
  approvedMessage: boolean;
  memoryRow: string;
  documentStatus: string;
  documentListed: boolean;
  inProgress: { before: number; after: number };
  chartSvg: boolean;
  pageErrors: string[];
  consoleErrors: string[];
  offsite: string[];
  screenshots: string[];
}

const TIMEOUT = 30_000;

async function shot(page: Page, dir: string, name: string, report: ConsoleReport) {
  const path = `${dir}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  report.screenshots.push(path);
}

async function graphql(serverUrl: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${serverUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

export async function driveConsole(serverUrl: string, dir: string): Promise<ConsoleReport> {
  await Deno.mkdir(dir, { recursive: true });
  const chromium = await launchChromium({
    path: chromiumPath(),
    viewport: { width: 1280, height: 860 },
  });
  const report: ConsoleReport = {
    status: undefined,
    cacheControl: { page: "", asset: "" },
    firstLoad: { bytes: 0, requests: 0, ms: 0 },
    streamed: "",
    runStatus: "",
    approvedMessage: false,
    memoryRow: "",
    documentStatus: "",
    documentListed: false,
    inProgress: { before: -1, after: -1 },
    chartSvg: false,
    pageErrors: [],
    consoleErrors: [],
    offsite: [],
    screenshots: [],
  };
  try {
    const page = chromium.context.pages()[0] ?? await chromium.context.newPage();
    const { host } = new URL(serverUrl);
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.protocol.startsWith("http") && url.host !== host) report.offsite.push(request.url());
      if (url.protocol.startsWith("ws") && url.host !== host) report.offsite.push(request.url());
    });
    page.on("pageerror", (error) => report.pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") report.consoleErrors.push(message.text());
    });
    page.on("response", (response) => {
      if (response.url().includes("/console/assets/console.") && response.url().endsWith(".js")) {
        report.cacheControl.asset = response.headers()["cache-control"] ?? "";
      }
    });

    // First load, cold cache: from navigation until the chat box is usable.
    const started = performance.now();
    const response = await page.goto(`${serverUrl}/console`);
    report.status = response?.status();
    report.cacheControl.page = response?.headers()["cache-control"] ?? "";
    const message = page.getByLabel("Message", { exact: true });
    await message.waitFor({ timeout: TIMEOUT });
    await page.getByRole("option", { name: "assistant", exact: false }).first().waitFor({
      state: "attached",
      timeout: TIMEOUT,
    });
    report.firstLoad.ms = Math.round(performance.now() - started);
    const transfer = await page.evaluate(() => {
      const entries = [
        ...performance.getEntriesByType("navigation"),
        ...performance.getEntriesByType("resource"),
      ] as unknown as { name: string; transferSize: number }[];
      const files = entries.filter((e) => !e.name.endsWith("/graphql"));
      return { bytes: files.reduce((sum, e) => sum + e.transferSize, 0), requests: files.length };
    });
    report.firstLoad.bytes = transfer.bytes;
    report.firstLoad.requests = transfer.requests;

    // Chat with the keyboard: type, Ctrl+Enter, watch the reply stream in.
    await page.getByLabel("Agent").selectOption("assistant");
    await message.click();
    await page.keyboard.type("Hello console");
    await page.keyboard.press("Control+Enter");
    // The first status is "running"; wait for the final one.
    const status = page.getByTestId("run-status").filter({
      hasText: /Run (success|error|cancelled|interrupted)/,
    });
    await status.waitFor({ state: "attached", timeout: TIMEOUT });
    report.runStatus = (await status.textContent()) ?? "";
    report.streamed = (await page.getByTestId("streamed").textContent()) ?? "";
    await shot(page, dir, "console_chat", report);

    // Human in the loop: ask for approval, then approve from the keyboard.
    const approval = page.getByLabel("Require my approval");
    await approval.focus();
    await page.keyboard.press("Space");
    if (!(await approval.isChecked())) throw new Error("Space did not tick 'Require my approval'");
    await message.fill("Write something I must approve");
    await page.getByRole("button", { name: "Send" }).click();
    const approve = page.getByRole("button", { name: "Approve" });
    await approve.waitFor({ timeout: TIMEOUT });
    await shot(page, dir, "console_interrupt", report);
    await approve.focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("run-status").filter({ hasText: "Run success" }).waitFor({
      state: "attached",
      timeout: TIMEOUT,
    });
    await approve.waitFor({ state: "detached", timeout: TIMEOUT });
    report.approvedMessage = await page.locator(".message.assistant", {
      hasText: "Draft awaiting approval",
    }).count() > 0;
    await shot(page, dir, "console_approved", report);

    // A chart artifact from the chart agent's render_chart tool.
    await page.getByLabel("Agent").selectOption("chart");
    await page.getByRole("button", { name: "New thread" }).click();
    // The new thread is selected and empty before the next message.
    await page.locator(".messages li").first().waitFor({ state: "detached", timeout: TIMEOUT });
    await approval.focus();
    await page.keyboard.press("Space");
    if (await approval.isChecked()) throw new Error("Space did not clear 'Require my approval'");
    await message.fill("Chart the sales");
    await page.getByRole("button", { name: "Send" }).click();
    await page.locator("[data-testid=chart] svg").first().waitFor({ timeout: TIMEOUT });
    report.chartSvg = true;
    await shot(page, dir, "console_chart", report);

    // Memories: semantic search with scores.
    await page.getByRole("link", { name: "Memories" }).click();
    await page.getByLabel("Namespace prefix").fill("console-test");
    await page.getByLabel("Query").fill("oolong tea");
    await page.keyboard.press("Enter");
    const row = page.getByTestId("memory-results").locator("tbody tr").first();
    await row.waitFor({ timeout: TIMEOUT });
    report.memoryRow = await row.innerText();
    await page.getByRole("button", { name: "History of drink" }).click();
    await page.getByRole("heading", { name: "History of drink" }).waitFor({ timeout: TIMEOUT });
    await shot(page, dir, "console_memories", report);

    // Documents: upload a file; the status line reports it ready with its passages.
    await page.getByRole("link", { name: "Documents" }).click();
    await page.getByLabel("File (.txt, .md, .pdf, .docx)").setInputFiles({
      name: "console-notes.md",
      mimeType: "text/markdown",
      // playwright-core base64-encodes with Buffer#toString, so a Node Buffer it must be.
      buffer: Buffer.from("# Notes\n\nThe console uploaded this file.\n"),
    });
    await page.getByLabel("Title").fill("Console notes");
    await page.getByRole("button", { name: "Upload" }).click();
    const documentStatus = page.getByTestId("document-status").filter({ hasText: /^READY/ });
    await documentStatus.waitFor({ timeout: TIMEOUT });
    report.documentStatus = await documentStatus.innerText();
    report.documentListed = await page.getByRole("cell", { name: "Console notes" }).count() > 0;
    await shot(page, dir, "console_documents", report);

    // Project board: a change made by another client arrives live.
    await page.getByRole("link", { name: "Project" }).click();
    const inProgress = page.getByTestId("in-progress");
    await inProgress.waitFor({ timeout: TIMEOUT });
    await page.locator("tr[data-task]").first().waitFor({ timeout: TIMEOUT });
    report.inProgress.before = Number(await inProgress.innerText());
    const { nextTasks } = await graphql(
      serverUrl,
      "{ nextTasks(limit: 1, allPhases: true) { id } }",
    );
    await graphql(
      serverUrl,
      `mutation ($id: ID!) { updateTaskStatus(input: { taskId: $id, status: IN_PROGRESS }) { id } }`,
      { id: nextTasks[0].id },
    );
    const expected = String(report.inProgress.before + 1);
    await page.locator("[data-testid=in-progress]", { hasText: new RegExp(`^${expected}$`) })
      .waitFor({ timeout: TIMEOUT });
    report.inProgress.after = Number(await inProgress.innerText());
    await shot(page, dir, "console_project", report);
    return report;
  } finally {
    await chromium.close();
  }
}

if (import.meta.main) {
  const [serverUrl, dir] = Deno.args;
  if (!serverUrl || !dir) {
    console.error("usage: console_driver.ts SERVER_URL SCREENSHOT_DIR");
    Deno.exit(2);
  }
  console.log(JSON.stringify(await driveConsole(serverUrl, dir)));
}
