/**
 * `deno task console:build`: bundles the web console (console/, Preact and
 * the client) with esbuild into src/console/dist/, which is checked in and
 * served by the API under /console/assets/ with content-hashed names.
 * `--check` builds into a temporary folder and exits 1 when the checked-in
 * files differ; tests/console/bundle_test.ts does the same.
 *
 * esbuild resolves bare imports through node_modules folders, which Deno's
 * global npm cache does not have; the build gives it one: a temporary folder
 * of links to the cached packages, named after the versions deno.lock pins
 * for everything the console imports (no download, no node_modules in the
 * repository).
 *
 * @module
 */
import * as esbuild from "esbuild";

const ROOT = new URL("../", import.meta.url);
export const DIST = new URL("src/console/dist/", ROOT);
/** The packages the console imports directly; their dependencies follow from deno.lock. */
const ROOTS = ["preact", "graphql-ws", "graphql-sse", "vega", "vega-lite"];

interface LockEntry {
  dependencies?: string[];
}

/** The npm cache folder of each package the console may reach, from deno.lock. */
async function packageFolders(): Promise<Map<string, string>> {
  const lock = JSON.parse(await Deno.readTextFile(new URL("deno.lock", ROOT))) as {
    npm: Record<string, LockEntry>;
  };
  const keys = Object.keys(lock.npm);
  const nameOf = (key: string) => key.slice(0, key.indexOf("@", 1));
  const versionOf = (key: string) => key.slice(key.indexOf("@", 1) + 1).split("_")[0]!;
  const find = (dependency: string): string => {
    const exact = dependency.indexOf("@", 1) > 0;
    const matches = keys.filter((k) =>
      exact ? k === dependency || k.startsWith(`${dependency}_`) : nameOf(k) === dependency
    );
    if (matches.length !== 1) throw new Error(`deno.lock: cannot pin ${dependency}: ${matches}`);
    return matches[0]!;
  };
  const preact = new URL(import.meta.resolve("preact")).pathname;
  const registry = preact.slice(0, preact.indexOf("/preact/") + 1);
  const chosen = new Map<string, string>();
  const queue = ROOTS.map(find);
  while (queue.length > 0) {
    const key = queue.shift()!;
    const name = nameOf(key);
    const version = versionOf(key);
    const existing = chosen.get(name);
    if (existing !== undefined) {
      if (!existing.endsWith(`/${version}`)) {
        // Two versions of one package: the shallower one wins. So far only
        // command-line dependencies (yargs, commander) clash, never bundled.
        if (import.meta.main) {
          console.warn(`console build: ${name}@${version} also wanted; using ${existing}`);
        }
      }
      continue;
    }
    chosen.set(name, `${registry}${name}/${version}`);
    for (const dependency of lock.npm[key]?.dependencies ?? []) queue.push(find(dependency));
  }
  return chosen;
}

/**
 * A node_modules of links to the cached packages, in a temporary folder or
 * in `folder` (emptied first); call the result to remove it.
 */
export async function linkFarm(
  folder?: string,
): Promise<{ path: string; remove(): Promise<void> }> {
  if (folder !== undefined) await Deno.remove(folder, { recursive: true }).catch(() => {});
  folder ??= await Deno.makeTempDir({ prefix: "graphmind-console-build-" });
  const modules = `${folder}/node_modules`;
  for (const [name, target] of await packageFolders()) {
    const link = `${modules}/${name}`;
    await Deno.mkdir(link.slice(0, link.lastIndexOf("/")), { recursive: true });
    try {
      await Deno.stat(target);
    } catch {
      throw new Error(`${target} is missing: run \`deno install\` first`);
    }
    await Deno.symlink(target, link);
  }
  const made = folder;
  return { path: modules, remove: () => Deno.remove(made, { recursive: true }) };
}

/**
 * Where the build's links live: inside the repository, at a fixed path, so
 * that with `preserveSymlinks` every module's path (and so every content
 * hash) is the same in any clone, whatever its location and the npm cache's.
 */
const FARM = new URL(".console-build/", ROOT).pathname;

/** The built files: name → contents, plus the manifest naming the entry's JS and CSS. */
export async function buildConsole(): Promise<Map<string, Uint8Array>> {
  const farm = await linkFarm(FARM);
  try {
    const result = await esbuild.build({
      entryPoints: { console: new URL("console/main.tsx", ROOT).pathname },
      absWorkingDir: ROOT.pathname,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "browser",
      target: ["es2022", "chrome110", "firefox110", "safari16"],
      minify: true,
      jsx: "automatic",
      jsxImportSource: "preact",
      nodePaths: [farm.path],
      preserveSymlinks: true,
      entryNames: "[name].[hash]",
      chunkNames: "chunk.[hash]",
      outdir: "/out",
      write: false,
      metafile: true,
      legalComments: "linked",
      logLevel: "warning",
      // Packages' own tsconfig.json files (some extend files they do not ship) are not ours.
      tsconfigRaw: "{}",
      // graphql-sse lists "types" after "import"; harmless for a bundle.
      logOverride: { "package.json": "silent" },
      define: { "process.env.NODE_ENV": '"production"' },
    });
    const files = new Map<string, Uint8Array>();
    let js = "";
    let css = "";
    for (const file of result.outputFiles) {
      const name = file.path.slice("/out/".length);
      files.set(name, file.contents);
      if (/^console\.[A-Z0-9]+\.js$/.test(name)) js = name;
      if (/^console\.[A-Z0-9]+\.css$/.test(name)) css = name;
    }
    if (!js || !css) throw new Error(`console build: no entry JS or CSS in ${[...files.keys()]}`);
    const manifest = { js, css, files: [...files.keys()].sort() };
    files.set("manifest.json", new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n"));
    return files;
  } finally {
    await farm.remove();
    await esbuild.stop();
  }
}

/** Names of files that differ between `built` and the checked-in dist folder. */
export async function staleFiles(built: Map<string, Uint8Array>): Promise<string[]> {
  const stale: string[] = [];
  const present = new Set<string>();
  try {
    for await (const entry of Deno.readDir(DIST)) present.add(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  for (const [name, contents] of built) {
    const current = await Deno.readFile(new URL(name, DIST)).catch(() => undefined);
    if (
      !current || current.length !== contents.length || !current.every((b, i) => b === contents[i])
    ) {
      stale.push(name);
    }
    present.delete(name);
  }
  return [...stale, ...[...present].map((name) => `${name} (no longer built)`)];
}

if (import.meta.main) {
  const built = await buildConsole();
  const stale = await staleFiles(built);
  if (Deno.args.includes("--check")) {
    if (stale.length > 0) {
      console.error(
        `src/console/dist is out of date (${stale.join(", ")}); run \`deno task console:build\`.`,
      );
      Deno.exit(1);
    }
    console.log("src/console/dist is up to date");
  } else {
    await Deno.remove(DIST, { recursive: true }).catch(() => {});
    await Deno.mkdir(DIST, { recursive: true });
    for (const [name, contents] of built) await Deno.writeFile(new URL(name, DIST), contents);
    const sizes = [...built].map(([name, c]) => `${name} ${(c.length / 1024).toFixed(1)} KiB`);
    console.log(`wrote src/console/dist:\n  ${sizes.join("\n  ")}`);
  }
}
