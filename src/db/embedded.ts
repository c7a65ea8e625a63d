/**
 * Embedded Postgres: PGlite with pgvector, served on loopback by
 * pglite-socket so the app talks to it through postgres.js exactly as it
 * talks to a real server.
 *
 * PGlite has one session. Every client of it must use a single connection
 * (postgres.js `max: 1`); with more, transactions from different
 * connections interleave inside that one session and corrupt data.
 *
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { lockDataDir } from "./data_dir_lock.ts";

/** A running embedded database. */
export interface EmbeddedPostgres {
  /** `postgres://` URL of the loopback socket. */
  url: string;
  /** `memory` or the data directory. */
  location: string;
  /** Stops the socket server, then closes PGlite, which flushes its files. */
  close(): Promise<void>;
}

/** The value of `PGLITE_DATA_DIR` that keeps the database in memory. */
export const IN_MEMORY = "memory://";

/**
 * Postgres settings for the one embedded session, added to PGlite's own
 * start parameters. WASM memory never shrinks, and PGlite touches its whole
 * buffer pool at start, so every megabyte here stays resident for the life
 * of the process:
 *
 * - `shared_buffers` 16MB instead of initdb's 128MB (resident WASM memory
 *   falls from about 150 MiB to 30 MiB). The pages behind the pool are in
 *   memory (`memory://`) or in the OS page cache already, so a miss costs a
 *   copy, not a disk read.
 * - `maintenance_work_mem` 16MB instead of 64MB: an index build (the HNSW
 *   index of memories) may take that much once, and keep it.
 * - `max_connections` 4: one session serves every client, and shared memory
 *   holds per-connection state for every allowed connection.
 * - `wal_buffers` 1MB, `temp_buffers` 2MB: one writer, no temporary tables.
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: "16MB",
  maintenance_work_mem: "16MB",
  max_connections: "4",
  wal_buffers: "1MB",
  temp_buffers: "2MB",
};

/** PGlite's default start parameters plus {@linkcode EMBEDDED_SETTINGS}. */
export function embeddedStartParams(): string[] {
  const settings = Object.entries(EMBEDDED_SETTINGS).flatMap(([name, value]) => [
    "-c",
    `${name}=${value}`,
  ]);
  return [...PGlite.defaultStartParams, ...settings];
}

/** Starts PGlite in `dataDir` (created if missing) or in memory. */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const inMemory = dataDir === IN_MEMORY;
  if (!inMemory) await Deno.mkdir(dataDir, { recursive: true });
  const unlock = inMemory ? async () => {} : await lockDataDir(dataDir);
  let db: PGlite | undefined;
  let server: PGLiteSocketServer;
  try {
    db = await PGlite.create({
      ...(inMemory ? {} : { dataDir }),
      extensions: { vector },
      startParams: embeddedStartParams(),
    });
    server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0 });
    await server.start();
  } catch (error) {
    await db?.close();
    await unlock();
    throw error;
  }
  const opened = db;
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    location: inMemory ? "memory" : dataDir,
    async close() {
      await server.stop();
      await opened.close();
      await unlock();
    },
  };
}
