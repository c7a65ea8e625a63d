/**
 * `fetch` for the model provider's streams, with each body chunk in a buffer
 * of its own size.
 *
 * Deno's `fetch` reads a response body into a fresh 64 KiB buffer per read
 * and hands out a view of the bytes that arrived. A streamed completion
 * arrives a token at a time, so every token of every stream allocated
 * 64 KiB; the JavaScript objects per token are a few hundred bytes, so
 * V8's young generation filled (and the buffers were freed) only after
 * hundreds of MiB of them. At 1000 streams the server's external memory
 * stood at 400–600 MiB, all of it garbage.
 *
 * Here the body is read with a BYOB reader into one small buffer per
 * response, reused for every read, and each chunk is copied out at its own
 * size.
 *
 * @example
 * ```ts
 * const model = new ChatOpenAI({ configuration: { fetch: compactFetch } });
 * ```
 * @module
 */

/** Bytes read at a time: an SSE chunk from a provider is a few hundred. */
const READ_BUFFER_BYTES = 16 * 1024;

/** `fetch`, with the response body re-chunked by {@linkcode compactChunks}. */
export async function compactFetch(
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  const response = await fetch(input, init);
  const chunks = response.body === null ? undefined : compactChunks(response.body);
  if (chunks === undefined) return response;
  const compact = new Response(chunks, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // The client names the URL in its errors; a new Response has none.
  Object.defineProperty(compact, "url", { value: response.url });
  return compact;
}

/**
 * The same bytes as `body`, read through one reused buffer, each chunk a
 * copy of its own length; undefined when `body` is not a byte stream (only
 * those take a BYOB reader; fetch's bodies are). Cancelling the result
 * cancels `body`.
 */
export function compactChunks(
  body: ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> | undefined {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = body.getReader({ mode: "byob" });
  } catch {
    return undefined;
  }
  let buffer = new ArrayBuffer(READ_BUFFER_BYTES);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read(new Uint8Array(buffer));
      if (done || value === undefined) {
        controller.close();
        return;
      }
      // The read transferred the buffer into `value`; it comes back for the next one.
      buffer = value.buffer as ArrayBuffer;
      if (value.byteLength > 0) controller.enqueue(value.slice());
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
