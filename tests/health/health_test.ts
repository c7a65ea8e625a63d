import assert from "node:assert/strict";
import { createHealthService } from "../../src/health/health.ts";
import { createLlmProbe } from "../../src/llm/probe.ts";
import { loadConfig } from "../../src/config.ts";
import { classifyFailure, FAILURE_MESSAGES } from "../../src/core/failure_class.ts";
import { createLogger } from "../../src/observability/logger.ts";

const calm = () => ({
  memory: { percent: 40, detail: "" },
  disk: { percent: 50, detail: "" },
  cpu: { percent: 10, detail: "" },
});

Deno.test("live is healthy below 90% and degraded above, with a warning", () => {
  const healthy = createHealthService({ version: "1", probes: [], readResources: calm });
  assert.equal(healthy.live().status, "healthy");
  const hot = createHealthService({
    version: "1",
    probes: [],
    readResources: () => ({ ...calm(), memory: { percent: 93.5, detail: "x" } }),
  });
  const report = hot.live();
  assert.equal(report.status, "degraded");
  assert.deepEqual(report.warnings, ["memory at 93.5% is above 90% (x)"]);
});

Deno.test("live is unhealthy when the check itself fails", () => {
  const broken = createHealthService({
    version: "1",
    probes: [],
    readResources: () => {
      throw new Error("statfs failed");
    },
  });
  const report = broken.live();
  assert.equal(report.status, "unhealthy");
  assert.match(report.error ?? "", /statfs failed/);
});

Deno.test("real system readings are percentages", () => {
  const report = createHealthService({ version: "1", probes: [] }).live();
  assert.deepEqual(report.checks.map((c) => c.name), ["memory", "disk", "cpu"]);
  for (const check of report.checks) {
    assert.ok(Number.isFinite(check.percent) && check.percent >= 0, check.name);
    // Load per core exceeds 100% when work queues for the CPU; memory and disk cannot.
    if (check.name !== "cpu") assert.ok(check.percent <= 100, `${check.name}: ${check.percent}`);
  }
});

Deno.test("ready fails when a probe fails or hangs, names its class, and logs the change", async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    name: "t",
    write: (l) => lines.push(JSON.parse(l)),
  });
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close();
  let cacheUp = false;
  const health = createHealthService({
    version: "1",
    timeoutMs: 50,
    logger,
    probes: [
      { name: "database", mode: "embedded", check: () => Promise.resolve() },
      {
        name: "cache",
        mode: "upstash",
        // A real refused connection, as the Upstash client meets it.
        check: async () => void (cacheUp ? 0 : await fetch(`http://127.0.0.1:${port}/`)),
      },
      { name: "llm", mode: "openai", check: () => new Promise(() => {}) },
    ],
  });
  const report = await health.ready();
  assert.equal(report.ready, false);
  assert.deepEqual(report.checks.map((c) => [c.name, c.status, c.errorClass]), [
    ["database", "ok", undefined],
    ["cache", "error", "refused"],
    ["llm", "error", "timeout"],
  ]);
  assert.equal(report.checks[1]?.error, FAILURE_MESSAGES.refused);
  assert.equal(report.checks[2]?.error, FAILURE_MESSAGES.timeout);
  assert.doesNotMatch(JSON.stringify(report), new RegExp(`${port}|127\\.0\\.0\\.1|os error`));
  // The full error is in the log, once per change, not once per probe.
  await health.ready();
  const warnings = lines.filter((l) => l.message === "dependency not ready");
  assert.deepEqual(warnings.map((l) => [l.dependency, l.failure]), [
    ["cache", "refused"],
    ["llm", "timeout"],
  ]);
  assert.match(JSON.stringify(warnings[0]?.exception), /Connection refused/);
  cacheUp = true;
  await health.ready();
  assert.deepEqual(
    lines.filter((l) => l.message === "dependency ready again").map((l) => l.dependency),
    ["cache"],
  );
});

Deno.test("draining makes readiness fail", async () => {
  const health = createHealthService({ version: "1", probes: [] });
  assert.equal((await health.ready()).ready, true);
  health.drain();
  assert.equal((await health.ready()).ready, false);
});

Deno.test("the llm probe is offline without a key and calls /models with one", async () => {
  const offline = createLlmProbe(loadConfig({}).llm);
  assert.equal(offline.mode, "offline");
  await offline.check();
  const seen: string[] = [];
  const online = createLlmProbe(
    loadConfig({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: "http://mock.local/v1/" }).llm,
    (input, init) => {
      seen.push(`${input} ${new Headers(init?.headers).get("authorization")}`);
      return Promise.resolve(new Response("{}", { status: seen.length === 1 ? 500 : 200 }));
    },
  );
  assert.equal(online.mode, "openai");
  await assert.rejects(online.check(), (error: Error & { status?: number }) => {
    assert.match(error.message, /answered HTTP 500/);
    assert.equal(classifyFailure(error), "unavailable");
    return true;
  });
  await online.check();
  await online.check(); // remembered for 30 s: no third call
  assert.deepEqual(seen, [
    "http://mock.local/v1/models Bearer sk-test",
    "http://mock.local/v1/models Bearer sk-test",
  ]);
});
