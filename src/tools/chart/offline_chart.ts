/**
 * What the offline model (no OPENAI_API_KEY) asks `render_chart` to draw,
 * from the user's message alone: labelled numbers ("sales: Jan 10, Feb 20,
 * Mar 15") become the simple form's records, the word before the first colon
 * names the measure, and words like "line", "trend", "pie" or "scatter" pick
 * the mark. Fewer than two labelled numbers give the tool nothing to do.
 *
 * @example
 * ```ts
 * offlineChart("sales: Jan 10, Feb 20, Mar 15")?.data;
 * // [{ label: "Jan", sales: 10 }, { label: "Feb", sales: 20 }, { label: "Mar", sales: 15 }]
 * ```
 * @module
 */
import type { SimpleChart } from "./simple_chart.ts";

/** The arguments of one simple-form `render_chart` call. */
export type ChartArgs = SimpleChart & Record<string, unknown>;

const PAIR =
  /([A-Za-z][A-Za-z0-9_'-]*(?: [A-Za-z0-9_'-]+){0,3}?)\s*[:=]?\s*(-?\d+(?:\.\d+)?)\s*%?(?=\s*(?:[,;\n]|\band\b|\.(?:\s|$)|$))/g;
const MEASURE = /([A-Za-z][A-Za-z_ -]{0,40}?)\s*:/;
/** Words before a colon that name the chart, not what it measures. */
const NOT_A_MEASURE = new Set([
  "label",
  "chart",
  "plot",
  "graph",
  "pie",
  "bar",
  "line",
  "data",
  "values",
]);

/** The simple-form chart the message implies, or undefined. */
export function offlineChart(said: string): ChartArgs | undefined {
  const pairs = [...said.matchAll(PAIR)].map((m) => ({
    label: m[1]!.trim().replace(/^and\s+/i, ""),
    value: Number(m[2]),
  }));
  if (pairs.length < 2) return undefined;
  const measureMatch = MEASURE.exec(said);
  const measure = measureMatch && measureMatch.index < said.indexOf(pairs[0]!.label)
    ? lastWord(measureMatch[1]!)
    : "value";
  const field = NOT_A_MEASURE.has(measure) ? "value" : measure;
  return {
    data: pairs.map((p) => ({ label: p.label, [field]: p.value })),
    mark: markFor(said),
    x: "label",
    y: field,
    title: field === "value" ? "Values" : capitalize(field),
  };
}

function markFor(said: string): SimpleChart["mark"] {
  if (/\b(pie|donut|doughnut|share)\b/i.test(said)) return "arc";
  if (/\b(scatter|points?)\b/i.test(said)) return "point";
  if (/\barea\b/i.test(said)) return "area";
  if (/\b(line|trend|over time)\b/i.test(said)) return "line";
  return "bar";
}

function lastWord(text: string): string {
  return text.trim().split(/\s+/).at(-1)!.toLowerCase();
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
