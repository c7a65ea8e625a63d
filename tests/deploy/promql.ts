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

/** One series selector: the metric it names and its `job="..."` matcher, if any. */
export interface Selector {
  metric: string;
  job: string | undefined;
}

/** The series selectors of `expr` (vector and matrix), in order of appearance. */
export function selectors(expr: string): Selector[] {
  const found: Selector[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name !== "VectorSelector") return;
      const identifier = node.node.getChild("Identifier");
      if (!identifier) return;
      let job: string | undefined;
      const matchers = node.node.getChild("LabelMatchers");
      for (const matcher of matchers?.getChildren("UnquotedLabelMatcher") ?? []) {
        const label = matcher.getChild("LabelName");
        const op = matcher.getChild("MatchOp");
        const value = matcher.getChild("StringLiteral");
        if (
          label && value && expr.slice(label.from, label.to) === "job" && op &&
          expr.slice(op.from, op.to) === "="
        ) {
          job = JSON.parse(expr.slice(value.from, value.to).replace(/^'|'$/g, '"'));
        }
      }
      found.push({ metric: expr.slice(identifier.from, identifier.to), job });
    },
  });
  return found;
}

/** The metric names `expr` selects, each once, in order of appearance. */
export function metricNames(expr: string): string[] {
  return [...new Set(selectors(expr).map((s) => s.metric))];
}
