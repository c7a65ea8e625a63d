/**
 * The `render_chart` tool: takes a Vega-Lite specification, or records and
 * a mark in the simple form, validates it with the real Vega-Lite compiler,
 * and returns it as a `vega-lite` artifact on the tool message. Clients
 * render the artifact; the model only reads a one-line summary, so a chart of
 * a thousand points does not fill its context.
 *
 * @module
 */
import { z } from "zod";
import { defineTool } from "../../core/tool.ts";
import { SIMPLE_MARKS, simpleChartSpec } from "./simple_chart.ts";
import { validateVegaLite } from "./validate_spec.ts";
import { offlineChart } from "./offline_chart.ts";

/** The artifact on a `render_chart` tool message. */
export interface VegaLiteArtifact {
  type: "vega-lite";
  spec: Record<string, unknown>;
}

const schema = z.object({
  spec: z.record(z.string(), z.unknown()).optional().describe(
    "A complete Vega-Lite v6 specification with inline data (data.values). " +
      "Leave out to use the simple form below.",
  ),
  data: z.array(z.record(z.string(), z.unknown())).min(1).max(5000).optional().describe(
    'Simple form: the records, e.g. [{"month": "Jan", "sales": 10}].',
  ),
  mark: z.enum(SIMPLE_MARKS).optional().describe(
    "Simple form: bar, line, point (scatter), area or arc (pie).",
  ),
  x: z.string().min(1).optional().describe("Simple form: the field on the x axis (arc: colour)."),
  y: z.string().min(1).optional().describe("Simple form: the field on the y axis (arc: angle)."),
  title: z.string().max(200).optional().describe("The chart's title."),
}).superRefine((input, ctx) => {
  if (input.spec !== undefined) return;
  for (const key of ["data", "mark", "x", "y"] as const) {
    if (input[key] === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message:
          `Give either \`spec\` or the simple form (data, mark, x, y); \`${key}\` is missing.`,
      });
    }
  }
});

/** Validates a chart and returns it as an artifact. */
export const renderChart = defineTool({
  name: "render_chart",
  description: "Shows the user a chart. Give either a full Vega-Lite v6 specification " +
    "(`spec`, with the records inline in data.values) or the simple form: `data` (records), " +
    "`mark` (bar, line, point, area or arc), `x` and `y` (field names) and an optional " +
    "`title`. The chart is validated with Vega-Lite; an invalid one comes back as an error " +
    "saying what to fix. On success you get a short summary; the user sees the chart.",
  permission: "chart:render",
  schema,
  async run(input) {
    const spec = input.spec ?? simpleChartSpec({
      data: input.data!,
      mark: input.mark!,
      x: input.x!,
      y: input.y!,
      title: input.title,
    });
    if (input.spec && input.title && spec.title === undefined) spec.title = input.title;
    const { warnings, marks } = await validateVegaLite(spec);
    const artifact: VegaLiteArtifact = { type: "vega-lite", spec };
    return { content: summary(spec, marks, warnings), artifact };
  },
  offlineArgs: offlineChart,
});

function summary(spec: Record<string, unknown>, marks: string[], warnings: string[]): string {
  const title = typeof spec.title === "string" ? ` "${spec.title}"` : "";
  const values = (spec.data as { values?: unknown } | undefined)?.values;
  const records = Array.isArray(values) ? ` of ${values.length} records` : "";
  const kinds = [...new Set(marks)].join(" + ");
  const notes = warnings.length > 0
    ? ` Vega-Lite warnings: ${warnings.slice(0, 5).join("; ")}`
    : "";
  return `Rendered a ${kinds} chart${title}${records}; the user sees it.${notes}`;
}
