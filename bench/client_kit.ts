/**
 * `deno task bench client_kit`: the client kit's three figures.
 *
 * - **Client bundle**: client/mod.ts bundled for browsers by esbuild
 *   (minified, ESM, both transports and the generated documents), raw and
 *   gzipped (level 9).
 * - **Added latency per event at 1 stream**: the real server (subprocess)
 *   streams 200-token runs from the mock OpenAI server (in this process, so
 *   one clock); each token's latency is receive time minus the mock's emit
 *   time. Raw = `sendMessage` over fetch + a bare `graphql-ws` client on
 *   `runEvents`; client = `client.chat()` over ws (the same plus the
 *   resumable wrapper). Runs alternate, `BENCH_RUNS` (default 6) of each.
 * - **Console first load**: headless Chromium with an empty profile opens
 *   /console; bytes transferred (page + assets) and milliseconds until the
 *   chat box is usable, median of 3 cold loads. Skipped without Chromium.
 *
 * @module
 */
import * as esbuild from "esbuild";
import { createClient as createWsClient } from "graphql-ws";
import { gzipSync } from "node:zlib";
import { createClient } from "../client/mod.ts";
import { linkFarm } from "../scripts/build_console.ts";
import { startMockOpenAI } from "../tests/support/mock_openai.ts";
import { startServer } from "../tests/support/server_process.ts";
import { checkChromium } from "../tests/support/chromium.ts";
import type { FirstLoad } from "../tests/console/support/first_load.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const TOKENS = 200;
const now = () => performance.timeOrigin + performance.now();

/** One row of the table. */
export interface ClientKitRow {
  figure: string;
  value: string;
  detail: string;
}

async function bundleSize(entry: string): Promise<{ min: number; gzip: number }> {
  const farm = await linkFarm();
  try {
    const result = await esbuild.build({
      stdin: { contents: entry, resolveDir: ROOT, loader: "ts" },
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      minify: true,
      write: false,
      nodePaths: [farm.path],
      tsconfigRaw: "{}",
      logLevel: "error",
    });
    const code = result.outputFiles[0]!.contents;
    return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
  } finally {
    await farm.remove();
    await esbuild.stop();
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function latencies(): Promise<{ raw: number[]; client: number[] }> {
  const mock = await startMockOpenAI({ tokens: TOKENS, tokenDelayMs: 2 });
  const server = await startServer({
    OPENAI_API_KEY: "sk-mock",
    OPENAI_BASE_URL: mock.url,
    MEMORY_REFLECTION_DELAY_MS: "600000",
  });
  const url = `${server.url}/graphql`;
  const client = createClient({ url, transport: "ws" });
  const ws = createWsClient({ url: url.replace("http", "ws"), lazy: true, retryAttempts: 0 });
  const raw: number[] = [];
  const viaClient: number[] = [];
  const record = (into: number[], messageId: string, text: string, at: number) => {
    const emitted = mock.emissions.get(messageId)?.[Number(text.slice(2))];
    if (emitted !== undefined) into.push(at - emitted);
  };
  try {
    const { thread } = await client.threads.create({ agentId: "assistant" });
    const runs = Number(Deno.env.get("BENCH_RUNS") ?? 6);
    for (let i = 0; i < runs * 2; i++) {
      if (i % 2 === 0) {
        for await (const event of client.chat(thread.id, `run ${i}`)) {
          const at = now();
          if (event.__typename === "TokenEvent") record(viaClient, event.messageId, event.text, at);
        }
      } else {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query: "mutation ($t: ID!, $c: String!) " +
              "{ sendMessage(input: {threadId: $t, content: $c}) { id } }",
            variables: { t: thread.id, c: `run ${i}` },
          }),
        });
        const runId = (await response.json()).data.sendMessage.id;
        const events = ws.iterate<
          { runEvents: { __typename: string; text?: string; messageId?: string } }
        >({
          query: "subscription ($r: ID!) { runEvents(runId: $r, after: 0) { __typename " +
            "... on TokenEvent { text messageId } } }",
          variables: { r: runId },
        });
        for await (const { data } of events) {
          const at = now();
          const event = data!.runEvents;
          if (event.__typename === "TokenEvent") {
            record(raw, event.messageId!, event.text!, at);
          }
        }
      }
    }
  } finally {
    await client.close();
    await ws.dispose();
    await server.stop();
    await mock.close();
  }
  return { raw, client: viaClient };
}

async function consoleFirstLoad(): Promise<FirstLoad[]> {
  const chromium = checkChromium("the console first-load benchmark");
  if (!chromium.present) return [];
  const server = await startServer();
  try {
    // A subprocess with --allow-all: playwright-core probes /proc.
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "tests/console/support/first_load.ts", server.url, "3"],
      cwd: ROOT,
      env: { CHROMIUM_BIN: chromium.path },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (code !== 0) throw new Error(new TextDecoder().decode(stderr));
    return JSON.parse(new TextDecoder().decode(stdout).trim().split("\n").at(-1)!);
  } finally {
    await server.stop();
  }
}

/** The table. */
export async function benchClientKit(): Promise<ClientKitRow[]> {
  const rows: ClientKitRow[] = [];
  const full = await bundleSize(`export * from "./client/mod.ts";`);
  rows.push({
    figure: "client bundle (both transports)",
    value: `${kib(full.gzip)} gzipped`,
    detail: `${kib(full.min)} minified`,
  });
  const { raw, client } = await latencies();
  const median = (v: number[]) => percentile(v, 0.5);
  rows.push({
    figure: "latency per token, raw graphql-ws",
    value: `${median(raw).toFixed(2)} ms median`,
    detail: `p95 ${percentile(raw, 0.95).toFixed(2)} ms, ${raw.length} tokens`,
  });
  rows.push({
    figure: "latency per token, client.chat (ws)",
    value: `${median(client).toFixed(2)} ms median`,
    detail: `p95 ${percentile(client, 0.95).toFixed(2)} ms, ${client.length} tokens`,
  });
  rows.push({
    figure: "client's added latency per event",
    value: `${(median(client) - median(raw)).toFixed(2)} ms median`,
    detail: `p95 difference ${
      (percentile(client, 0.95) - percentile(raw, 0.95)).toFixed(2)
    } ms, 1 stream`,
  });
  const loads = await consoleFirstLoad();
  if (loads.length > 0) {
    const ms = median(loads.map((l) => l.ms));
    rows.push({
      figure: "console first load (cold, Chromium)",
      value: `${kib(loads[0]!.bytes)} in ${loads[0]!.requests} requests`,
      detail: `${ms} ms median to a usable chat box (${loads.map((l) => l.ms).join(", ")})`,
    });
  }
  return rows;
}
