/**
 * The SSE body of one streamed mock completion: frames at their pace, then
 * `data: [DONE]`, OpenAI's error event, or a cut connection, and a record of
 * how it ended (including the client going away).
 *
 * @module
 */
import { errorBody, type Failure, type Frame } from "./mock_openai_chat.ts";

/** How a stream ended. */
export type StreamEnd = "completed" | "disconnected" | "failed";

/** What the stream reports back. */
export interface StreamHooks {
  /** Just before content token `index` is sent. */
  onToken(index: number): void;
  /** Once, when the stream ends. */
  onEnd(end: StreamEnd): void;
}

/** A streaming response and the handles that end it early. */
export interface SseStream {
  response: Response;
  /** The client went away (its delivery failed). */
  disconnected(): void;
  /** Ends the stream now (server shutdown). */
  close(): void;
}

/** Streams `frames`, then the ending `failure` asks for (or `[DONE]`). */
export function sseStream(
  frames: Frame[],
  failure: Failure | undefined,
  requestId: string,
  hooks: StreamHooks,
): SseStream {
  const encoder = new TextEncoder();
  const event = (data: string) => encoder.encode(`data: ${data}\n\n`);
  const pause = pausable();
  let open = true;
  const end = (how: StreamEnd) => {
    if (!open) return;
    open = false;
    pause.cancel();
    hooks.onEnd(how);
  };
  let close = () => end("failed");
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      close = () => {
        end("failed");
        controller.close();
      };
      (async () => {
        // Hooks run only after sseStream has returned its handles.
        await Promise.resolve();
        for (const frame of frames) {
          if (frame.delayMs > 0) await pause(frame.delayMs);
          if (!open) return;
          if (frame.tokenIndex !== undefined) hooks.onToken(frame.tokenIndex);
          controller.enqueue(event(JSON.stringify(frame.chunk)));
        }
        if (failure?.until) await failure.until.catch(() => {});
        if (!open) return;
        if (failure?.mode === "drop") {
          // Let the tokens already sent reach the client first, as they do
          // from a provider that dies mid-stream.
          await pause(20);
          end("failed");
          // Deno logs the reason; a plain string keeps that to one line.
          controller.error("mock OpenAI: connection dropped mid-stream, as scripted");
          return;
        }
        controller.enqueue(
          event(failure ? JSON.stringify(errorBody(500, failure.message)) : "[DONE]"),
        );
        end(failure ? "failed" : "completed");
        controller.close();
      })().catch(() => end("failed"));
    },
    cancel() {
      end("disconnected");
    },
  });
  return {
    response: new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "x-request-id": requestId,
      },
    }),
    disconnected: () => end("disconnected"),
    close: () => close(),
  };
}

/** Sleeps that `cancel()` ends at once, so a closed stream leaves no timer behind. */
function pausable(): ((ms: number) => Promise<void>) & { cancel(): void } {
  let pending: { timer: ReturnType<typeof setTimeout>; resolve: () => void } | undefined;
  let cancelled = false;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (cancelled) return resolve();
      pending = { timer: setTimeout(() => (pending = undefined, resolve()), ms), resolve };
    });
  return Object.assign(pause, {
    cancel() {
      cancelled = true;
      if (pending) {
        clearTimeout(pending.timer);
        pending.resolve();
        pending = undefined;
      }
    },
  });
}
