import assert from "node:assert/strict";
import { startServer, startTaskArgs } from "../support/server_process.ts";

Deno.test("the real server process serves health, metrics and GraphQL", async (t) => {
  const server = await startServer();
  try {
    await t.step("/health answers status, version and uptime", async () => {
      const response = await fetch(`${server.url}/health`);
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.equal(body.status, "ok");
      assert.equal(body.version, "1.0.0");
      assert.equal(typeof body.uptime, "number");
    });

    await t.step("/health/ready checks database, cache and llm with latency", async () => {
      const response = await fetch(`${server.url}/health/ready`);
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.equal(body.status, "ready");
      assert.deepEqual(
        body.checks.map((c: { name: string; mode: string }) => `${c.name}:${c.mode}`),
        ["database:embedded", "cache:memory", "llm:offline"],
      );
      for (const check of body.checks) assert.equal(typeof check.latencyMs, "number");
    });

    await t.step("/health/live reports memory, disk and cpu", async () => {
      const response = await fetch(`${server.url}/health/live`);
      const body = await response.json();
      assert.ok(["healthy", "degraded"].includes(body.status));
      assert.equal(response.status, 200);
      assert.deepEqual(body.checks.map((c: { name: string }) => c.name), ["memory", "disk", "cpu"]);
    });

    await t.step("GraphQL answers over HTTP", async () => {
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ health { ready offline } viewer { id } }" }),
      });
      assert.deepEqual(await response.json(), {
        data: { health: { ready: true, offline: true }, viewer: { id: "local" } },
      });
    });

    await t.step("/metrics has the design's metrics, yoga's and the process's", async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      for (
        const name of [
          "http_requests_total",
          "http_request_duration_seconds",
          "database_query_duration_seconds",
          "database_connections_active",
          "memory_usage_bytes",
          "cpu_usage_percent",
          "process_resident_memory_bytes",
          "graphql_envelop_request_duration",
          "langmem_operations_total",
        ]
      ) {
        assert.match(text, new RegExp(`^# TYPE ${name}`, "m"), `${name} is missing`);
      }
      assert.match(
        text,
        /http_requests_total\{method="POST",endpoint="\/graphql",status_code="200"\} 1/,
      );
      assert.match(text, /database_query_duration_seconds_count\{query_type="[a-z]+"\} [1-9]/);
    });

    await t.step("/metrics/memory serves the langmem_* family only", async () => {
      const text = await (await fetch(`${server.url}/metrics/memory`)).text();
      const names = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
      assert.deepEqual(names.sort(), [
        "langmem_consolidation_duration_seconds",
        "langmem_operations_total",
        "langmem_search_duration_seconds",
        "langmem_store_size_bytes",
      ]);
    });

    await t.step("logs are JSON lines and say the local user is in use", () => {
      const warning = server.logs.find((l) => String(l.message).includes("local user"));
      assert.ok(warning, "no startup line about the local user");
      assert.equal(warning.level, "WARNING");
      const request = server.logs.find((l) => l.message === "request" && l.path === "/graphql");
      assert.ok(request?.request_id, "request lines carry request_id");
    });
  } finally {
    assert.equal(await server.stop("SIGTERM"), 0);
  }
  assert.ok(server.logs.some((l) => l.message === "stopped"));
});

Deno.test("SIGTERM lets an in-flight stream finish, then exits 0", async () => {
  const server = await startServer({ SHUTDOWN_TIMEOUT: "10" });
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({
      query: "subscription { heartbeat(intervalMs: 150, count: 5) { sequence } }",
    }),
  });
  assert.equal(response.status, 200);
  const stopped = server.stop("SIGTERM");
  const text = await response.text();
  const sequences = [...text.matchAll(/"sequence":(\d+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(sequences, [1, 2, 3, 4, 5]);
  assert.equal(await stopped, 0);
  await assert.rejects(fetch(`${server.url}/health`), "the stopped server still answers");
});

Deno.test("/health/ready answers 503 and names the cache when Redis is unreachable", async () => {
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close(); // nothing listens there now
  const server = await startServer({
    UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${port}`,
    UPSTASH_REDIS_REST_TOKEN: "nobody-listens",
  });
  try {
    const response = await fetch(`${server.url}/health/ready`);
    assert.equal(response.status, 503);
    const body = await response.json();
    assert.equal(body.message, "Service not ready");
    const cache = body.checks.find((c: { name: string }) => c.name === "cache");
    assert.equal(cache.status, "error");
    assert.equal(cache.mode, "upstash");
    // The class and a fixed sentence, never the driver's text with the address in it.
    assert.equal(cache.errorClass, "refused");
    assert.doesNotMatch(JSON.stringify(body), new RegExp(`127\\.0\\.0\\.1|${port}|os error`));
    assert.ok(
      server.logs.some((l) => l.message === "dependency not ready" && l.dependency === "cache"),
      "the full error is in the server log",
    );
    const live = await fetch(`${server.url}/health`);
    await live.body?.cancel();
    assert.equal(live.status, 200, "a cache outage does not stop the process");
  } finally {
    await server.stop();
  }
});

Deno.test("an invalid environment stops the process with one message naming every variable", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: await startTaskArgs(),
    cwd: new URL("../../", import.meta.url).pathname,
    env: { PORT: "x", ENVIRONMENT: "production", SECRET_KEY: "tiny" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 78);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(
    stderr.trim(),
    [
      "Invalid environment, fix these variables:",
      '  PORT="x": expected a whole number from 0 to 65535',
      '  SECRET_KEY="****": expected at least 16 characters',
      "  DATABASE_URL=(unset): required in production",
    ].join("\n"),
  );
});

Deno.test("embedded Postgres persists under the data directory across a restart", async () => {
  const dir = `.data/test-${crypto.randomUUID()}`;
  try {
    const first = await startServer({ PGLITE_DATA_DIR: dir });
    assert.equal(await first.stop("SIGTERM"), 0);
    assert.ok(first.logs.some((l) => l.message === "migrations applied"));
    const second = await startServer({ PGLITE_DATA_DIR: dir });
    assert.equal(await second.stop("SIGINT"), 0);
    assert.ok(
      !second.logs.some((l) => l.message === "migrations applied"),
      "migrations ran again: the first start's data was lost",
    );
  } finally {
    await Deno.remove(new URL(`../../${dir}`, import.meta.url), { recursive: true }).catch(
      () => {},
    );
  }
});

Deno.test("a second process on a taken port exits 1 before touching any data", async () => {
  const first = await startServer();
  const dir = `.data/test-${crypto.randomUUID()}`;
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: await startTaskArgs(),
      cwd: new URL("../../", import.meta.url).pathname,
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: Deno.env.get("HOME") ?? "",
        HOST: "127.0.0.1",
        PORT: String(first.port),
        PGLITE_DATA_DIR: dir,
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 1);
    const lines = new TextDecoder().decode(output.stdout).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.ok(
      lines.some((l) => l.level === "ERROR" && /already in use/.test(l.message)),
      JSON.stringify(lines),
    );
    await assert.rejects(Deno.stat(dir), Deno.errors.NotFound, "the data directory was created");
  } finally {
    await first.stop();
  }
});
