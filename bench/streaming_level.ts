/**
 * One level of the streaming benchmark: N concurrent `chat` subscriptions
 * from real graphql-sse or graphql-ws clients (one connection each) to a
 * server in another process, and what they measured.
 *
 * @module
 */
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import type { MockOpenAI } from "../tests/support/mock_openai.ts";
import { addedMs, now, quantile, readTokens, round, type SubscriptionMessage } from "./transit.ts";
import { type ByteCounter, countingFetch, countingWebSocket } from "./byte_count.ts";
import { residentKib } from "../tests/support/process_stats.ts";

export { now, round };

/** What one level measured, before the database columns. */
export interface LevelResult {
  transport: "sse" | "ws";
  streams: number;
  ttftP50Ms: number;
  ttftP99Ms: number;
  addedP50Ms: number;
  addedP99Ms: number;
  /** Last TokenEvent → terminal RunStatusEvent at the client, ms. */
  closeP50Ms: number;
  closeP99Ms: number;
  tokensPerSecond: number;
  /** Bytes the clients received (SSE bodies; WebSocket frames) per token. */
  bytesPerToken: number;
  lostTokens: number;
  failedRuns: number;
  /** Peak resident set of the server process during the level. */
  serverRssMb: number;
  /** Server CPU time (user + system) per token received, in microseconds. */
  serverCpuUsPerToken: number;
  /** This process's (mock and clients) CPU use during the level, % of one core. */
  benchCpuPct: number;
}

interface StreamResult {
  ttft: number;
  close: number;
  added: number[];
  received: number;
  lost: number;
  status: string;
}

/** A graphql-sse or graphql-ws client: what a chat front end holds for one stream. */
export interface StreamClient {
  iterate(request: { query: string; variables: Record<string, unknown> }): AsyncIterable<unknown>;
  dispose(): void | Promise<void>;
}

/**
 * A real graphql-ws or graphql-sse client for `base` (`host:port/graphql`),
 * with no retries (a drop is reported, not hidden), one connection per client.
 */
export function createStreamClient(
  transport: "sse" | "ws",
  base: string,
  authorization?: string,
  /** Byte-counting transports (bench/byte_count.ts); the plain ones by default. */
  io: { webSocketImpl?: typeof WebSocket; fetchFn?: typeof fetch } = {},
): StreamClient {
  return transport === "ws"
    ? createWsClient({
      url: `ws://${base}`,
      webSocketImpl: io.webSocketImpl ?? WebSocket,
      retryAttempts: 0,
      ...(authorization ? { connectionParams: { authorization } } : {}),
    })
    : createSseClient({
      url: `http://${base}`,
      retryAttempts: 0,
      ...(io.fetchFn ? { fetchFn: io.fetchFn } : {}),
      ...(authorization ? { headers: { authorization } } : {}),
    });
}

/** The chat subscription every streaming bench sends: tokens and the terminal status. */
export const CHAT = `subscription($input: SendMessageInput!) { chat(input: $input) {
  __typename ... on TokenEvent { text messageId } ... on RunStatusEvent { status error } } }`;

/**
 * Runs `threadIds.length` concurrent chats against `base` (`host:port/graphql`;
 * with several, stream i goes to `base[i % n]`), whose server process is
 * `pid` (with several, their CPU and resident sets add up).
 */
export async function runLevel(options: {
  base: string | string[];
  mock: MockOpenAI;
  pid: number | number[];
  transport: "sse" | "ws";
  threadIds: string[];
  tokens: number;
  /** Spread the subscriptions evenly over this many ms instead of starting all at once. */
  rampMs?: number;
  /** `Bearer <JWT>` for servers that require a token. */
  authorization?: string;
  /**
   * Streams at once (default: all); the threads run in rounds of this many,
   * one round after another, so a 1-stream level can measure several chats.
   */
  concurrency?: number;
}): Promise<LevelResult> {
  const { mock, transport, threadIds, tokens, authorization } = options;
  const bases = [options.base].flat();
  const pids = [options.pid].flat();
  const streams = options.concurrency ?? threadIds.length;
  const gapMs = (options.rampMs ?? 0) / streams;
  const rssOf = async () => (await Promise.all(pids.map(residentKib))).reduce((a, b) => a + b, 0);
  const cpuOf = async () => (await Promise.all(pids.map(processCpuMs))).reduce((a, b) => a + b, 0);
  let peakRss = await rssOf();
  const sampler = setInterval(async () => peakRss = Math.max(peakRss, await rssOf()), 100);
  const cpuBefore = await cpuOf();
  const benchCpuBefore = await processCpuMs(Deno.pid);
  const received: ByteCounter = { bytes: 0 };
  const webSocketImpl = countingWebSocket(received);
  const fetchFn = countingFetch(received);
  // One client per stream, as each chat front end has its own connection.
  const clients = threadIds.map((_, i) =>
    createStreamClient(transport, bases[i % bases.length]!, authorization, {
      webSocketImpl,
      fetchFn,
    })
  );
  const started = now();
  const results: StreamResult[] = [];
  const chat = async (threadId: string, i: number) => {
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, (i % streams) * gapMs));
    const iterable = clients[i]!.iterate({
      query: CHAT,
      variables: { input: { threadId, content: "Tell me a long story." } },
    }) as AsyncIterable<SubscriptionMessage>;
    return consume(iterable, mock, tokens).catch((error): StreamResult => ({
      ttft: NaN,
      close: NaN,
      added: [],
      received: 0,
      lost: tokens,
      status: `transport error: ${error?.reason ?? error?.message ?? error}`,
    }));
  };
  try {
    for (let first = 0; first < threadIds.length; first += streams) {
      const round = threadIds.slice(first, first + streams);
      results.push(...await Promise.all(round.map((id, i) => chat(id, first + i))));
    }
  } finally {
    clearInterval(sampler);
    await Promise.all(clients.map((client) => client.dispose()));
  }
  const elapsedS = (now() - started) / 1000;
  const serverCpu = await cpuOf() - cpuBefore;
  const benchCpuMs = await processCpuMs(Deno.pid) - benchCpuBefore;
  const added = results.flatMap((r) => r.added).sort((a, b) => a - b);
  const ttft = results.map((r) => r.ttft).filter(Number.isFinite).sort((a, b) => a - b);
  const close = results.map((r) => r.close).filter(Number.isFinite).sort((a, b) => a - b);
  const tokensReceived = results.reduce((sum, r) => sum + r.received, 0);
  const failures = results.filter((r) => r.status !== "SUCCESS");
  if (failures.length > 0) console.error(`${transport} ${streams}: ${failures[0]!.status}`);
  return {
    transport,
    streams,
    ttftP50Ms: round(quantile(ttft, 0.5)),
    ttftP99Ms: round(quantile(ttft, 0.99)),
    addedP50Ms: round(quantile(added, 0.5)),
    addedP99Ms: round(quantile(added, 0.99)),
    closeP50Ms: round(quantile(close, 0.5)),
    closeP99Ms: round(quantile(close, 0.99)),
    tokensPerSecond: Math.round(tokensReceived / elapsedS),
    bytesPerToken: tokensReceived > 0 ? Math.round(received.bytes / tokensReceived) : NaN,
    lostTokens: results.reduce((sum, r) => sum + r.lost, 0),
    failedRuns: failures.length,
    serverRssMb: Math.round(peakRss / 1024),
    serverCpuUsPerToken: tokensReceived > 0 ? Math.round(serverCpu * 1000 / tokensReceived) : NaN,
    benchCpuPct: Math.round(benchCpuMs / (elapsedS * 10)),
  };
}

/** Reads one chat stream; tokens are " t0" … " t199", so the text gives the index. */
async function consume(
  iterable: AsyncIterable<SubscriptionMessage>,
  mock: MockOpenAI,
  tokens: number,
): Promise<StreamResult> {
  const read = await readTokens(iterable, "chat");
  return {
    ttft: read.ttft,
    close: read.endAt - read.lastTokenAt,
    added: addedMs(read, mock),
    received: read.received,
    lost: tokens - read.inOrder,
    status: read.status,
  };
}

/** A process's CPU time so far (user + system), in ms, from /proc/<pid>/stat; NaN without it. */
export async function processCpuMs(pid: number): Promise<number> {
  const cat = await new Deno.Command("cat", { args: [`/proc/${pid}/stat`], stderr: "null" })
    .output();
  const stat = new TextDecoder().decode(cat.stdout);
  if (!cat.success) return NaN;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of proc(5), in clock ticks (100 Hz on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
