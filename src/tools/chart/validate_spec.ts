/**
 * Checks a Vega-Lite specification before it becomes an artifact, with
 * errors a model can act on. The real compiler (`vega-lite`'s `compile`) is
 * the last word, but its own errors are often internal ("Cannot read
 * properties of undefined"), so the mistakes models make most are caught
 * first and named: an unknown mark or field type (the allowed values come
 * from Vega-Lite's published JSON schema), an encoded field that is not in
 * the inline data, data by URL (the client would fetch it), no data or no
 * mark at all. Full JSON-schema validation (ajv over the published schema)
 * was measured at 2.4 s and about 150 MB to compile the schema, so it is
 * left out.
 *
 * @example
 * ```ts
 * const { warnings } = await validateVegaLite({
 *   data: { values: [{ a: 1 }] }, mark: "point", encoding: { x: { field: "a", type: "quantitative" } },
 * });
 * ```
 * @module
 */
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";

/**
 * Runs `load` outside the calling run's LangChain context. A dynamic import
 * made inside a run otherwise leaves that run's config (its checkpointer,
 * callbacks) as the ambient context of the whole process, so every later
 * graph believes it is a subgraph of that run.
 */
function outsideRuns<T>(load: () => Promise<T>): Promise<T> {
  return AsyncLocalStorageProviderSingleton.getInstance().run(undefined, load);
}

/** A specification Vega-Lite rejects, with what to fix. */
export class ChartSpecError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ChartSpecError";
  }
}

/** What a valid specification compiled to. */
export interface ValidatedChart {
  /** The compiler's warnings (ignored channels, dropped scales). */
  warnings: string[];
  /** Views (marks) in the specification. */
  marks: string[];
}

/** Largest specification accepted, in bytes of JSON. */
export const MAX_SPEC_BYTES = 512 * 1024;

const VIEW_LISTS = ["layer", "concat", "hconcat", "vconcat"] as const;

interface Scope {
  path: string;
  records: Record<string, unknown>[] | undefined;
  transformed: boolean;
  hasData: boolean;
}

interface Walk {
  marks: string[];
  hasData: boolean;
  problems: string[];
}

/** Validates and compiles `spec`; throws {@linkcode ChartSpecError} saying what is wrong. */
export async function validateVegaLite(spec: unknown): Promise<ValidatedChart> {
  if (!isObject(spec)) {
    throw new ChartSpecError("The Vega-Lite specification must be a JSON object.");
  }
  const bytes = new TextEncoder().encode(JSON.stringify(spec)).length;
  if (bytes > MAX_SPEC_BYTES) {
    throw new ChartSpecError(
      `The specification is ${bytes} bytes; the limit is ${MAX_SPEC_BYTES}. ` +
        "Aggregate or sample the data first.",
    );
  }
  const allowed = await allowedValues();
  const walk: Walk = { marks: [], hasData: false, problems: [] };
  findExternalReferences(spec, "", walk.problems);
  visit(spec, { path: "", records: undefined, transformed: false, hasData: false }, walk, allowed);
  if (walk.marks.length === 0) {
    walk.problems.push(
      'It has no mark: give `mark` (e.g. "bar") or a `layer` of views with marks.',
    );
  } else if (!walk.hasData) {
    walk.problems.push("It has no data: put the records in `data.values`.");
  }
  if (walk.problems.length > 0) {
    throw new ChartSpecError(`Invalid Vega-Lite specification. ${walk.problems.join(" ")}`);
  }
  return { warnings: await compileSpec(spec), marks: walk.marks };
}

function visit(view: Record<string, unknown>, scope: Scope, walk: Walk, allowed: Allowed): void {
  const here = { ...scope };
  const data = view.data;
  if (isObject(data)) {
    here.hasData = true;
    here.records = Array.isArray(data.values) && data.values.every(isObject)
      ? data.values
      : undefined;
  }
  if (Array.isArray(view.transform) && view.transform.length > 0) here.transformed = true;
  if (here.hasData) walk.hasData = true;
  if (view.mark !== undefined) visitUnit(view, here, walk, allowed);
  for (const key of VIEW_LISTS) {
    const list = view[key];
    if (!Array.isArray(list)) continue;
    list.forEach((child, i) => {
      if (isObject(child)) {
        visit(child, { ...here, path: `${here.path}${key}[${i}].` }, walk, allowed);
      }
    });
  }
  if (isObject(view.spec)) visit(view.spec, { ...here, path: `${here.path}spec.` }, walk, allowed);
}

function visitUnit(view: Record<string, unknown>, scope: Scope, walk: Walk, allowed: Allowed) {
  const mark = isObject(view.mark) ? view.mark.type : view.mark;
  if (typeof mark !== "string" || !allowed.marks.includes(mark)) {
    walk.problems.push(
      `${where(scope.path, "mark")} is ${JSON.stringify(mark)}; use one of ${
        allowed.marks.join(", ")
      }.`,
    );
  } else {
    walk.marks.push(mark);
  }
  if (!isObject(view.encoding)) return;
  for (const [channel, definitions] of Object.entries(view.encoding)) {
    for (const definition of Array.isArray(definitions) ? definitions : [definitions]) {
      if (!isObject(definition)) continue;
      const path = where(scope.path, `encoding.${channel}`);
      if (definition.type !== undefined && !allowed.types.includes(String(definition.type))) {
        walk.problems.push(
          `${path}.type is ${JSON.stringify(definition.type)}; use one of ${
            allowed.types.join(", ")
          }.`,
        );
      }
      const field = definition.field;
      if (
        typeof field === "string" && scope.records && scope.records.length > 0 &&
        !scope.transformed && !/[.[\]\\]/.test(field) &&
        !scope.records.some((record) => field in record)
      ) {
        const known = [...new Set(scope.records.flatMap((r) => Object.keys(r)))];
        walk.problems.push(
          `${path}.field "${field}" is not in the data; the records have ${
            known.map((k) => `"${k}"`).join(", ")
          }.`,
        );
      }
    }
  }
}

function where(path: string, key: string): string {
  return `\`${path}${key}\``;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function compileSpec(spec: Record<string, unknown>): Promise<string[]> {
  const { compile } = await outsideRuns(() => import("vega-lite"));
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...args: unknown[]) => (warnings.push(args.map(String).join(" ")), logger),
    warn: (...args: unknown[]) => (warnings.push(args.map(String).join(" ")), logger),
    info: () => logger,
    debug: () => logger,
  };
  try {
    // deno-lint-ignore no-explicit-any
    compile(structuredClone(spec) as any, { logger: logger as any });
  } catch (error) {
    throw new ChartSpecError(
      `Vega-Lite cannot compile the specification: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return warnings;
}

interface Allowed {
  marks: string[];
  types: string[];
}

let allowedCache: Promise<Allowed> | undefined;

/** Marks and field types as Vega-Lite's published schema lists them, loaded once. */
function allowedValues(): Promise<Allowed> {
  allowedCache ??= outsideRuns(() =>
    import("vega-lite/vega-lite-schema.json", { with: { type: "json" } })
  ).then(
    ({ default: schema }) => {
      const definitions = schema.definitions as Record<
        string,
        { enum?: string[]; const?: string }
      >;
      const composite = ["BoxPlot", "ErrorBar", "ErrorBand"].map((name) => definitions[name]?.const)
        .filter((mark): mark is string => typeof mark === "string");
      return {
        marks: [...(definitions.Mark?.enum ?? []), ...composite],
        types: definitions.Type?.enum ?? [],
      };
    },
  );
  return allowedCache;
}

/**
 * Anything that makes the viewer's browser fetch a URL: data by `url`
 * anywhere (a view, a lookup's `from`), image marks, `url` and `href`
 * channels. Text from an uploaded document or a web page can steer the
 * model, and a chart that fetches attacker URLs would carry data out.
 */
function findExternalReferences(value: unknown, path: string, problems: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => findExternalReferences(item, `${path}[${index}]`, problems));
    return;
  }
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const at = path === "" ? key : `${path}.${key}`;
    if (key === "url" || key === "href") {
      problems.push(
        key === "url" && path.endsWith("data")
          ? `\`${at}\` loads data from a URL, which is not allowed: put the records in \`data.values\`.`
          : `\`${at}\` points the chart at a URL, which is not allowed.`,
      );
    } else if (
      key === "mark" && (child === "image" || (isObject(child) && child.type === "image"))
    ) {
      problems.push(`\`${at}\` is an image mark, which loads URLs and is not allowed.`);
    } else {
      findExternalReferences(child, at, problems);
    }
  }
}
