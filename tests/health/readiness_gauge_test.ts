import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { createHealthService } from "../../src/health/health.ts";
import { createReadinessGauge } from "../../src/health/readiness_gauge.ts";
import { startTestApp } from "../support/app.ts";

/** The value of `health_dependency_up{dependency="<name>"}` in a scrape, or undefined. */
function gaugeValue(scrape: string, dependency: string): number | undefined {
  const line = scrape.split("\n").find((l) =>
    l.startsWith(`health_dependency_up{dependency="${dependency}"}`)
  );
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

Deno.test("health_dependency_up follows each readiness check, per dependency", async () => {
  const registry = new Registry();
  let cacheUp = true;
  const health = createHealthService({
    version: "1",
    timeoutMs: 50,
    probes: [
      { name: "database", mode: "server", check: () => Promise.resolve() },
      {
        name: "cache",
        mode: "upstash",
        check: () => cacheUp ? Promise.resolve() : Promise.reject(new Error("refused")),
      },
    ],
    onReport: createReadinessGauge(registry),
  });
  assert.equal(gaugeValue(await registry.metrics(), "cache"), undefined, "no check yet");
  await health.ready();
  assert.equal(gaugeValue(await registry.metrics(), "database"), 1);
  assert.equal(gaugeValue(await registry.metrics(), "cache"), 1);
  cacheUp = false;
  assert.equal((await health.ready()).ready, false);
  assert.equal(gaugeValue(await registry.metrics(), "database"), 1);
  assert.equal(gaugeValue(await registry.metrics(), "cache"), 0);
  cacheUp = true;
  await health.ready();
  assert.equal(gaugeValue(await registry.metrics(), "cache"), 1);
});

Deno.test("the app exports health_dependency_up on /metrics after /health/ready", async () => {
  const app = await startTestApp();
  try {
    const scrape = async () => await (await app.fetch(new Request("http://l/metrics"))).text();
    assert.match(await scrape(), /^# TYPE health_dependency_up gauge$/m);
    const ready = await app.fetch(new Request("http://l/health/ready"));
    assert.equal(ready.status, 200);
    await ready.body?.cancel();
    const after = await scrape();
    for (const dependency of ["database", "cache", "llm"]) {
      assert.equal(gaugeValue(after, dependency), 1, dependency);
    }
  } finally {
    await app.close();
  }
});
