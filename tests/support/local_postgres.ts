/**
 * Finds out whether the local PostgreSQL (127.0.0.1:5432) is up with
 * pgvector, for tests that need a real server, and makes throwaway
 * databases on it. Off CI such tests are skipped with a warning saying why;
 * with `CI=true` they run and fail, so CI cannot pass by skipping.
 *
 * @module
 */
import postgres from "postgres";
import { probeAgainAfterTimeouts } from "./probe_retry.ts";

/** The admin connection URL of the local server. */
export const LOCAL_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** What {@linkcode localPostgres} found. */
export interface LocalPostgres {
  available: boolean;
  reason: string | undefined;
  /** Pass as `Deno.test`'s `ignore`. */
  ignore: boolean;
}

let probe: Promise<LocalPostgres> | undefined;

/** Probes the server once per test process. */
export function localPostgres(): Promise<LocalPostgres> {
  probe ??= check().then((reason) => {
    const ignore = reason !== undefined && Deno.env.get("CI") !== "true";
    if (ignore) {
      console.warn(
        `Skipping tests that need PostgreSQL: ${reason}. Start it and run ` +
          "`bash scripts/install_pgvector.sh`, or set CI=true to make this a failure.",
      );
    }
    return { available: reason === undefined, reason, ignore };
  });
  return probe;
}

/** {@linkcode checkOnce}, again after a connect timeout (see probe_retry.ts). */
function check(): Promise<string | undefined> {
  return probeAgainAfterTimeouts(checkOnce, (reason) => /CONNECT_TIMEOUT|timeout/i.test(reason));
}

async function checkOnce(): Promise<string | undefined> {
  const sql = postgres(LOCAL_POSTGRES_URL, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    const rows = await sql`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`;
    return rows.length === 0 ? "127.0.0.1:5432 has no pgvector" : undefined;
  } catch (error) {
    return `127.0.0.1:5432 is unreachable (${error instanceof Error ? error.message : error})`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A fresh database on the local server; `drop()` removes it. */
export interface ThrowawayDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates `gm_test_<random>` on the local server. */
export async function createThrowawayDatabase(): Promise<ThrowawayDatabase> {
  const name = `gm_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(LOCAL_POSTGRES_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  return {
    name,
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    async drop() {
      const sql = postgres(LOCAL_POSTGRES_URL, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
  };
}

/**
 * Runs `fn` with `count` separate pools (replicas, as far as the server can
 * tell) on a fresh throwaway database, then ends them and drops it.
 */
export async function withReplicaPools<T>(
  count: number,
  fn: (pools: postgres.Sql[]) => Promise<T>,
): Promise<T> {
  const database = await createThrowawayDatabase();
  const pools = Array.from(
    { length: count },
    () => postgres(database.url, { max: 2, onnotice: () => {} }),
  );
  try {
    return await fn(pools);
  } finally {
    await Promise.all(pools.map((sql) => sql.end({ timeout: 1 })));
    await database.drop();
  }
}
