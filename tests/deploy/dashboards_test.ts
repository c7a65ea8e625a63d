/**
 * deploy/grafana: the dashboards the design asks for exist, are well formed,
 * query the provisioned datasource, and every PromQL expression parses with
 * Prometheus' grammar and with promtool. Which metrics they name is checked
 * against a running server in metrics_exist_test.ts.
 */
import assert from "node:assert/strict";
import {
  dashboardQueries,
  DATASOURCE_UID,
  grammarProblems,
  loadDashboards,
  promtoolProblems,
  structureProblems,
} from "./dashboards.ts";
import { fromGrafana, metricNames, syntaxErrors } from "./promql.ts";
import { findPromtool, reportMissing } from "./support/tools.ts";
import { readYaml } from "./support/yaml.ts";

const dashboards = await loadDashboards();
const queries = dashboards.flatMap(dashboardQueries);
const board = (uid: string) => {
  const found = dashboards.find((d) => d.json.uid === uid);
  assert.ok(found, `dashboard ${uid}`);
  return found;
};
/** Every metric a dashboard names. */
const metricsOf = (uid: string) =>
  new Set(dashboardQueries(board(uid)).flatMap(({ expr }) => metricNames(fromGrafana(expr))));

Deno.test("the datasource the dashboards use is the one Grafana is provisioned with", () => {
  const provisioned = readYaml("deploy/grafana/provisioning/datasources/prometheus.yml");
  const [datasource] = provisioned.datasources as { uid: string; type: string }[];
  assert.deepEqual([datasource?.uid, datasource?.type], [DATASOURCE_UID, "prometheus"]);
});

Deno.test("four dashboards with unique uids, well-formed panels and queries", () => {
  assert.deepEqual(dashboards.map((d) => d.json.uid).sort(), [
    "graphmind-http",
    "graphmind-memory",
    "graphmind-process",
    "graphmind-runs",
  ]);
  assert.deepEqual(dashboards.flatMap(structureProblems), []);
  assert.ok(queries.length >= 50, `${queries.length} queries`);
});

Deno.test("the structure check catches broken dashboards", () => {
  const broken = {
    file: "broken.json",
    json: {
      uid: "bad uid!",
      title: "",
      schemaVersion: 39,
      panels: [
        {
          id: 1,
          type: "timeseries",
          title: "a",
          gridPos: { x: 0, y: 0, w: 13, h: 8 },
          targets: [],
        },
        {
          id: 1,
          type: "stat",
          title: "b",
          description: "d",
          datasource: { uid: "other" },
          gridPos: { x: 12, y: 0, w: 13, h: 4 },
          targets: [{ refId: "A", expr: "" }],
        },
      ],
    },
  };
  const problems = structureProblems(broken).join("\n");
  for (
    const expected of [
      "uid",
      "a title",
      "a unique integer id",
      "gridPos inside 24 columns",
      "overlaps panel 1",
      "a description",
      "datasource uid",
      "queries",
      "an expr",
    ]
  ) {
    assert.ok(problems.includes(expected), `reports "${expected}" in:\n${problems}`);
  }
});

Deno.test("every dashboard expression parses with Prometheus' grammar", () => {
  assert.deepEqual(grammarProblems(queries), []);
  assert.notDeepEqual(syntaxErrors("sum(rate(http_requests_total[5m])"), [], "catches a missing )");
  assert.equal(
    fromGrafana('rate(x{instance=~"$instance"}[$__rate_interval])'),
    'rate(x{instance=~".*"}[2m])',
  );
});

Deno.test("the dashboards cover what the design asks for", () => {
  const http = metricsOf("graphmind-http");
  for (
    const metric of [
      "http_requests_total",
      "http_request_duration_seconds_bucket",
      "graphql_envelop_request_duration_count",
      "graphql_envelop_error_result",
      "health_dependency_up",
      "rate_limit_rejections_total",
    ]
  ) assert.ok(http.has(metric), `HTTP & GraphQL shows ${metric}`);
  const runs = metricsOf("graphmind-runs");
  for (
    const metric of [
      "agent_time_to_first_token_seconds_bucket",
      "agent_tokens_streamed_total",
      "active_agents_count",
      "agent_requests_total",
      "agent_response_time_seconds_bucket",
    ]
  ) assert.ok(runs.has(metric), `runs & tokens shows ${metric}`);
  const memory = metricsOf("graphmind-memory");
  for (
    const metric of [
      "langmem_operations_total",
      "langmem_search_duration_seconds_bucket",
      "langmem_store_size_bytes",
      "langmem_consolidation_duration_seconds_bucket",
    ]
  ) assert.ok(memory.has(metric), `memory shows ${metric}`);
  const process = metricsOf("graphmind-process");
  for (
    const metric of ["memory_usage_bytes", "cpu_usage_percent", "nodejs_eventloop_lag_p99_seconds"]
  ) {
    assert.ok(process.has(metric), `process shows ${metric}`);
  }
});

const promtool = await findPromtool();
if (!promtool) reportMissing("promtool", "Debian package prometheus, or PROMTOOL_BIN");

Deno.test({
  name: "promtool parses every dashboard expression, and rejects a broken one",
  ignore: !promtool,
  async fn() {
    assert.deepEqual(await promtoolProblems(promtool!, queries), []);
    const broken = await promtoolProblems(promtool!, [
      { where: "broken.json panel 1", expr: "sum by (le) (rate(x[5m]) by" },
    ]);
    assert.equal(broken.length, 1);
    assert.match(broken[0]!, /broken\.json panel 1/);
  },
});
