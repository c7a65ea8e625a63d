/**
 * compactFetch against a real HTTP server that streams its body a piece at
 * a time, as a provider streams tokens.
 *
 * @module
 */
import assert from "node:assert/strict";
import { compactChunks, compactFetch } from "../../src/llm/compact_fetch.ts";

const encoder = new TextEncoder();
const PIECES = Array.from({ length: 20 }, (_, i) => `data: {"token":"t${i}"}\n\n`);

/** A server whose body is PIECES, one per 2 ms; `failAfter` pieces, then the connection drops. */
function streamingServer(options: { failAfter?: number } = {}) {
  const controller = new AbortController();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", signal: controller.signal, onListen() {} },
    () => {
      const body = new ReadableStream<Uint8Array>({
        async start(stream) {
          for (const [i, piece] of PIECES.entries()) {
            if (i === options.failAfter) {
              stream.error(new Error("provider went away"));
              return;
            }
            stream.enqueue(encoder.encode(piece));
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
          stream.close();
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/v1/chat/completions`,
    async close() {
      controller.abort();
      await server.finished;
    },
  };
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return chunks;
}

Deno.test("compactFetch: the same bytes, each chunk in a buffer of its own size", async () => {
  const server = streamingServer();
  try {
    const response = await compactFetch(server.url, { method: "POST", body: "{}" });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    assert.equal(response.url, server.url);
    const chunks = await readAll(response.body!);
    const decoder = new TextDecoder();
    const text = chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join("");
    assert.equal(text + decoder.decode(), PIECES.join(""));
    for (const chunk of chunks) {
      assert.equal(chunk.buffer.byteLength, chunk.byteLength, "a chunk holds no larger buffer");
    }
    // The point of it: read plainly, a chunk is a view of a larger read buffer.
    const plain = await readAll((await fetch(server.url, { method: "POST", body: "{}" })).body!);
    assert.ok(plain.some((chunk) => chunk.buffer.byteLength > chunk.byteLength * 8));
  } finally {
    await server.close();
  }
});

Deno.test("compactFetch: a body that breaks off mid-stream rejects the read", async () => {
  const server = streamingServer({ failAfter: 5 });
  try {
    const response = await compactFetch(server.url, { method: "POST", body: "{}" });
    await assert.rejects(readAll(response.body!));
  } finally {
    await server.close();
  }
});

Deno.test("compactChunks: cancelling the result cancels the source", async () => {
  let cancelled: unknown;
  const source = new ReadableStream<Uint8Array>({
    type: "bytes",
    pull(controller) {
      controller.enqueue(encoder.encode("x"));
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  const reader = compactChunks(source)!.getReader();
  assert.deepEqual((await reader.read()).value, encoder.encode("x"));
  await reader.cancel("client left");
  assert.equal(cancelled, "client left");
});

Deno.test("compactChunks: a stream that is not a byte stream is left as it is", () => {
  const source = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(encoder.encode("x")) });
  assert.equal(compactChunks(source), undefined);
  assert.equal(source.locked, false, "no reader was taken from it");
});
