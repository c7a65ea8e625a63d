/**
 * Validates the Grafana dashboards in deploy/grafana/dashboards offline:
 * - structure: unique uid and title, unique panel ids, panels inside the
 *   24-column grid and not overlapping, the provisioned datasource uid on
 *   every panel and query, unique refIds, a PromQL expression on every query;
 * - every expression (panels and variable queries), with Grafana's variables
 *   replaced, parses with Prometheus' grammar, and with promtool when one is
 *   given (`--promtool PATH`): each becomes a recording rule in a temporary
 *   rule file for `promtool check rules`.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write --allow-run tests/deploy/dashboards.ts --promtool promtool
 * ```
 * @module
 */
import { fromGrafana, syntaxErrors } from "./promql.ts";
import { ROOT, run } from "./support/tools.ts";

/** The datasource uid deploy/grafana/provisioning/datasources/prometheus.yml provisions. */
export const DATASOURCE_UID = "graphmind-prometheus";
const DASHBOARD_DIR = `${ROOT}deploy/grafana/dashboards/`;

// deno-lint-ignore no-explicit-any
type Any = any;

/** A dashboard file, parsed. */
export interface Dashboard {
  file: string;
  json: Any;
}

/** One PromQL expression of a dashboard, and where it is. */
export interface DashboardQuery {
  where: string;
  expr: string;
}

/** Reads every dashboard JSON file. */
export async function loadDashboards(): Promise<Dashboard[]> {
  const dashboards: Dashboard[] = [];
  for await (const entry of Deno.readDir(DASHBOARD_DIR)) {
    if (!entry.name.endsWith(".json")) continue;
    const text = await Deno.readTextFile(DASHBOARD_DIR + entry.name);
    dashboards.push({ file: entry.name, json: JSON.parse(text) });
  }
  return dashboards.sort((a, b) => a.file.localeCompare(b.file));
}

/** Every PromQL expression: panel queries and `label_values(<selector>, label)` variables. */
export function dashboardQueries({ file, json }: Dashboard): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  for (const panel of json.panels ?? []) {
    for (const target of panel.targets ?? []) {
      queries.push({
        where: `${file} panel ${panel.id} "${panel.title}" ${target.refId}`,
        expr: target.expr,
      });
    }
  }
  for (const variable of json.templating?.list ?? []) {
    if (variable.type !== "query") continue;
    const query: string = typeof variable.query === "string"
      ? variable.query
      : variable.query?.query;
    const selector = /^label_values\((.+),\s*\w+\)$/.exec(query ?? "")?.[1] ?? query;
    queries.push({ where: `${file} variable ${variable.name}`, expr: selector });
  }
  return queries;
}

/** Structural problems of one dashboard, one sentence each. */
export function structureProblems({ file, json }: Dashboard): string[] {
  const problems: string[] = [];
  const need = (ok: unknown, message: string) => ok || problems.push(`${file}: ${message}`);
  need(
    typeof json.uid === "string" && /^[\w-]{1,40}$/.test(json.uid),
    "uid: 1 to 40 letters, digits, - or _",
  );
  need(typeof json.title === "string" && json.title.length > 0, "a title");
  need(Number.isInteger(json.schemaVersion), "a schemaVersion");
  need(Array.isArray(json.panels) && json.panels.length > 0, "panels");
  const ids = new Set<number>();
  const cells = new Map<string, number>();
  for (const panel of json.panels ?? []) {
    const name = `panel ${panel.id} "${panel.title}"`;
    need(Number.isInteger(panel.id) && !ids.has(panel.id), `${name}: a unique integer id`);
    ids.add(panel.id);
    const { x, y, w, h } = panel.gridPos ?? {};
    need(
      [x, y, w, h].every(Number.isInteger) && x >= 0 && w > 0 && h > 0 && x + w <= 24,
      `${name}: gridPos inside 24 columns`,
    );
    for (let row = y; row < y + h; row++) {
      for (let column = x; column < x + w; column++) {
        const other = cells.get(`${row}:${column}`);
        if (other !== undefined) need(false, `${name}: overlaps panel ${other}`);
        cells.set(`${row}:${column}`, panel.id);
      }
    }
    if (panel.type === "row") continue;
    need(typeof panel.title === "string" && panel.title.length > 0, `${name}: a title`);
    need(
      typeof panel.description === "string" && panel.description.length > 0,
      `${name}: a description`,
    );
    need(panel.datasource?.uid === DATASOURCE_UID, `${name}: datasource uid ${DATASOURCE_UID}`);
    need(Array.isArray(panel.targets) && panel.targets.length > 0, `${name}: queries`);
    const refIds = new Set<string>();
    for (const target of panel.targets ?? []) {
      need(!refIds.has(target.refId), `${name}: unique refId ${target.refId}`);
      refIds.add(target.refId);
      need(target.datasource?.uid === DATASOURCE_UID, `${name} ${target.refId}: datasource uid`);
      need(
        typeof target.expr === "string" && target.expr.trim() !== "",
        `${name} ${target.refId}: an expr`,
      );
    }
  }
  return problems;
}

/** Expressions that do not parse with Prometheus' grammar. */
export function grammarProblems(queries: DashboardQuery[]): string[] {
  return queries.flatMap(({ where, expr }) =>
    syntaxErrors(fromGrafana(expr)).map((error) => `${where}: ${error} in ${expr}`)
  );
}

/** Runs `promtool check rules` on every expression as a recording rule. */
export async function promtoolProblems(
  promtool: string,
  queries: DashboardQuery[],
): Promise<string[]> {
  const rules = queries.map(({ expr }, index) => ({
    record: `dashboard:query_${index}`,
    expr: fromGrafana(expr),
  }));
  const file = await Deno.makeTempFile({ prefix: "dashboard_rules_", suffix: ".yml" });
  try {
    // JSON is YAML: no quoting rules to get wrong.
    await Deno.writeTextFile(
      file,
      JSON.stringify({ groups: [{ name: "dashboards", rules }] }, null, 1),
    );
    const { code, output } = await run(promtool, ["check", "rules", file]);
    if (code === 0) return [];
    return [output.replace(/dashboard:query_(\d+)/g, (_all, i) => queries[Number(i)]!.where)];
  } finally {
    await Deno.remove(file);
  }
}

if (import.meta.main) {
  const promtoolAt = Deno.args.indexOf("--promtool");
  const promtool = promtoolAt >= 0 ? Deno.args[promtoolAt + 1] : undefined;
  const dashboards = await loadDashboards();
  const queries = dashboards.flatMap(dashboardQueries);
  const problems = [
    ...dashboards.flatMap(structureProblems),
    ...grammarProblems(queries),
    ...(promtool ? await promtoolProblems(promtool, queries) : []),
  ];
  const uids = dashboards.map((d) => d.json.uid);
  if (new Set(uids).size !== uids.length) {
    problems.push(`duplicate dashboard uids: ${uids.join(", ")}`);
  }
  console.log(
    `${dashboards.length} dashboards, ${queries.length} queries, ${problems.length} problem(s)`,
  );
  for (const problem of problems) console.log(`  ${problem}`);
  Deno.exit(problems.length > 0 ? 1 : 0);
}
