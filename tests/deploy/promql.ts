/**
 * PromQL read with Prometheus' own grammar (`@prometheus-io/lezer-promql`,
 * the parser behind Prometheus' web UI): syntax errors, and the metric names
 * an expression selects. Grafana's variables are replaced by plain values
 * first, as Grafana does before it sends a query.
 *
 * @example
 * ```ts
 * import { metricNames } from "./promql.ts";
 * metricNames('sum(rate(http_requests_total{job="api"}[5m]))'); // ["http_requests_total"]
 * ```
 * @module
 */
import { parser } from "@prometheus-io/lezer-promql";

/** Grafana's built-in interval variables, as a 30 s scrape interval resolves them. */
const GRAFANA_INTERVALS: Record<string, string> = {
  __rate_interval: "2m",
  __interval: "30s",
  __range: "6h",
};

/**
 * Replaces Grafana variables (`$var`, `${var}`, `[[var]]`) with values that
 * keep the expression valid: intervals become durations, anything else `.*`
 * (dashboard variables only appear in `=~` matchers).
 */
export function fromGrafana(expr: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (_all, a, b, c) => {
    const name: string = a ?? b ?? c;
    return GRAFANA_INTERVALS[name] ?? ".*";
  });
}

/** Syntax errors in `expr`, each with the text around it; empty when it parses. */
export function syntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) {
        errors.push(
          `syntax error at ${node.from}: "${
            expr.slice(Math.max(0, node.from - 15), node.to + 15)
          }"`,
        );
      }
    },
  });
  return errors;
}

/** The metric names `expr` selects (vector and matrix selectors), in order of appearance. */
export function metricNames(expr: string): string[] {
  const names: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name === "VectorSelector") {
        const identifier = node.node.getChild("Identifier");
        if (identifier) names.push(expr.slice(identifier.from, identifier.to));
      }
    },
  });
  return [...new Set(names)];
}
