/**
 * Each agent's main path, end to end through the in-process app: a `chat`
 * subscription over the real graphql-sse client, from the request to the
 * final RunStatusEvent, on the offline model with no token delay and
 * embedded Postgres. It measures Graphmind's own overhead per agent (graph
 * steps, tool calls, checkpoints, events), not a provider's latency.
 *
 * @module
 */
import { CHAT, type Event, readEvents, sseClient, startRunsApp } from "../tests/runs/harness.ts";
import { settled } from "../tests/documents/support.ts";

/** One row of the table. */
export interface AgentBenchRow {
  agent: string;
  prompt: string;
  runs: number;
  msMedian: number;
  msP95: number;
  tools: string;
  tokens: number;
}

const RUNS = 7;

const PATHS: readonly [agent: string, prompt: string][] = [
  ["supervisor", "Hello there, how are you?"],
  ["supervisor", "Research what my notes say about Deno"],
  ["supervisor", "Plot sales: Jan 10, Feb 20, Mar 15"],
  ["research", "Find what my notes say about Deno"],
  ["chart", "Plot sales: Jan 10, Feb 20, Mar 15"],
  ["rag", "What do my documents say about Deno?"],
  ["code", "What is 12 * (3 + 4)?"],
  ["data_analysis", "Compute the average of 3, 5, 8, 13"],
  ["content", "Write a short post about Deno"],
];

const NOTES = "Deno is a JavaScript runtime.\n\nIt runs TypeScript natively and is secure by " +
  "default: a program gets no file, network or environment access unless it is granted.";

/** Runs every path {@linkcode RUNS} times. */
export async function benchAgents(): Promise<AgentBenchRow[]> {
  const app = await startRunsApp({ OFFLINE_TOKEN_DELAY_MS: "0", RATE_LIMIT_ENABLED: "false" });
  try {
    const headers = await app.as("bench");
    // The ingest runs as a job: the agents search the notes once they are READY.
    const final = await settled(app, "bench", await upload(app.fetch, headers));
    if (final.status !== "READY") throw new Error(`upload ended ${JSON.stringify(final)}`);
    const rows: AgentBenchRow[] = [];
    for (const [agent, prompt] of PATHS) {
      const samples: number[] = [];
      let last: Event[] = [];
      for (let i = 0; i < RUNS; i++) {
        const threadId = await app.createThread("bench", { agentId: agent });
        const client = sseClient(app, headers);
        const started = performance.now();
        try {
          last = await readEvents(
            client.iterate({ query: CHAT, variables: { input: { threadId, content: prompt } } }),
            "chat",
          );
        } finally {
          client.dispose();
        }
        samples.push(performance.now() - started);
        const status = last.at(-1)?.status;
        if (status !== "SUCCESS") throw new Error(`${agent}: run ended ${status}`);
      }
      samples.sort((a, b) => a - b);
      const at = (q: number) =>
        Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]! * 10) /
        10;
      rows.push({
        agent,
        prompt,
        runs: RUNS,
        msMedian: at(0.5),
        msP95: at(0.95),
        tools: last.filter((e) => e.__typename === "ToolEvent" && e.phase === "STARTED")
          .map((e) => e.name).join(", ") || "—",
        tokens: last.filter((e) => e.__typename === "TokenEvent").length,
      });
    }
    return rows;
  } finally {
    await app.close();
  }
}

/** Uploads the notes the research and rag paths search. */
async function upload(
  fetch: (request: Request) => Promise<Response>,
  headers: Record<string, string>,
): Promise<string> {
  const form = new FormData();
  form.set(
    "operations",
    JSON.stringify({
      query: "mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) { id } }",
      variables: { input: { file: null } },
    }),
  );
  form.set("map", JSON.stringify({ 0: ["variables.input.file"] }));
  form.set("0", new File([NOTES], "notes.md", { type: "text/markdown" }));
  const response = await fetch(
    new Request("http://localhost/graphql", {
      method: "POST",
      headers: { ...headers, "x-graphql-yoga-csrf": "1" },
      body: form,
    }),
  );
  const body = await response.json();
  if (body.errors) throw new Error(`upload failed: ${JSON.stringify(body.errors)}`);
  return body.data.uploadDocument.id;
}
