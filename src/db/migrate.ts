/**
 * Versioned SQL migrations from `src/db/migrations/NNNN_name.sql`, applied at
 * start in one transaction under an advisory lock, so replicas starting
 * together never race: the second waits, then finds nothing left to apply.
 * Each applied migration is recorded with its checksum, and an applied file
 * that later changes stops the start instead of drifting silently.
 *
 * @module
 */
import type { Sql } from "postgres";
import type { Logger } from "../observability/logger.ts";

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Thrown when migrations cannot be applied; the message says what to do. */
export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MigrationError";
  }
}

/** An arbitrary, fixed key: "graphmin" in ASCII (eight bytes fit a bigint). */
const LOCK_KEY = 0x67726170686d696en;
const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);

/** Reads the migrations in `dir`, ordered by version. */
export async function readMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".sql")) continue;
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(entry.name);
    if (!match) {
      // A misnamed file would otherwise be skipped silently and never applied.
      throw new MigrationError(
        `Migration file "${entry.name}" is misnamed: expected NNNN_lower_snake_name.sql.`,
      );
    }
    const sql = await Deno.readTextFile(new URL(entry.name, dir));
    migrations.push({
      version: Number(match[1]),
      name: match[2] as string,
      sql,
      checksum: await sha256(sql),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]?.version === migrations[i - 1]?.version) {
      throw new MigrationError(`Two migrations share version ${migrations[i]?.version}.`);
    }
  }
  return migrations;
}

/** Applies every pending migration and returns the names it applied. */
export async function migrate(
  sql: Sql,
  options: { logger: Logger; dir?: URL },
): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(options.dir);
  const applied: string[] = [];
  try {
    await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY.toString()}::bigint)`;
      await tx`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          checksum text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`;
      const done = await tx<{ version: number; name: string; checksum: string }[]>`
        SELECT version, name, checksum FROM schema_migrations`;
      const byVersion = new Map(done.map((row) => [row.version, row]));
      for (const migration of migrations) {
        const previous = byVersion.get(migration.version);
        if (previous) {
          if (previous.checksum !== migration.checksum) {
            throw new MigrationError(
              `Migration ${label(migration)} changed after it was applied ` +
                `(checksum ${previous.checksum.slice(0, 12)} became ${
                  migration.checksum.slice(0, 12)
                }). Never edit an applied migration: add a new one.`,
            );
          }
          continue;
        }
        options.logger.info("applying migration", { migration: label(migration) });
        await tx.unsafe(migration.sql);
        await tx`
          INSERT INTO schema_migrations (version, name, checksum)
          VALUES (${migration.version}, ${migration.name}, ${migration.checksum})`;
        applied.push(label(migration));
      }
    });
  } catch (error) {
    throw explain(error);
  }
  return { applied };
}

function label(migration: Migration): string {
  return `${String(migration.version).padStart(4, "0")}_${migration.name}`;
}

/** Turns a missing pgvector into instructions; keeps other errors as they are. */
export function explain(error: unknown): unknown {
  if (error instanceof MigrationError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/extension "vector"/.test(message) || /vector\.control/.test(message)) {
    return new MigrationError(
      "The pgvector extension is not installed in this PostgreSQL server. " +
        "Install it (Debian/Ubuntu with PostgreSQL 15: `sudo bash scripts/install_pgvector.sh`; " +
        "Docker: use the pgvector/pgvector:0.8.0-pg16 image; managed Postgres: enable the " +
        "`vector` extension), or unset DATABASE_URL to use embedded Postgres, which has it.",
      { cause: error },
    );
  }
  return new MigrationError(`Migration failed: ${message}`, { cause: error });
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
