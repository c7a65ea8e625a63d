/**
 * Every metric the Grafana dashboards and the Prometheus alert rules name is
 * served by a running server (`src/main.ts` in a subprocess): on /metrics, or
 * on /metrics/memory when the query selects `job="langmem-metrics"`.
 */
import assert from "node:assert/strict";
import { dashboardQueries, loadDashboards } from "./dashboards.ts";
import { fromGrafana, type Selector, selectors } from "./promql.ts";
import { readYaml } from "./support/yaml.ts";
import { startServer } from "../support/server_process.ts";

/** Series Prometheus itself adds to every target. */
const SYNTHETIC = new Set(["up", "scrape_duration_seconds", "scrape_samples_scraped"]);

/** Every sample name a scrape can hold, from its `# TYPE` lines (present even before samples). */
function sampleNames(scrape: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === "histogram") {
      for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
    }
    if (type === "summary") { for (const suffix of ["_sum", "_count"]) names.add(name + suffix); }
  }
  return names;
}

/** Every selector in the dashboards and alert rules, with where it is. */
async function referencedSelectors(): Promise<{ where: string; selector: Selector }[]> {
  const found: { where: string; selector: Selector }[] = [];
  for (const dashboard of await loadDashboards()) {
    for (const { where, expr } of dashboardQueries(dashboard)) {
      for (const selector of selectors(fromGrafana(expr))) found.push({ where, selector });
    }
  }
  const prometheus = readYaml("deploy/prometheus/prometheus.yml");
  for (const file of prometheus.rule_files as string[]) {
    const groups = readYaml(`deploy/prometheus/${file}`).groups as {
      rules: { alert: string; expr: string }[];
    }[];
    for (const rule of groups.flatMap((g) => g.rules)) {
      for (const selector of selectors(rule.expr)) {
        found.push({ where: `${file} ${rule.alert}`, selector });
      }
    }
  }
  return found;
}

Deno.test("every metric in the dashboards and alert rules exists on a running server", async () => {
  const server = await startServer();
  let metrics: Set<string>, memoryMetrics: Set<string>;
  try {
    // One query, one failing query and one readiness check, so lazily created series exist too.
    for (const query of ["{ health { ready } }", "{ nope }"]) {
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      await response.body?.cancel();
    }
    await (await fetch(`${server.url}/health/ready`)).body?.cancel();
    metrics = sampleNames(await (await fetch(`${server.url}/metrics`)).text());
    memoryMetrics = sampleNames(await (await fetch(`${server.url}/metrics/memory`)).text());
  } finally {
    await server.stop();
  }
  assert.ok(metrics.has("http_requests_total") && memoryMetrics.has("langmem_operations_total"));

  const references = await referencedSelectors();
  assert.ok(references.length >= 80, `${references.length} selectors`);
  const missing: string[] = [];
  for (const { where, selector: { metric, job } } of references) {
    if (SYNTHETIC.has(metric)) continue;
    const served = job === "langmem-metrics" ? memoryMetrics : metrics;
    const endpoint = job === "langmem-metrics" ? "/metrics/memory" : "/metrics";
    if (!served.has(metric)) missing.push(`${metric} is not on ${endpoint} (${where})`);
  }
  assert.deepEqual(missing, [], "metrics the server does not serve");
});
