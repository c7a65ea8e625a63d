/**
 * Clients written by hand on a raw TCP socket, so a test can stop reading
 * (a stalled subscriber) and later read on: an SSE subscription (a POST with
 * `Accept: text/event-stream`) and a graphql-transport-ws WebSocket (the
 * upgrade and masked frames). Once stalled, nothing reads the socket until
 * the test calls `readUntil`.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A raw connection and what was read from it so far. */
export interface RawConnection {
  conn: Deno.TcpConn;
  /** Bytes read so far, past the HTTP response head. */
  received(): Uint8Array;
  /** The HTTP response head (status line and headers). */
  head: string;
  /** Reads until `done(bytes)` holds for all bytes read so far; rejects after `timeoutMs`. */
  readUntil(done: (bytes: Uint8Array) => boolean, timeoutMs: number): Promise<Uint8Array>;
  close(): void;
}

async function connect(url: string, request: Uint8Array): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  await conn.write(request);
  let buffer: Uint8Array = new Uint8Array(0);
  const chunk = new Uint8Array(64 * 1024);
  async function readUntil(done: (bytes: Uint8Array) => boolean, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (!done(buffer)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`raw read timed out with ${buffer.length} bytes`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        conn.read(chunk),
        new Promise<"timeout">((resolve) => timer = setTimeout(() => resolve("timeout"), left)),
      ]);
      clearTimeout(timer);
      if (n === "timeout") continue;
      if (n === null) throw new Error(`connection closed after ${buffer.length} bytes`);
      const next = new Uint8Array(buffer.length + n);
      next.set(buffer);
      next.set(chunk.subarray(0, n), buffer.length);
      buffer = next;
    }
    return buffer;
  }
  const end = (bytes: Uint8Array) => indexOf(bytes, "\r\n\r\n");
  await readUntil((bytes) => end(bytes) >= 0, 30_000);
  const headEnd = end(buffer);
  const head = decoder.decode(buffer.subarray(0, headEnd));
  buffer = buffer.slice(headEnd + 4);
  return {
    conn,
    head,
    received: () => buffer,
    readUntil,
    close() {
      try {
        conn.close();
      } catch { /* already closed */ }
    },
  };
}

function indexOf(bytes: Uint8Array, text: string): number {
  return decoder.decode(bytes).indexOf(text);
}

/** Opens an SSE subscription and reads only the response head. */
export function rawSse(
  graphqlUrl: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<RawConnection> {
  const { host, pathname } = new URL(graphqlUrl);
  const body = encoder.encode(JSON.stringify({ query, variables }));
  const head = `POST ${pathname} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\n` +
    `accept: text/event-stream\r\ncontent-length: ${body.length}\r\n\r\n`;
  return connect(graphqlUrl, concat(encoder.encode(head), body));
}

/** Whether a chunked body ended (its last, empty chunk arrived). */
export function chunkedEnded(bytes: Uint8Array): boolean {
  return decoder.decode(bytes.subarray(Math.max(0, bytes.length - 5))) === "0\r\n\r\n";
}

/** The `next` payloads of a chunked SSE body, and whether `complete` arrived. */
export function sseMessages(bytes: Uint8Array): { next: unknown[]; complete: boolean } {
  const text = decoder.decode(dechunk(bytes));
  const next: unknown[] = [];
  let complete = false;
  for (const block of text.split("\n\n")) {
    if (block.startsWith("event: complete")) complete = true;
    if (!block.startsWith("event: next\n")) continue;
    next.push(JSON.parse(block.slice(block.indexOf("data: ") + 6)));
  }
  return { next, complete };
}

/** The body of a chunked transfer, as far as whole chunks go. */
function dechunk(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    let lineEnd = at;
    while (lineEnd + 1 < bytes.length && !(bytes[lineEnd] === 13 && bytes[lineEnd + 1] === 10)) {
      lineEnd++;
    }
    if (lineEnd + 1 >= bytes.length) break;
    const size = parseInt(decoder.decode(bytes.subarray(at, lineEnd)), 16);
    if (!(size > 0) || lineEnd + 2 + size > bytes.length) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return concat(...parts);
}

/** Opens a graphql-transport-ws socket, waits for `connection_ack`, then sends `messages`. */
export async function rawWebSocket(wsUrl: string, messages: unknown[]): Promise<RawConnection> {
  const { host, pathname } = new URL(wsUrl);
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const head = `GET ${pathname} HTTP/1.1\r\nhost: ${host}\r\nupgrade: websocket\r\n` +
    `connection: Upgrade\r\nsec-websocket-key: ${key}\r\nsec-websocket-version: 13\r\n` +
    `sec-websocket-protocol: graphql-transport-ws\r\n\r\n`;
  const raw = await connect(wsUrl.replace(/^ws/, "http"), encoder.encode(head));
  if (!raw.head.startsWith("HTTP/1.1 101")) throw new Error(`upgrade refused: ${raw.head}`);
  await raw.conn.write(maskedFrame(JSON.stringify({ type: "connection_init", payload: {} })));
  await raw.readUntil(
    (bytes) => wsFrames(bytes).some((f) => f.text?.includes("connection_ack")),
    30_000,
  );
  for (const message of messages) await raw.conn.write(maskedFrame(JSON.stringify(message)));
  return raw;
}

/** Whether `bytes` end with a whole close frame (cheap: looks at the tail only). */
export function endsWithClose(bytes: Uint8Array): boolean {
  const n = bytes.length;
  for (let length = 0; length <= 125 && n - length - 2 >= 0; length++) {
    if (bytes[n - length - 2] === 0x88 && bytes[n - length - 1] === length) return true;
  }
  return false;
}

/** A server frame: text, or a close with its code and reason. */
export interface WsFrame {
  text?: string;
  close?: { code: number; reason: string };
}

/** The whole frames in `bytes` (server frames are not masked). */
export function wsFrames(bytes: Uint8Array): WsFrame[] {
  const frames: WsFrame[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f;
    let length = bytes[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) break;
      length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) break;
      length = Number(new DataView(bytes.buffer, bytes.byteOffset + at + 2, 8).getBigUint64(0));
      start += 8;
    }
    if (start + length > bytes.length) break;
    const payload = bytes.subarray(start, start + length);
    if (opcode === 1) frames.push({ text: decoder.decode(payload) });
    if (opcode === 8) {
      frames.push({
        close: {
          code: payload.length >= 2 ? (payload[0]! << 8) | payload[1]! : 1005,
          reason: decoder.decode(payload.subarray(2)),
        },
      });
    }
    at = start + length;
  }
  return frames;
}

function maskedFrame(text: string): Uint8Array {
  const payload = encoder.encode(text);
  const mask = crypto.getRandomValues(new Uint8Array(4));
  const length = payload.length;
  const head = length < 126
    ? [0x81, 0x80 | length]
    : [0x81, 0x80 | 126, (length >> 8) & 0xff, length & 0xff];
  const out = new Uint8Array(head.length + 4 + length);
  out.set(head);
  out.set(mask, head.length);
  for (let i = 0; i < length; i++) out[head.length + 4 + i] = payload[i]! ^ mask[i % 4]!;
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
