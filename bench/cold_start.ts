/**
 * Cold start (process spawn to the first 200 from /health) and RSS at idle,
 * for embedded Postgres in memory, embedded Postgres on disk, and the local
 * PostgreSQL server.
 *
 * @module
 */
import postgres from "postgres";
import { startServer } from "../tests/support/server_process.ts";
import { residentKib } from "../tests/support/process_stats.ts";

/** One row of the table. */
export interface ColdStartRow {
  database: string;
  runs: number;
  coldStartMsMedian: number;
  coldStartMsMax: number;
  idleRssMiB: number;
}

const LOCAL_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

async function withBenchDatabase<T>(run: (url: string) => Promise<T>): Promise<T | undefined> {
  const admin = postgres(LOCAL_ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 2 });
  const name = `graphmind_bench_${Date.now()}`;
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } catch (error) {
    console.warn(`local PostgreSQL unavailable, skipping its row: ${error}`);
    await admin.end();
    return undefined;
  }
  try {
    return await run(`postgres://postgres@127.0.0.1:5432/${name}`);
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/** Resident set size of a process, from `ps` (reading /proc needs --allow-all in Deno). */
export async function rssMiB(pid: number): Promise<number> {
  return Math.round(await residentKib(pid) / 1024 * 10) / 10;
}

async function measure(
  label: string,
  env: Record<string, string>,
  runs: number,
  beforeEach?: () => Promise<void>,
): Promise<ColdStartRow> {
  const times: number[] = [];
  let idleRss = 0;
  for (let i = 0; i < runs; i++) {
    await beforeEach?.();
    const server = await startServer(env);
    times.push(server.startupMs);
    if (i === runs - 1) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      idleRss = await rssMiB(server.pid);
    }
    await server.stop();
  }
  times.sort((a, b) => a - b);
  return {
    database: label,
    runs,
    coldStartMsMedian: Math.round(times[Math.floor(times.length / 2)] ?? 0),
    coldStartMsMax: Math.round(times.at(-1) ?? 0),
    idleRssMiB: idleRss,
  };
}

/** Runs the cold start benchmark and returns its rows. */
export async function benchColdStart(runs = 5): Promise<ColdStartRow[]> {
  const rows = [await measure("embedded PGlite (memory)", { PGLITE_DATA_DIR: "memory://" }, runs)];
  const dir = `.data/bench-${Date.now()}`;
  // The first start creates the database; later ones open an existing one.
  rows.push(await measure("embedded PGlite (disk, existing)", { PGLITE_DATA_DIR: dir }, runs));
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const local = await withBenchDatabase((url) =>
    measure("local PostgreSQL 15", { DATABASE_URL: url }, runs)
  );
  if (local) rows.push(local);
  return rows;
}
