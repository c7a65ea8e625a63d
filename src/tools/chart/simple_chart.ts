/**
 * The simple form of `render_chart`: records, a mark and two field names,
 * turned into a Vega-Lite specification. Models get this right far more
 * often than a full specification, and the field types are inferred from the
 * data (numbers are quantitative, ISO dates temporal, the rest nominal), so
 * the common charts need no Vega-Lite knowledge at all.
 *
 * @example
 * ```ts
 * simpleChartSpec({ data: [{ m: "Jan", n: 10 }], mark: "bar", x: "m", y: "n" }).encoding;
 * // { x: { field: "m", type: "nominal", sort: null }, y: { field: "n", type: "quantitative" } }
 * ```
 * @module
 */

/** The marks the simple form offers. */
export const SIMPLE_MARKS = ["bar", "line", "point", "area", "arc"] as const;

/** The simple form's input. */
export interface SimpleChart {
  data: Record<string, unknown>[];
  mark: (typeof SIMPLE_MARKS)[number];
  x: string;
  y: string;
  title?: string | undefined;
}

type FieldType = "quantitative" | "temporal" | "nominal";

const ISO_DATE = /^\d{4}-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?$/;

/** The Vega-Lite specification for a simple chart. */
export function simpleChartSpec(chart: SimpleChart): Record<string, unknown> {
  const xType = fieldType(chart.data, chart.x);
  const yType = fieldType(chart.data, chart.y);
  // Nominal axes keep the data's order ("Jan, Feb, Mar"), not the alphabet's.
  const x = { field: chart.x, type: xType, ...(xType === "nominal" ? { sort: null } : {}) };
  const y = { field: chart.y, type: yType };
  const encoding = chart.mark === "arc"
    ? { theta: { ...y, stack: true }, color: { ...x, legend: { title: chart.x } } }
    : { x, y };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(chart.title ? { title: chart.title } : {}),
    data: { values: chart.data },
    mark: chart.mark === "line" || chart.mark === "area"
      ? { type: chart.mark, point: true, tooltip: true }
      : { type: chart.mark, tooltip: true },
    encoding,
  };
}

function fieldType(records: Record<string, unknown>[], field: string): FieldType {
  const values = records.map((r) => r[field]).filter((v) => v !== null && v !== undefined);
  if (values.length === 0) return "nominal";
  if (values.every((v) => typeof v === "number")) return "quantitative";
  if (values.every((v) => typeof v === "string" && ISO_DATE.test(v))) return "temporal";
  return "nominal";
}
