/**
 * RESP2, the Redis wire protocol: an encoder for commands and an incremental
 * decoder for replies. Bulk strings stay bytes (`Uint8Array`) end to end, so
 * values that are not UTF-8 survive the trip to the client's base64.
 *
 * @example
 * ```ts
 * import { encodeCommand, RespDecoder } from "./resp.ts";
 * const wire = encodeCommand(["SET", "greeting", "hello"]);
 * const decoder = new RespDecoder();
 * decoder.push(new TextEncoder().encode("+OK\r\n"));
 * decoder.next(); // SimpleString { value: "OK" }
 * ```
 * @module
 */

/**
 * A simple-string reply (`+OK`, `+PONG`). Kept apart from bulk strings because
 * the Upstash encoding leaves the status `OK` unencoded.
 */
export class SimpleString {
  constructor(readonly value: string) {}
}

/**
 * An error reply (`-ERR ...`). Decoded as a value, not thrown, because one
 * failing command in a pipeline must not fail its neighbours.
 */
export class RedisReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RedisReplyError";
  }
}

/** Any RESP2 reply. `null` is both the nil bulk string and the nil array. */
export type RespValue = Uint8Array | SimpleString | number | null | RedisReplyError | RespValue[];

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CR = 13;
const LF = 10;

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [encoder.encode(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === "string" ? encoder.encode(arg) : arg;
    parts.push(encoder.encode(`$${bytes.length}\r\n`), bytes, encoder.encode("\r\n"));
  }
  return concatBytes(parts);
}

/** Joins byte arrays into one, so a whole pipeline goes out in one write. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Thrown when the server sends bytes that are not RESP2; the connection is unusable after it. */
export class RespProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RespProtocolError";
  }
}

const INCOMPLETE = Symbol("incomplete");
type Parsed = [value: RespValue, end: number] | typeof INCOMPLETE;

/**
 * Decodes replies from chunks as they arrive from the socket. A reply split
 * across chunks is parsed again once more bytes arrive, which keeps the
 * parser stateless at the cost of re-reading large arrays.
 */
export class RespDecoder {
  #buffer = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;

  /** Appends bytes read from the socket. */
  push(chunk: Uint8Array): void {
    if (this.#end + chunk.length > this.#buffer.length) {
      const unread = this.#end - this.#start;
      const grown = new Uint8Array(Math.max(unread + chunk.length, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(this.#start, this.#end));
      this.#buffer = grown;
      this.#start = 0;
      this.#end = unread;
    }
    this.#buffer.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** The next complete reply, or `undefined` until more bytes arrive. */
  next(): RespValue | undefined {
    const parsed = this.#parse(this.#start);
    if (parsed === INCOMPLETE) return undefined;
    this.#start = parsed[1];
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return parsed[0];
  }

  #line(pos: number): [text: string, next: number] | typeof INCOMPLETE {
    for (let i = pos; i + 1 < this.#end; i++) {
      if (this.#buffer[i] === CR && this.#buffer[i + 1] === LF) {
        return [decoder.decode(this.#buffer.subarray(pos, i)), i + 2];
      }
    }
    return INCOMPLETE;
  }

  #parse(pos: number): Parsed {
    if (pos >= this.#end) return INCOMPLETE;
    const type = this.#buffer[pos];
    const line = this.#line(pos + 1);
    if (line === INCOMPLETE) return INCOMPLETE;
    const [text, next] = line;
    switch (type) {
      case 0x2b: // '+'
        return [new SimpleString(text), next];
      case 0x2d: // '-'
        return [new RedisReplyError(text), next];
      case 0x3a: // ':'
        return [toInteger(text), next];
      case 0x24: { // '$'
        const length = toInteger(text);
        if (length < 0) return [null, next];
        if (next + length + 2 > this.#end) return INCOMPLETE;
        return [this.#buffer.slice(next, next + length), next + length + 2];
      }
      case 0x2a: { // '*'
        const count = toInteger(text);
        if (count < 0) return [null, next];
        const items: RespValue[] = [];
        let cursor = next;
        for (let i = 0; i < count; i++) {
          const item = this.#parse(cursor);
          if (item === INCOMPLETE) return INCOMPLETE;
          items.push(item[0]);
          cursor = item[1];
        }
        return [items, cursor];
      }
      default:
        throw new RespProtocolError(
          `Unexpected RESP type byte ${JSON.stringify(String.fromCharCode(type ?? 0))}`,
        );
    }
  }
}

function toInteger(text: string): number {
  if (!/^-?\d+$/.test(text)) throw new RespProtocolError(`Expected an integer, got "${text}"`);
  return Number(text);
}
