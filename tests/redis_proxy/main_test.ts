/**
 * `deno task redis-proxy` as users run it: a child process with the task's
 * own permissions, its JSON start line, and a clean exit on SIGTERM.
 */
import assert from "node:assert/strict";
import { Redis } from "@upstash/redis";
import { deleteKeys, redis, uniqueNamespace } from "../support/redis_proxy.ts";

const root = new URL("../../", import.meta.url);
const canRun = (await Deno.permissions.query({ name: "run" })).state === "granted";
if (!canRun) {
  // Under CI a missing permission must fail, not skip.
  if (Deno.env.get("CI") === "true") {
    throw new Error("The redis-proxy process test needs --allow-run.");
  }
  console.warn("Skipping the redis-proxy process test: it needs --allow-run.");
}

async function taskArgs(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const [deno, ...args] = String(config.tasks["redis-proxy"]).split(/\s+/);
  assert.equal(deno, "deno");
  return args;
}

/** Reads JSON log lines from the child's stdout until `predicate` matches one. */
async function readUntil(
  lines: AsyncIterator<string>,
  logs: Record<string, unknown>[],
  predicate: (line: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  while (true) {
    const { value, done } = await lines.next();
    if (done) throw new Error(`the proxy exited early; logs: ${JSON.stringify(logs)}`);
    const line = JSON.parse(value);
    logs.push(line);
    if (predicate(line)) return line;
  }
}

async function* splitLines(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
): AsyncGenerator<string> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    yield* lines.filter((line) => line.trim() !== "");
  }
}

Deno.test({
  name: "deno task redis-proxy: logs one JSON start line, serves, stops on SIGTERM",
  ignore: redis.ignore || !canRun,
  async fn() {
    redis.assertAvailable();
    const env: Record<string, string> = {
      PROXY_PORT: "0",
      REDIS_URL: `redis://${redis.hostname}:${redis.port}`,
    };
    for (const name of ["HOME", "DENO_DIR", "PATH"]) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }
    const child = new Deno.Command(Deno.execPath(), {
      args: await taskArgs(),
      cwd: root,
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const logs: Record<string, unknown>[] = [];
    const lines = splitLines(child.stdout);
    const ns = uniqueNamespace();
    try {
      const started = await readUntil(lines, logs, (l) => String(l.message).includes("listening"));
      assert.equal(logs[0]?.level, "WARNING", "the default token is announced");
      assert.match(String(logs[0]?.message), /local-dev-token/);
      assert.match(String(started.url), /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(started.redis, `redis://${redis.hostname}:${redis.port}`);
      const client = new Redis({
        url: String(started.url),
        token: "local-dev-token",
        enableTelemetry: false,
      });
      assert.equal(await client.set(`${ns}k`, "v"), "OK");
      assert.equal(await client.get(`${ns}k`), "v");
      child.kill("SIGTERM");
      await readUntil(lines, logs, (l) => String(l.message).includes("Shutting down"));
      assert.equal((await child.status).code, 0);
    } finally {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
      await lines.return(undefined);
      await child.status;
      await deleteKeys(`${ns}*`);
    }
  },
});
