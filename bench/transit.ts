/**
 * Token transit, shared by the streaming benchmarks: read a subscription's
 * TokenEvents and, after the stream, match each with the mock OpenAI
 * server's emit time of the same token (same machine clock; matched by
 * messageId = completion id and the token index in " t0", " t1", …).
 * "Added" latency is client receive epoch ms minus mock emit epoch ms. It
 * includes the client's parsing and this process's event loop, so it is an
 * upper bound of what the server adds.
 *
 * @module
 */
import type { MockOpenAI } from "../tests/support/mock_openai.ts";

/** Epoch ms, the clock the mock stamps its emissions with. */
export const now = (): number => performance.timeOrigin + performance.now();

/** What one subscription delivered. */
export interface TokenRead {
  /** Subscribe → first TokenEvent, ms. */
  ttft: number;
  /** Epoch ms of the first event of any kind. */
  firstEventAt: number;
  /** Epoch ms of the last TokenEvent. */
  lastTokenAt: number;
  /** Epoch ms of the terminal RunStatusEvent (NaN when the stream ended otherwise). */
  endAt: number;
  received: number;
  /** Tokens received in order from " t0" (a reply of `tokens` loses `tokens - inOrder`). */
  inOrder: number;
  /** [messageId, token index, receive epoch ms] of every TokenEvent. */
  stamps: [string, number, number][];
  /** The terminal status, or what went wrong. */
  status: string;
  /** The GraphQL errors that ended the stream, if any. */
  errors?: unknown;
}

/** A subscription result as graphql-sse and graphql-ws yield it. */
export type SubscriptionMessage = {
  data?: Record<string, Record<string, string> | undefined> | null;
  errors?: unknown;
};

/**
 * Reads the subscription field `field` (`chat`, `runEvents`) until a
 * terminal RunStatusEvent; the events must select `__typename`,
 * `TokenEvent { text messageId }` and `RunStatusEvent { status }`.
 */
export async function readTokens(
  iterable: AsyncIterable<SubscriptionMessage>,
  field: string,
): Promise<TokenRead> {
  const subscribed = now();
  const read: TokenRead = {
    ttft: NaN,
    firstEventAt: NaN,
    lastTokenAt: NaN,
    endAt: NaN,
    received: 0,
    inOrder: 0,
    stamps: [],
    status: "none",
  };
  for await (const message of iterable) {
    const at = now();
    const event = message.data?.[field];
    if (event === undefined) {
      read.status = `errors ${JSON.stringify(message.errors)}`;
      read.errors = message.errors;
      break;
    }
    if (Number.isNaN(read.firstEventAt)) read.firstEventAt = at;
    if (event.__typename === "TokenEvent") {
      if (read.received === 0) read.ttft = at - subscribed;
      read.received++;
      read.lastTokenAt = at;
      if (event.text === ` t${read.inOrder}`) read.inOrder++;
      read.stamps.push([event.messageId ?? "", Number(event.text?.slice(2)), at]);
    } else if (
      event.__typename === "RunStatusEvent" && event.status !== "RUNNING" &&
      event.status !== "PENDING"
    ) {
      read.status = event.status ?? "none";
      read.endAt = at;
      break;
    }
  }
  return read;
}

/**
 * Receive minus emit, ms, of each token of `read` the mock emitted at or
 * after `notBefore` (epoch ms); emit times are read after the stream, off
 * the receive path.
 */
export function addedMs(read: TokenRead, mock: MockOpenAI, notBefore = -Infinity): number[] {
  const added: number[] = [];
  for (const [messageId, index, at] of read.stamps) {
    const emitted = mock.emissions.get(messageId)?.[index];
    if (emitted !== undefined && emitted >= notBefore) added.push(at - emitted);
  }
  return added;
}

/** The `q` quantile of ascending `sorted`; NaN when empty. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Two decimals. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
