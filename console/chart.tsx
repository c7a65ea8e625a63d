/// <reference lib="dom" />
/** @jsxImportSource preact */
/**
 * A Vega-Lite artifact rendered as an SVG chart. Vega and Vega-Lite are a
 * separate chunk, loaded the first time a chart appears, so the console's
 * first load does not carry them.
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";

/** Whether `value` is a `render_chart` artifact. */
export function isVegaLiteArtifact(
  value: unknown,
): value is { type: "vega-lite"; spec: Record<string, unknown> } {
  return typeof value === "object" && value !== null &&
    (value as { type?: unknown }).type === "vega-lite" &&
    typeof (value as { spec?: unknown }).spec === "object";
}

export function VegaChart({ spec }: { spec: Record<string, unknown> }) {
  const container = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let view: { finalize(): void } | undefined;
    let cancelled = false;
    (async () => {
      const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
      if (cancelled || !container.current) return;
      const compiled = vegaLite.compile(spec as never).spec;
      const created = new vega.View(vega.parse(compiled), {
        renderer: "svg",
        container: container.current,
        hover: true,
      });
      view = created;
      await created.runAsync();
    })().catch((e) => setError(String(e)));
    return () => {
      cancelled = true;
      view?.finalize();
    };
  }, [JSON.stringify(spec)]);
  const title = typeof spec.title === "string" ? spec.title : "Chart";
  return (
    <figure class="chart">
      <div ref={container} role="img" aria-label={title} data-testid="chart" />
      {error && <p role="alert">Chart failed: {error}</p>}
    </figure>
  );
}
