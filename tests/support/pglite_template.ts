/**
 * Makes embedded PGlite start from a snapshot of a freshly initialised
 * cluster wherever it would run initdb (in memory, or in a new data
 * directory): initdb costs seconds of CPU per test app. The snapshot is
 * exactly what initdb produces, taken before any migration, so every app
 * still migrates a pristine cluster; only the repeated initdb is skipped.
 * It is PGlite's own mechanism (`dumpDataDir` / `loadDataDir`, as
 * `PGlite.clone()` uses). Server processes that tests spawn are untouched:
 * they run initdb as users do.
 *
 * Importing this module installs the shortcut for the importing test file.
 * The snapshot is cached in the temp folder, keyed by the PGlite and pgvector
 * versions, so parallel test files share one initdb; it is written to a
 * temporary name and renamed, so a reader never sees half a file.
 *
 * @module
 */
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";

const originalCreate = PGlite.create.bind(PGlite);
let snapshot: Promise<Blob> | undefined;

/** The cache file, named after the exact PGlite and pgvector packages. */
function cacheFile(): string {
  const versions = ["@electric-sql/pglite", "@electric-sql/pglite/vector"]
    .map((specifier) => {
      const resolved = import.meta.resolve(specifier);
      const match = resolved.match(/(pglite[\w-]*)[/@](\d+\.\d+\.\d+[\w.-]*)\//);
      return match ? `${match[1]}-${match[2]}` : resolved.replace(/[^\w.@-]+/g, "_");
    })
    .join("+");
  const tmp = Deno.env.get("TMPDIR") || "/tmp";
  return `${tmp}/graphmind-test-pglite-${versions}.tar`;
}

async function loadSnapshot(): Promise<Blob> {
  const file = cacheFile();
  try {
    return new Blob([await Deno.readFile(file)]);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const db = await originalCreate({ extensions: { vector } });
  let blob: Blob;
  try {
    blob = await db.dumpDataDir("none");
  } finally {
    await db.close();
  }
  // The cache only saves time: a file that cannot be written costs nothing else.
  const partial = `${file}.${Deno.pid}.${crypto.randomUUID()}`;
  try {
    await Deno.writeFile(partial, new Uint8Array(await blob.arrayBuffer()));
    await Deno.rename(partial, file);
  } catch {
    await Deno.remove(partial).catch(() => {});
  }
  return blob;
}

type Create = typeof PGlite.create;

/**
 * Whether `create` would run initdb: a cluster in memory, or in a directory
 * that holds none yet. PGlite runs initdb itself through a nested `create`
 * with `noInitDb`; that one, and anything that brings its own data (a
 * cluster on disk, a tarball, a file system), passes through untouched.
 */
async function wouldRunInitdb(options: PGliteOptions): Promise<boolean> {
  if (
    options.loadDataDir !== undefined || options.fs !== undefined || options.noInitDb ||
    "pgDataProxyFs" in options
  ) return false;
  const dir = options.dataDir;
  if (dir === undefined || dir === "memory://") return true;
  if (dir.includes("://")) return false;
  try {
    await Deno.stat(`${dir}/PG_VERSION`);
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
}

/** `PGlite.create` that loads the snapshot wherever it would have run initdb. */
const createFromSnapshot = async function (
  dataDirOrOptions?: string | PGliteOptions,
  options?: PGliteOptions,
) {
  const opts = typeof dataDirOrOptions === "string"
    ? { dataDir: dataDirOrOptions, ...options }
    : dataDirOrOptions ?? options ?? {};
  if (!await wouldRunInitdb(opts)) return await originalCreate(opts);
  snapshot ??= loadSnapshot();
  return await originalCreate({ ...opts, loadDataDir: await snapshot });
} as Create;

PGlite.create = createFromSnapshot;
