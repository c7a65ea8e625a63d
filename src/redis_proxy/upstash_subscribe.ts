/**
 * Upstash pub/sub over SSE: `POST /subscribe/<channel>[/<channel>...]` and
 * `POST /psubscribe/<pattern>[/...]` (GET works too, for `curl -N` and
 * `EventSource`). Each stream owns one Redis connection in subscribe mode and
 * writes what Redis pushes as the `data:` lines that `@upstash/redis`'s
 * `subscribe()` and `psubscribe()` parse:
 *
 * ```text
 * data: subscribe,<channel>,<subscription count>
 * data: message,<channel>,<message>
 * data: pmessage,<pattern>,<channel>,<message>
 * ```
 *
 * The response starts once Redis has confirmed the subscription, so anything
 * published after the client sees the headers is delivered. When the client
 * goes away, the connection unsubscribes, waits for Redis to confirm, and
 * closes. A client that stops reading is handled as Redis handles one:
 * the stream stops reading Redis, and Redis drops the connection once its
 * pub/sub output buffer limit is reached. Publishing is the ordinary
 * `PUBLISH` command on the other routes.
 *
 * Messages travel as UTF-8 text, never base64, whatever `Upstash-Encoding`
 * says: the client does not decode them. A message with a line break would
 * be cut at it by the client's line parser; JSON (what the client publishes
 * for anything but a plain string) never has one.
 *
 * @module
 */
import { RedisConnection, type RedisConnectionOptions } from "./redis_connection.ts";
import { RedisReplyError, type RespValue, SimpleString } from "./resp.ts";
import { UpstashRequestError } from "./upstash_protocol.ts";

/** `subscribe` takes channels, `psubscribe` glob patterns. */
export type SubscriptionKind = "subscribe" | "psubscribe";

/** A subscription opening or ending, for logs and tests. */
export interface SubscriptionEvent {
  type: "open" | "end";
  kind: SubscriptionKind;
  names: string[];
  /** Subscription streams open after this event. */
  open: number;
}

/** Options for {@linkcode createSubscriptionHub}. */
export interface SubscriptionHubOptions extends RedisConnectionOptions {
  /** Most streams (and so Redis connections) open at once. Default 1024. */
  maxSubscriptions?: number;
  /** Milliseconds between SSE comment lines that keep idle streams alive. Default 25 000. */
  keepaliveMs?: number;
  /** Called when a subscription opens, and once it has ended and its connection is closed. */
  onEvent?: (event: SubscriptionEvent) => void;
}

/** The open subscription streams. */
export interface SubscriptionHub {
  /** Subscribes on a new Redis connection and answers with the SSE stream. */
  open(kind: SubscriptionKind, names: string[]): Promise<Response>;
  /** Refuses new subscriptions and ends the open ones, so an HTTP server can shut down. */
  drain(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const UNSUBSCRIBE = { subscribe: "unsubscribe", psubscribe: "punsubscribe" } as const;

/**
 * Creates the hub. Streams end when their client goes away, when Redis drops
 * the connection, or on {@linkcode SubscriptionHub.drain}.
 */
export function createSubscriptionHub(options: SubscriptionHubOptions): SubscriptionHub {
  const max = options.maxSubscriptions ?? 1024;
  const keepaliveMs = options.keepaliveMs ?? 25_000;
  const ends = new Set<() => Promise<void>>();
  let draining = false;
  let opening = 0;

  async function open(kind: SubscriptionKind, names: string[]) {
    if (names.length === 0 || names.includes("")) {
      throw new UpstashRequestError(`ERR name what to subscribe to: /${kind}/<name>`);
    }
    if (draining) throw new UpstashRequestError("ERR the proxy is shutting down", 503);
    // Streams still connecting count too, or a burst could overshoot the cap.
    if (ends.size + opening >= max) {
      throw new UpstashRequestError(`ERR too many subscriptions open (at most ${max})`, 503);
    }
    opening++;
    try {
      const connection = await RedisConnection.open(options);
      const confirmations = await subscribe(connection, kind, names);
      if (draining) {
        connection.close();
        throw new UpstashRequestError("ERR the proxy is shutting down", 503);
      }
      return new Response(stream(kind, names, connection, confirmations), {
        headers: {
          "content-type": "text/event-stream",
          "cache-control": "no-cache",
          "x-accel-buffering": "no",
        },
      });
    } finally {
      opening--;
    }
  }

  function stream(
    kind: SubscriptionKind,
    names: string[],
    connection: RedisConnection,
    confirmations: RespValue[],
  ): ReadableStream<Uint8Array> {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let wake: (() => void) | undefined;
    let ending = false;
    let pumped!: Promise<void>;
    let keepalive: ReturnType<typeof setInterval> | undefined;

    async function pump(): Promise<void> {
      try {
        while (true) {
          if (!ending && (controller.desiredSize ?? 0) <= 0) {
            await new Promise<void>((resolve) => wake = resolve);
          }
          const push = await connection.read();
          if (!ending) controller.enqueue(encoder.encode(sseLine(push)));
          else if (isLastUnsubscribe(push, UNSUBSCRIBE[kind])) return;
        }
      } catch {
        // Redis went away, or end() gave up waiting and closed the connection.
      } finally {
        connection.close();
        clearInterval(keepalive);
        ends.delete(end);
        closeQuietly(controller);
        options.onEvent?.({ type: "end", kind, names, open: ends.size });
      }
    }

    async function end(): Promise<void> {
      if (ending) return await pumped;
      ending = true;
      wake?.();
      // Wait for Redis to confirm, so the subscription is gone when this resolves.
      const giveUp = setTimeout(() => connection.close(), 2000);
      try {
        await connection.send([[UNSUBSCRIBE[kind].toUpperCase()]]);
      } catch {
        // Already closed.
      }
      await pumped;
      clearTimeout(giveUp);
    }

    ends.add(end);
    options.onEvent?.({ type: "open", kind, names, open: ends.size });
    return new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
        for (const confirmation of confirmations) c.enqueue(encoder.encode(sseLine(confirmation)));
        keepalive = setInterval(() => {
          if (!ending) c.enqueue(encoder.encode(": keepalive\n\n"));
        }, keepaliveMs);
        pumped = pump();
      },
      pull() {
        wake?.();
        wake = undefined;
      },
      cancel: end,
    }, new CountQueuingStrategy({ highWaterMark: 64 }));
  }

  return {
    open,
    async drain() {
      draining = true;
      await Promise.all([...ends].map((end) => end()));
    },
  };
}

/** Subscribes and reads one confirmation per name; closes the connection on failure. */
async function subscribe(
  connection: RedisConnection,
  kind: SubscriptionKind,
  names: string[],
): Promise<RespValue[]> {
  let confirmations: RespValue[];
  try {
    confirmations = await connection.exec([[kind.toUpperCase(), ...names]]);
    for (let i = 1; i < names.length; i++) confirmations.push(await connection.read());
  } catch (error) {
    connection.close();
    throw error;
  }
  const refused = confirmations.find((c) => c instanceof RedisReplyError);
  if (refused) {
    connection.close();
    throw new UpstashRequestError(refused.message);
  }
  return confirmations;
}

/** `["message", channel, payload]` → `data: message,channel,payload\n\n`. */
function sseLine(push: RespValue): string {
  const fields = Array.isArray(push) ? push.map(text) : [text(push)];
  return `data: ${fields.join(",")}\n\n`;
}

function text(value: RespValue): string {
  if (value instanceof Uint8Array) return decoder.decode(value);
  if (value instanceof SimpleString) return value.value;
  if (value instanceof RedisReplyError) return value.message;
  return String(value);
}

function isLastUnsubscribe(push: RespValue, type: string): boolean {
  return Array.isArray(push) && push[0] instanceof Uint8Array &&
    decoder.decode(push[0]) === type && push[2] === 0;
}

function closeQuietly(controller: ReadableStreamDefaultController<Uint8Array>): void {
  try {
    controller.close();
  } catch {
    // The client cancelled the stream.
  }
}
