/**
 * A headless Chromium (playwright-core) that a test steers one step at a
 * time: the test writes a JSON command per line to the driver's stdin and
 * reads one JSON answer per line from its stdout, so it can look at the
 * server's logs between steps. The driver runs in a subprocess with
 * --allow-all because playwright-core probes paths under /proc that Deno
 * opens only then, which the test task does not grant.
 *
 * @example
 * ```ts
 * const browser = startBrowserDriver("/usr/bin/chromium", ["--host-resolver-rules=MAP evil.test 127.0.0.1"]);
 * try {
 *   await browser.open("local", "http://localhost:8000/");
 *   await browser.fetch("local", { url: "http://127.0.0.1:8000/graphql", body: "{}" });
 * } finally {
 *   await browser.close();
 * }
 * ```
 * @module
 */
import type { Page } from "playwright-core";
import { chromiumPath, launchChromium } from "../../support/chromium.ts";

/** A POST made from a page. */
export interface PageFetch {
  url: string;
  body: string;
  /** `application/json` unless given. */
  contentType?: string;
  /** `cors` unless given. */
  mode?: RequestMode;
}

/** What a page's fetch came to: the JSON body, an opaque response, or the error thrown. */
export type FetchOutcome = { json: unknown } | { opaque: true } | { error: string };

/** One step, sent to the driver as a JSON line. */
type Command =
  | { op: "open"; page: string; url: string }
  | { op: "fetch"; page: string; request: PageFetch }
  | { op: "websocket"; page: string; url: string }
  | { op: "sameOrigin"; page: string };

/** The test's end of a driver subprocess. */
export interface BrowserDriver {
  /** Opens a new tab called `page` at `url`. */
  open(page: string, url: string): Promise<void>;
  /** POSTs from `page` with the page's fetch. */
  fetch(page: string, request: PageFetch): Promise<FetchOutcome>;
  /** Opens a graphql-ws WebSocket to `url` from `page`: "open" or "error". */
  websocket(page: string, url: string): Promise<"open" | "error">;
  /** From `page`, one query over HTTP and one over graphql-ws to its own origin's /graphql. */
  sameOriginCalls(page: string): Promise<unknown>;
  /** Closes the browser and waits for the subprocess. */
  close(): Promise<void>;
}

/** Splits a byte stream into lines. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
    }
  }
  if (buffer) yield buffer;
}

/** Starts the driver with Chromium at `chromiumPath` plus `args`. */
export function startBrowserDriver(chromiumPath: string, args: string[] = []): BrowserDriver {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(import.meta.url).pathname, ...args],
    env: { CHROMIUM_BIN: chromiumPath },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const answers = lines(child.stdout);
  const writer = child.stdin.getWriter();
  const encoder = new TextEncoder();
  async function call<T>(command: Command): Promise<T> {
    await writer.write(encoder.encode(JSON.stringify(command) + "\n"));
    const { value, done } = await answers.next();
    if (done) {
      await child.status;
      throw new Error(`the browser driver exited: ${await stderr}`);
    }
    const answer = JSON.parse(value);
    if ("error" in answer) throw new Error(`browser driver, ${command.op}: ${answer.error}`);
    return answer.result as T;
  }
  return {
    open: (page, url) => call({ op: "open", page, url }),
    fetch: (page, request) => call({ op: "fetch", page, request }),
    websocket: (page, url) => call({ op: "websocket", page, url }),
    sameOriginCalls: (page) => call({ op: "sameOrigin", page }),
    async close() {
      await writer.close();
      const { code } = await child.status;
      const errors = await stderr;
      if (code !== 0) throw new Error(`the browser driver exited with ${code}: ${errors}`);
    },
  };
}

/** Runs one command in the browser. */
async function run(command: Command, newPage: () => Promise<Page>, pages: Map<string, Page>) {
  if (command.op === "open") {
    const page = await newPage();
    pages.set(command.page, page);
    await page.goto(command.url);
    return null;
  }
  const page = pages.get(command.page);
  if (!page) throw new Error(`no page called ${command.page}`);
  if (command.op === "fetch") {
    return await page.evaluate(async ({ url, body, contentType, mode }): Promise<FetchOutcome> => {
      try {
        const response = await fetch(url, {
          method: "POST",
          mode: mode ?? "cors",
          headers: { "content-type": contentType ?? "application/json" },
          body,
        });
        return response.type === "opaque" ? { opaque: true } : { json: await response.json() };
      } catch (error) {
        return { error: String(error) };
      }
    }, command.request);
  }
  if (command.op === "websocket") {
    return await page.evaluate((url) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url, "graphql-transport-ws");
        ws.onopen = () => resolve("open");
        ws.onerror = () => resolve("error");
      }), command.url);
  }
  return await page.evaluate(async () => {
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

if (import.meta.main) {
  const chromium = await launchChromium({ path: chromiumPath(), args: Deno.args });
  const pages = new Map<string, Page>();
  const encoder = new TextEncoder();
  try {
    for await (const line of lines(Deno.stdin.readable)) {
      let answer;
      try {
        answer = { result: await run(JSON.parse(line), () => chromium.context.newPage(), pages) };
      } catch (error) {
        answer = { error: error instanceof Error ? error.message : String(error) };
      }
      await Deno.stdout.write(encoder.encode(JSON.stringify(answer) + "\n"));
    }
  } finally {
    await chromium.close();
  }
}
