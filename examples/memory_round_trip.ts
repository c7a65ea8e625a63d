/**
 * Stores a memory, finds it again by meaning, updates it and reads its
 * history: `deno run --allow-net --allow-env examples/memory_round_trip.ts`.
 * GRAPHMIND_URL and GRAPHMIND_TOKEN as in chat_cli.ts.
 */
import { createClient, RateLimitedError } from "../client/mod.ts";

const client = createClient({
  url: Deno.env.get("GRAPHMIND_URL") ?? "http://localhost:8000/graphql",
  token: Deno.env.get("GRAPHMIND_TOKEN"),
  transport: "sse",
});
const namespace = ["examples", "preferences"];
try {
  await client.memories.put({ namespace, key: "drink", value: { content: "Likes green tea" } });
  await client.memories.put({ namespace, key: "city", value: { content: "Lives in Lisbon" } });
  for (const hit of await client.memories.search({ namespacePrefix: ["examples"], query: "tea" })) {
    console.log(`${hit.score?.toFixed(3)}  ${hit.memory.key}: ${JSON.stringify(hit.memory.value)}`);
  }
  await client.memories.put({
    namespace,
    key: "drink",
    value: { content: "Prefers oolong tea now" },
    contradicts: true,
  });
  for (const version of await client.memories.history(namespace, "drink")) {
    console.log(
      `v${version.version} ${version.change ?? "CURRENT"}: ${JSON.stringify(version.value)}`,
    );
  }
} catch (error) {
  if (error instanceof RateLimitedError) console.error(`Slow down: retry in ${error.retryAfter} s`);
  else throw error;
} finally {
  await client.close();
}
