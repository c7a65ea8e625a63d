/**
 * The Upstash REST protocol's data rules, apart from HTTP: which JSON is a
 * command, which commands a pooled connection can run, and how Redis replies
 * become `{result}` / `{error}` JSON, optionally base64-encoded.
 *
 * @module
 */
import { RedisReplyError, type RespValue, SimpleString } from "./resp.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A request the proxy refuses, with the HTTP status to answer with. */
export class UpstashRequestError extends Error {
  constructor(message: string, readonly status = 400) {
    super(message);
    this.name = "UpstashRequestError";
  }
}

/**
 * Commands that change per-connection state or switch the connection into a
 * mode where replies no longer match commands one to one. On a pooled
 * connection they would leak into other clients' requests. Transactions go
 * through `/multi-exec` instead.
 */
const CONNECTION_STATE_COMMANDS = new Set([
  "AUTH",
  "DISCARD",
  "EXEC",
  "HELLO",
  "MONITOR",
  "MULTI",
  "PSUBSCRIBE",
  "PSYNC",
  "PUNSUBSCRIBE",
  "QUIT",
  "RESET",
  "SELECT",
  "SSUBSCRIBE",
  "SUBSCRIBE",
  "SUNSUBSCRIBE",
  "SYNC",
  "UNSUBSCRIBE",
  "UNWATCH",
  "WATCH",
]);

/**
 * Validates one command from a request body. Clients send numbers and
 * booleans unquoted (`["expire", "k", 10]`), so scalars become strings.
 *
 * @throws {UpstashRequestError} when it is not a non-empty array of scalars,
 * or names a command a shared connection cannot run.
 */
export function parseCommand(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new UpstashRequestError("ERR a command must be a non-empty JSON array");
  }
  const args = raw.map((arg) => {
    if (typeof arg === "string") return arg;
    if (typeof arg === "number" || typeof arg === "boolean") return String(arg);
    throw new UpstashRequestError(
      `ERR command arguments must be strings, numbers or booleans, got ${JSON.stringify(arg)}`,
    );
  });
  const name = args[0]!.toUpperCase();
  const sub = args[1]?.toUpperCase();
  if (CONNECTION_STATE_COMMANDS.has(name) || (name === "CLIENT" && sub === "REPLY")) {
    throw new UpstashRequestError(
      `ERR command "${args[0]}" is not supported by this proxy: it changes connection state`,
    );
  }
  return args;
}

/**
 * Converts a reply to JSON. With `base64`, every string at any depth is the
 * base64 of its bytes except the status `OK`, exactly what `@upstash/redis`
 * decodes; nil is always `null`.
 */
export function toUpstashJson(reply: RespValue, base64: boolean): unknown {
  if (reply === null || typeof reply === "number") return reply;
  if (reply instanceof Uint8Array) return base64 ? reply.toBase64() : decoder.decode(reply);
  if (reply instanceof SimpleString) {
    return base64 && reply.value !== "OK" ? encoder.encode(reply.value).toBase64() : reply.value;
  }
  // An error nested in an array (a Lua table holding one) travels as its text.
  if (reply instanceof RedisReplyError) {
    return base64 ? encoder.encode(reply.message).toBase64() : reply.message;
  }
  return reply.map((item) => toUpstashJson(item, base64));
}

/** One pipeline entry: `{result}`, or `{error}` for an error reply. */
export type UpstashEntry = { result: unknown } | { error: string };

/** Wraps one top-level reply as a pipeline entry. */
export function toUpstashEntry(reply: RespValue, base64: boolean): UpstashEntry {
  if (reply instanceof RedisReplyError) return { error: reply.message };
  return { result: toUpstashJson(reply, base64) };
}
