/**
 * One stream of the soak benchmark, as a chat front end makes it: a new
 * thread over HTTP, then the `chat` subscription on its own graphql-sse or
 * graphql-ws client (one connection), read to the terminal RunStatusEvent;
 * and the tally those streams add up to, minute by minute.
 *
 * Tokens are " t0" … " t{n-1}", so each TokenEvent's text names its index:
 * an index never received is lost, one received twice is duplicated.
 *
 * @module
 */
import type { MockOpenAI } from "../tests/support/mock_openai.ts";
import { graphql } from "./streaming.ts";
import { CHAT, createStreamClient } from "./streaming_level.ts";
import { addedMs, readTokens, type SubscriptionMessage } from "./transit.ts";

/** How one stream ended. */
export interface StreamOutcome {
  /** `SUCCESS`, or the error code that ended it (see {@linkcode errorCodes}). */
  outcome: string;
  received: number;
  /** Token indices never received (only for streams that subscribed). */
  lost: number;
  /** TokenEvents received for an index already seen. */
  duplicated: number;
  /** Receive minus emit, ms, of each token. */
  added: number[];
}

/** Runs one stream against `base` (`host:port/graphql`). */
export async function runStream(options: {
  base: string;
  transport: "sse" | "ws";
  mock: MockOpenAI;
  tokens: number;
}): Promise<StreamOutcome> {
  const { base, transport, mock, tokens } = options;
  const failed = (outcome: string, lost = 0): StreamOutcome => ({
    outcome,
    received: 0,
    lost,
    duplicated: 0,
    added: [],
  });
  let threadId: string;
  try {
    const body = await graphql(base, "mutation { createThread(input: {}) { id } }");
    if (!body.data?.createThread) return failed(`createThread ${errorCodes(body.errors)}`);
    threadId = body.data.createThread.id;
  } catch (error) {
    return failed(`createThread ${transportError(error)}`);
  }
  const client = createStreamClient(transport, base);
  try {
    const iterable = client.iterate({
      query: CHAT,
      variables: { input: { threadId, content: "Tell me a long story." } },
    }) as AsyncIterable<SubscriptionMessage>;
    const read = await readTokens(iterable, "chat");
    const seen = new Set<number>();
    let duplicated = 0;
    let messageId = "";
    for (const [id, index] of read.stamps) {
      messageId ||= id;
      if (seen.has(index)) duplicated++;
      else seen.add(index);
    }
    const added = addedMs(read, mock);
    // The mock's record of this completion is no longer needed; a soak makes tens of thousands.
    mock.emissions.delete(messageId);
    const outcome = read.status === "SUCCESS"
      ? "SUCCESS"
      : read.errors !== undefined
      ? `chat ${errorCodes(read.errors)}`
      : read.status === "none"
      ? "chat ended without a terminal status"
      : `run ${read.status}`;
    return { outcome, received: read.received, lost: tokens - seen.size, duplicated, added };
  } catch (error) {
    return failed(`chat ${transportError(error)}`, tokens);
  } finally {
    await client.dispose();
  }
}

/** The `extensions.code` of each GraphQL error, joined (`INTERNAL`, `RATE_LIMITED,…`). */
export function errorCodes(errors: unknown): string {
  if (!Array.isArray(errors) || errors.length === 0) return "no data and no errors";
  const codes = errors.map((error) => error?.extensions?.code ?? "no code");
  return [...new Set(codes)].join(",");
}

/** A transport failure as a short code: a WebSocket close code, or the error's name. */
function transportError(error: unknown): string {
  if (error && typeof error === "object" && "code" in error && "reason" in error) {
    return `closed ${(error as CloseEvent).code}`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message.slice(0, 60)}`;
  // A WebSocket that fails to connect or breaks rejects with its `error` event.
  if (error instanceof Event) {
    return `${error.type} event${error instanceof ErrorEvent ? `: ${error.message}` : ""}`;
  }
  return `transport ${String(error).slice(0, 60)}`;
}

/** What the streams that ended in one interval added up to. */
export class Tally {
  runs = 0;
  succeeded = 0;
  received = 0;
  lost = 0;
  duplicated = 0;
  /** Lost tokens of streams that ended SUCCESS: must be zero. */
  lostInSuccess = 0;
  byOutcome = new Map<string, number>();
  added: number[] = [];

  /** Adds one stream. */
  add(result: StreamOutcome): void {
    this.runs++;
    if (result.outcome === "SUCCESS") {
      this.succeeded++;
      this.lostInSuccess += result.lost;
    }
    this.received += result.received;
    this.lost += result.lost;
    this.duplicated += result.duplicated;
    this.byOutcome.set(result.outcome, (this.byOutcome.get(result.outcome) ?? 0) + 1);
    for (const ms of result.added) this.added.push(ms);
  }

  /** Adds another tally (an interval's) into this one, without its latencies. */
  merge(other: Tally): void {
    this.runs += other.runs;
    this.succeeded += other.succeeded;
    this.received += other.received;
    this.lost += other.lost;
    this.duplicated += other.duplicated;
    this.lostInSuccess += other.lostInSuccess;
    for (const [outcome, count] of other.byOutcome) {
      this.byOutcome.set(outcome, (this.byOutcome.get(outcome) ?? 0) + count);
    }
  }
}
