/**
 * The examples run as users run them (`deno run` with net and env access)
 * against the real server on the offline model.
 */
import assert from "node:assert/strict";
import { startServer } from "../support/server_process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function run(script: string, env: Record<string, string>, stdin = "") {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", script],
    cwd: ROOT,
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

Deno.test("examples: the chat CLI and the memory round trip", async (t) => {
  const server = await startServer();
  const env = { GRAPHMIND_URL: `${server.url}/graphql` };
  try {
    await t.step("chat_cli streams a reply to each line", async () => {
      const { code, stdout, stderr } = await run("examples/chat_cli.ts", env, "hello\nagain\n");
      assert.equal(code, 0, stderr);
      const replies = stdout.split("\n").filter((l) => l.trim() !== "");
      assert.equal(replies.length, 2, stdout);
      for (const reply of replies) assert.ok(reply.length > 5, `a reply: ${reply}`);
      const threads = await fetch(env.GRAPHMIND_URL, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: "{ threads(first: 5) { edges { node { title messages { role } } } } }",
        }),
      }).then((r) => r.json());
      const thread = threads.data.threads.edges.find((e: { node: { title: string } }) =>
        e.node.title === "chat_cli"
      );
      assert.equal(thread?.node.messages.length, 4, "two questions, two answers");
    });

    await t.step("memory_round_trip finds the memory and shows its history", async () => {
      const { code, stdout, stderr } = await run("examples/memory_round_trip.ts", env);
      assert.equal(code, 0, stderr);
      assert.match(stdout, /^-?\d\.\d{3} {2}drink: \{"content":"Likes green tea"\}/m);
      assert.match(stdout, /^v2 CURRENT: \{"content":"Prefers oolong tea now"\}$/m);
      assert.match(stdout, /^v1 CONTRADICTED: \{"content":"Likes green tea"\}$/m);
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
