/**
 * The Deno Deploy entrypoint (`src/serve.ts`) under a real `deno serve`, with
 * the `start` task's narrow permissions, and the environment rules that keep
 * it from starting on Deno Deploy without a database and Upstash.
 */
import assert from "node:assert/strict";
import { prepareDenoDeployEnv } from "../../src/config/deno_deploy.ts";
import { startTaskArgs } from "../support/server_process.ts";

const root = new URL("../../", import.meta.url);

/** `deno serve` with the permissions of `deno task start`, on src/serve.ts. */
async function serveArgs(port: number): Promise<string[]> {
  const args = await startTaskArgs();
  assert.equal(args[0], "run");
  assert.equal(args.at(-1), "src/main.ts");
  return [
    "serve",
    ...args.slice(1, -1),
    "--host",
    "127.0.0.1",
    "--port",
    `${port}`,
    "src/serve.ts",
  ];
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

async function waitFor(url: string, timeoutMs: number, child: Deno.ChildProcess) {
  const deadline = performance.now() + timeoutMs;
  let exited = false;
  child.status.then(() => exited = true);
  while (performance.now() < deadline && !exited) {
    const response = await fetch(url).catch(() => undefined);
    if (response?.ok) return response;
    await response?.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (exited: ${exited})`);
}

Deno.test("deno serve src/serve.ts answers /health, /health/ready and GraphQL, and stops on SIGTERM", async () => {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: await serveArgs(port),
    cwd: root.pathname,
    env: { PGLITE_DATA_DIR: "memory://", LOG_LEVEL: "info", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  try {
    const base = `http://127.0.0.1:${port}`;
    const health = await (await waitFor(`${base}/health`, 60_000, child)).json();
    assert.equal(health.status, "ok");
    const ready = await fetch(`${base}/health/ready`);
    assert.equal(ready.status, 200);
    const checks = (await ready.json()).checks.map((c: { name: string; mode: string }) =>
      `${c.name}:${c.mode}`
    );
    assert.deepEqual(checks, ["database:embedded", "cache:memory", "llm:offline"]);
    const graphql = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ health { ready environment } }" }),
    });
    assert.deepEqual(await graphql.json(), {
      data: { health: { ready: true, environment: "development" } },
    });
  } finally {
    child.kill("SIGTERM");
  }
  const status = await child.status;
  const [stdout, stderr] = await output;
  assert.equal(status.code, 0, stderr);
  const messages = stdout.split("\n").filter((l) => l.startsWith("{")).map((l) =>
    JSON.parse(l).message
  );
  for (const message of ["app ready", "listening", "shutting down", "stopped"]) {
    assert.ok(messages.includes(message), `log "${message}" in ${messages.join(", ")}`);
  }
});

Deno.test("on Deno Deploy, src/serve.ts refuses to start without DATABASE_URL and Upstash", async () => {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: await serveArgs(freePort()),
    cwd: root.pathname,
    env: { DENO_DEPLOY: "true", NO_COLOR: "1" },
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output();
  const message = new TextDecoder().decode(stderr);
  assert.equal(code, 78, message);
  for (const name of ["DATABASE_URL", "UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"]) {
    assert.match(message, new RegExp(`${name} is required on Deno Deploy`));
  }
});

Deno.test("Deno Deploy defaults: production profile, backups off; local runs unchanged", () => {
  const complete = {
    DENO_DEPLOY: "true",
    DATABASE_URL: "postgres://u:p@db.example.com/graphmind",
    UPSTASH_REDIS_REST_URL: "https://eu1-example.upstash.io",
    UPSTASH_REDIS_REST_TOKEN: "token",
  };
  const deploy = prepareDenoDeployEnv(complete);
  assert.deepEqual(deploy.problems, []);
  assert.equal(deploy.env.ENVIRONMENT, "production");
  assert.equal(deploy.env.MEMORY_BACKUP_ENABLED, "false");
  const staging = prepareDenoDeployEnv({ ...complete, ENVIRONMENT: "staging" });
  assert.equal(staging.env.ENVIRONMENT, "staging");
  const development = prepareDenoDeployEnv({ ...complete, ENVIRONMENT: "development" });
  assert.equal(development.problems.length, 1);
  assert.match(development.problems[0]!, /ENVIRONMENT="development" is refused/);
  const local = { PORT: "9000" };
  assert.deepEqual(prepareDenoDeployEnv(local), { env: local, problems: [] });
});
