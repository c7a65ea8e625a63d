/**
 * A chat in the terminal: `deno run --allow-net --allow-env examples/chat_cli.ts`.
 * Each line you type is a message; the reply streams back. GRAPHMIND_URL
 * (default http://localhost:8000/graphql) and GRAPHMIND_TOKEN (none in
 * development) pick the server. Ctrl+C stops a reply; Ctrl+D quits.
 */
import { createClient, FINAL_STATUSES } from "../client/mod.ts";

const client = createClient({
  url: Deno.env.get("GRAPHMIND_URL") ?? "http://localhost:8000/graphql",
  token: Deno.env.get("GRAPHMIND_TOKEN"),
});
const { thread } = await client.threads.create({ title: "chat_cli" });
const write = (text: string) => Deno.stdout.write(new TextEncoder().encode(text));
let stop: AbortController | undefined;
Deno.addSignalListener("SIGINT", () => stop ? stop.abort() : Deno.exit(0));
for await (const line of lines(Deno.stdin.readable)) {
  stop = new AbortController();
  for await (const event of client.chat(thread.id, line, { signal: stop.signal })) {
    if (event.__typename === "TokenEvent") await write(event.text);
    if (event.__typename === "ToolEvent" && event.phase === "STARTED") {
      await write(`[${event.name}]`);
    }
    if (event.__typename === "RunStatusEvent" && FINAL_STATUSES.has(event.status)) {
      await write(event.status === "SUCCESS" ? "\n" : `\n(${event.status} ${event.error ?? ""})\n`);
    }
  }
  stop = undefined;
}
await client.close();
Deno.exit(0); // the SIGINT listener would keep the program alive

async function* lines(input: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of input) {
    const parts = (buffer + decoder.decode(bytes, { stream: true })).split("\n");
    buffer = parts.pop()!;
    yield* parts.filter((part) => part.trim() !== "");
  }
  if (buffer.trim() !== "") yield buffer;
}
