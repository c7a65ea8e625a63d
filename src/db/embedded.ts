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
