/**
 * The layout, checked from the module graph `deno info --json` reports for
 * each entry point (the server, the Deno Deploy entry and every program
 * folder's `main.ts`). The layers, from the bottom up:
 *
 * - config: `src/config.ts`, `src/config/`
 * - observability: `src/observability/`
 * - infrastructure: `src/db/`, `src/cache/`, `src/llm/`, `src/queue/`, `src/sandbox/`
 * - core: `src/core/` (errors, pagination, ids, rules, the tool contract)
 * - domains: `src/auth/`, `src/threads/`, `src/runs/`, … (see DOMAINS)
 * - services: `src/services.ts`, the set of domain services resolvers reach
 * - edge: `src/graphql/`, `src/http/`, `src/console/`
 * - composition: the root files (`app.ts`, `services.ts`, `main.ts`, …)
 *
 * It fails on any import cycle, on a lower layer importing a higher one, on a
 * domain's non-schema file importing `src/graphql/`, and on an import of a
 * domain's internals from outside it instead of its `mod.ts`. A domain's
 * GraphQL schema files (`schema*.ts`) are its other public face: the schema
 * assembly and other domains' schema files may import them.
 *
 * @module
 */
import assert from "node:assert/strict";

const SRC = new URL("../src/", import.meta.url);

/** Folders that are domains: each imports the core and other domains' `mod.ts`. */
const DOMAINS = new Set([
  "auth",
  "agents",
  "tools",
  "threads",
  "runs",
  "memories",
  "documents",
  "project",
  "health",
  "ratelimit",
]);

/** Folders that are programs of their own, beside the server (their own `main.ts`). */
const PROGRAMS = new Set(["redis_proxy"]);

const RANK = {
  config: 0,
  observability: 1,
  infrastructure: 2,
  core: 3,
  domain: 4,
  services: 5,
  edge: 6,
  composition: 7,
  program: 8,
} as const;
type Layer = keyof typeof RANK;

function folderOf(path: string): string | undefined {
  return path.includes("/") ? path.slice(0, path.indexOf("/")) : undefined;
}

function layerOf(path: string): Layer {
  const folder = folderOf(path);
  if (folder === undefined) {
    return path === "config.ts" ? "config" : path === "services.ts" ? "services" : "composition";
  }
  if (folder === "config") return "config";
  if (folder === "observability") return "observability";
  if (["db", "cache", "llm", "queue", "sandbox"].includes(folder)) return "infrastructure";
  if (folder === "core") return "core";
  if (DOMAINS.has(folder)) return "domain";
  if (folder === "graphql" || folder === "http" || folder === "console") return "edge";
  if (PROGRAMS.has(folder)) return "program";
  throw new Error(`src/${path}: folder "${folder}" has no layer; add it to this test.`);
}

const isSchemaFile = (path: string) => /^schema/.test(path.slice(path.lastIndexOf("/") + 1));

interface ModuleInfo {
  specifier: string;
  dependencies?: { code?: { specifier?: string }; type?: { specifier?: string } }[];
}

/** The import graph of `src/`, keyed by path relative to it, from every entry point. */
async function readGraph(): Promise<Map<string, Set<string>>> {
  const entries = ["main.ts", "serve.ts"];
  for (const program of PROGRAMS) {
    try {
      await Deno.stat(new URL(`${program}/main.ts`, SRC));
      entries.push(`${program}/main.ts`);
    } catch {
      // A program folder not (yet) present has nothing to check.
    }
  }
  const graph = new Map<string, Set<string>>();
  for (const entry of entries) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", new URL(entry, SRC).pathname],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as { modules: ModuleInfo[] };
    for (const module of info.modules) {
      if (!module.specifier.startsWith(SRC.href)) continue;
      const from = module.specifier.slice(SRC.href.length);
      const deps = graph.get(from) ?? new Set<string>();
      for (const dependency of module.dependencies ?? []) {
        for (const target of [dependency.code?.specifier, dependency.type?.specifier]) {
          if (target?.startsWith(SRC.href)) deps.add(target.slice(SRC.href.length));
        }
      }
      graph.set(from, deps);
    }
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  function visit(node: string): void {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Why an import breaks the layout, or undefined when it is allowed. */
function violation(from: string, to: string): string | undefined {
  const [a, b] = [layerOf(from), layerOf(to)];
  const [folderA, folderB] = [folderOf(from), folderOf(to)];
  if (folderA === folderB && folderA !== undefined) return undefined;
  if (a === "program") {
    return RANK[b] <= RANK.infrastructure ? undefined : "a program uses only config and infra";
  }
  if (b === "program") return "the app never imports a program folder";
  if (a === "domain" && b === "edge") {
    return isSchemaFile(from) && folderB === "graphql"
      ? undefined
      : "only a domain's schema files import src/graphql/";
  }
  if (RANK[b] > RANK[a]) return `${a} must not import ${b}`;
  if (b === "domain" && !to.endsWith("/mod.ts")) {
    const schemaSurface = isSchemaFile(to) && (isSchemaFile(from) || from === "graphql/schema.ts");
    if (!schemaSurface) return `a domain's internals; import src/${folderB}/mod.ts`;
  }
  return undefined;
}

const graph = await readGraph();

Deno.test("the module graph of src/ has no import cycle", () => {
  assert.deepEqual(cycles(graph), []);
});

Deno.test("imports follow the layers, and domains meet only through mod.ts", () => {
  const broken: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const why = violation(from, to);
      if (why !== undefined) broken.push(`src/${from} -> src/${to}: ${why}`);
    }
  }
  assert.deepEqual(broken, []);
});

Deno.test("every domain has a public entry, and the layers are printed", () => {
  const files = new Map<Layer, number>();
  const edges = new Map<string, number>();
  for (const [from, targets] of graph) {
    files.set(layerOf(from), (files.get(layerOf(from)) ?? 0) + 1);
    for (const to of targets) {
      const key = `${layerOf(from)} -> ${layerOf(to)}`;
      if (layerOf(from) !== layerOf(to)) edges.set(key, (edges.get(key) ?? 0) + 1);
    }
  }
  const domains = new Set([...graph.keys()].map(folderOf).filter((f) => f && DOMAINS.has(f)));
  for (const domain of domains) assert.ok(graph.has(`${domain}/mod.ts`), `src/${domain}/mod.ts`);
  const layers = (Object.keys(RANK) as Layer[]).filter((layer) => files.has(layer));
  console.log(
    `layers (modules): ${layers.map((layer) => `${layer} ${files.get(layer)}`).join(", ")}`,
  );
  console.log(
    `imports across layers: ${[...edges].map(([key, n]) => `${key} ${n}`).join(", ")}`,
  );
});
