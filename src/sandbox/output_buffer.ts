/**
 * Collects a child's output stream without letting it grow without bound: the
 * first `headBytes` are kept for display, the last `tailBytes` for the report
 * line the sandbox writes at the very end, and everything between is only
 * counted. A snippet printing in a loop then costs the server a fixed amount
 * of memory however long it runs.
 *
 * @module
 */

import { Buffer } from "node:buffer";

/** A bounded view of one output stream. */
export class OutputBuffer {
  readonly #headBytes: number;
  readonly #tailBytes: number;
  #head: Uint8Array[] = [];
  #headLength = 0;
  #tail: Uint8Array[] = [];
  #tailLength = 0;
  /** Every byte the stream carried. */
  total = 0;

  constructor(headBytes: number, tailBytes: number) {
    this.#headBytes = headBytes;
    this.#tailBytes = tailBytes;
  }

  /** Adds one chunk. */
  push(chunk: Uint8Array): void {
    this.total += chunk.length;
    if (this.#headLength < this.#headBytes) {
      const part = chunk.subarray(0, this.#headBytes - this.#headLength);
      this.#head.push(part.slice());
      this.#headLength += part.length;
    }
    if (this.#tailBytes === 0) return;
    this.#tail.push(chunk.slice(Math.max(0, chunk.length - this.#tailBytes)));
    this.#tailLength += Math.min(chunk.length, this.#tailBytes);
    // Drop whole chunks while the rest still covers tailBytes.
    while (this.#tail.length > 1 && this.#tailLength - this.#tail[0]!.length >= this.#tailBytes) {
      this.#tailLength -= this.#tail.shift()!.length;
    }
  }

  /** Reads the whole stream into the buffer. */
  async drain(
    stream: ReadableStream<Uint8Array>,
    onChunk?: (chunk: Uint8Array) => void,
  ): Promise<void> {
    for await (const chunk of stream) {
      this.push(chunk);
      onChunk?.(chunk);
    }
  }

  /** The first bytes, at most `headBytes` of them. */
  head(): Uint8Array {
    return Buffer.concat(this.#head);
  }

  /** The last bytes (at least `tailBytes` of them when the stream was that long). */
  tail(): { bytes: Uint8Array; offset: number } {
    const bytes = Buffer.concat(this.#tail);
    return { bytes, offset: this.total - bytes.length };
  }
}
