/**
 * deploy/prometheus: the scrape configuration matches the design (/metrics,
 * and /metrics/memory as job langmem-metrics every 30 s), the alert rules
 * cover what the design asks for, and promtool checks the configuration,
 * the rules and their unit tests.
 */
import assert from "node:assert/strict";
import { syntaxErrors } from "./promql.ts";
import { findPromtool, reportMissing, run } from "./support/tools.ts";
import { readYaml } from "./support/yaml.ts";

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  scrape_interval?: string;
  static_configs?: { targets: string[] }[];
  dns_sd_configs?: { names: string[]; type: string; port: number }[];
}
interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const prometheus = readYaml("deploy/prometheus/prometheus.yml");
const scrapeConfigs = prometheus.scrape_configs as ScrapeConfig[];
const ruleFiles = (prometheus.rule_files as string[]).map((file) => `deploy/prometheus/${file}`);
const rules = ruleFiles.flatMap((file) =>
  (readYaml(file).groups as { rules: Rule[] }[]).flatMap((group) => group.rules)
);
const job = (name: string) => {
  const found = scrapeConfigs.find((config) => config.job_name === name);
  assert.ok(found, `scrape job ${name}`);
  return found;
};

Deno.test("Prometheus scrapes /metrics and /metrics/memory (langmem-metrics) of every API replica every 30s", () => {
  const api = job("graphmind-api");
  assert.equal(api.metrics_path, "/metrics");
  const memory = job("langmem-metrics");
  assert.equal(memory.metrics_path, "/metrics/memory");
  assert.equal(memory.scrape_interval, "30s");
  for (const config of [api, memory]) {
    // Each replica is its own target: Docker's DNS answers `api` with all of them.
    assert.equal(config.static_configs, undefined);
    assert.deepEqual(config.dns_sd_configs, [{ names: ["api"], type: "A", port: 8000 }]);
  }
});

Deno.test("alert rules: the design's five concerns, each with severity, summary and description", () => {
  const byName = new Map(rules.map((rule) => [rule.alert, rule]));
  const expected: Record<string, RegExp> = {
    GraphmindHighErrorRate: /http_requests_total\{[^}]*status_code=~"5\.\."/,
    GraphmindHighLatencyP99:
      /histogram_quantile\(0\.99,[\s\S]*http_request_duration_seconds_bucket/,
    GraphmindDependencyNotReady: /health_dependency_up/,
    GraphmindMemoryConsolidationFailing:
      /langmem_operations_total\{[^}]*operation="consolidate", status="error"/,
    GraphmindRateLimitSpike: /rate_limit_rejections_total/,
  };
  for (const [name, pattern] of Object.entries(expected)) {
    const rule = byName.get(name);
    assert.ok(rule, `alert ${name}`);
    assert.match(rule.expr, pattern, name);
  }
  for (const rule of rules) {
    assert.deepEqual(syntaxErrors(rule.expr), [], rule.alert);
    assert.ok(["warning", "critical"].includes(rule.labels.severity!), `${rule.alert} severity`);
    assert.ok(
      rule.annotations.summary && rule.annotations.description,
      `${rule.alert} annotations`,
    );
  }
});

Deno.test("every alert has a promtool unit test that fires it", () => {
  const tests = readYaml("deploy/prometheus/tests/alerts_test.yml").tests as {
    alert_rule_test: { alertname: string; exp_alerts: unknown[] }[];
  }[];
  const fired = new Set(
    tests.flatMap((t) => t.alert_rule_test).filter((t) => t.exp_alerts.length > 0).map((t) =>
      t.alertname
    ),
  );
  const quiet = new Set(
    tests.flatMap((t) => t.alert_rule_test).filter((t) => t.exp_alerts.length === 0).map((t) =>
      t.alertname
    ),
  );
  for (const rule of rules) {
    assert.ok(fired.has(rule.alert), `${rule.alert} is tested firing`);
    assert.ok(quiet.has(rule.alert), `${rule.alert} is tested staying quiet`);
  }
});

const promtool = await findPromtool();
if (!promtool) reportMissing("promtool", "Debian package prometheus, or PROMTOOL_BIN");

for (
  const args of [
    ["check", "config", "deploy/prometheus/prometheus.yml"],
    ["check", "rules", ...ruleFiles],
    ["test", "rules", "deploy/prometheus/tests/alerts_test.yml"],
  ]
) {
  Deno.test({
    name: `promtool ${args.join(" ")}`,
    ignore: !promtool,
    async fn() {
      const { code, output } = await run(promtool!, args);
      assert.equal(code, 0, output);
    },
  });
}
