/**
 * Sends one fuzz case to the in-process app exactly as a client would: a
 * POST whose body is the case's raw JSON text. Subscriptions ask for
 * `text/event-stream` (graphql-sse's distinct-connections mode, which yoga
 * serves on the same path) and are read to the end, or cut after a timeout
 * and reported as a stream that did not end.
 *
 * @module
 */
import type { Answer } from "./oracle.ts";

/** How long a subscription's stream may stay open before it counts as not ending. */
export const STREAM_TIMEOUT_MS = 5_000;

/** Sends `body` to `/graphql` with `token`; reads the whole answer. */
export async function send(
  fetch: (request: Request) => Response | Promise<Response>,
  body: string,
  options: { token: string; stream: boolean },
): Promise<Answer> {
  const response = await fetch(
    new Request("http://localhost/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${options.token}`,
        accept: options.stream ? "text/event-stream" : "application/graphql-response+json",
      },
      body,
    }),
  );
  const contentType = response.headers.get("content-type") ?? "";
  if (!contentType.includes("text/event-stream")) {
    return { status: response.status, contentType, text: await response.text() };
  }
  const { text, ended } = await readStream(response, STREAM_TIMEOUT_MS);
  return { status: response.status, contentType, text, ended };
}

async function readStream(
  response: Response,
  timeoutMs: number,
): Promise<{ text: string; ended: boolean }> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), timeout]);
      if (chunk === "timeout") {
        await reader.cancel();
        return { text, ended: false };
      }
      if (chunk.done) return { text, ended: true };
      text += chunk.value;
    }
  } finally {
    clearTimeout(timer);
  }
}
