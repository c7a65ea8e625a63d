/**
 * Makes in-memory PGlite start from a snapshot of a freshly initialised
 * cluster instead of running initdb each time, which costs seconds of CPU
 * per test app. The snapshot is exactly what initdb produces (taken before
 * any migration), so every app still runs its migrations on a pristine
 * cluster; only the repeated initdb is skipped. It is PGlite's own
 * mechanism (`dumpDataDir` / `loadDataDir`, as `PGlite.clone()` uses).
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

function cacheFile(): string {
  const key = [
    import.meta.resolve("@electric-sql/pglite"),
    import.meta.resolve("@electric-sql/pglite/vector"),
  ]
    .join("|");
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  const tmp = Deno.env.get("TMPDIR") || "/tmp";
  return `${tmp}/graphmind-test-pglite-${hash.toString(16)}.tar`;
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
  const partial = `${file}.${Deno.pid}.${crypto.randomUUID()}`;
  await Deno.writeFile(partial, new Uint8Array(await blob.arrayBuffer()));
  await Deno.rename(partial, file);
  return blob;
}

type Create = typeof PGlite.create;

/** `PGlite.create` for an in-memory cluster loads the snapshot instead of running initdb. */
const createFromSnapshot = async function (
  dataDirOrOptions?: string | PGliteOptions,
  options?: PGliteOptions,
) {
  const opts = typeof dataDirOrOptions === "string"
    ? { dataDir: dataDirOrOptions, ...options }
    : dataDirOrOptions ?? options ?? {};
  // PGlite runs initdb through a nested `create` with `noInitDb`; that one,
  // and anything with its own data (a directory, a tarball, a file system), passes through.
  const pristineInMemory = (opts.dataDir === undefined || opts.dataDir === "memory://") &&
    opts.loadDataDir === undefined && opts.fs === undefined && !opts.noInitDb &&
    !("pgDataProxyFs" in opts);
  if (!pristineInMemory) return await originalCreate(opts);
  snapshot ??= loadSnapshot();
  return await originalCreate({ ...opts, loadDataDir: await snapshot });
} as Create;

PGlite.create = createFromSnapshot;
