/**
 * Counts the bytes a subscription client receives, for the streaming
 * benchmark's bytes-per-token column: a `fetch` for graphql-sse that counts
 * each response body as it is read, and a `WebSocket` class for graphql-ws
 * that counts each message with its frame header (server frames are
 * unmasked: 2 bytes up to 125 bytes of payload, 4 up to 65 535, else 10).
 * Neither counts HTTP headers or the handshake, which a long stream
 * amortises away.
 *
 * @example
 * ```ts
 * const received = { bytes: 0 };
 * const client = createClient({ url, fetchFn: countingFetch(received) });
 * ```
 * @module
 */

/** A running total, shared by every client of a level. */
export interface ByteCounter {
  bytes: number;
}

/** `fetch` whose response bodies add their length to `counter` as they are read. */
export function countingFetch(counter: ByteCounter): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.body === null) return response;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          counter.bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

const encoder = new TextEncoder();

/** A `WebSocket` class whose instances add each received frame's size to `counter`. */
export function countingWebSocket(counter: ByteCounter): typeof WebSocket {
  return class CountingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: ConstructorParameters<typeof WebSocket>[1]) {
      super(url, protocols);
      this.addEventListener("message", (event) => {
        const data = event.data;
        const payload = typeof data === "string"
          ? (isAscii(data) ? data.length : encoder.encode(data).length)
          : (data as ArrayBuffer).byteLength;
        counter.bytes += payload + (payload < 126 ? 2 : payload < 65_536 ? 4 : 10);
      });
    }
  };
}

function isAscii(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return /^[\x00-\x7f]*$/.test(text);
}
