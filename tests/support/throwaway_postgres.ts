/**
 * A PostgreSQL 15 cluster of a test's own (initdb in a temp dir, a free
 * port), so a fault test can stop and restart it without touching the shared
 * server on :5432. initdb and pg_ctl refuse to run as root, so they run as
 * the `postgres` OS user when the test runs as root. pgvector is installed
 * system-wide, so `CREATE EXTENSION vector` works in it.
 *
 * @example
 * ```ts
 * const cluster = await startThrowawayPostgres();
 * await cluster.stop();   // an outage
 * await cluster.start();  // back
 * await cluster.destroy();
 * ```
 * @module
 */

/** Where Debian's PostgreSQL 15 binaries live. */
export const PG_BIN = "/usr/lib/postgresql/15/bin";

/** A running (or stopped) throwaway cluster. */
export interface ThrowawayPostgres {
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  url: string;
  dataDir: string;
  /** `pg_ctl stop -m fast`: sessions are terminated, the server is down until `start()`. */
  stop(): Promise<void>;
  /** `pg_ctl start -w`: resolves once it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl restart -m fast -w`. */
  restart(): Promise<void>;
  /** Stops it (immediate) and removes its directory. Safe to call twice. */
  destroy(): Promise<void>;
}

/** Why a throwaway cluster cannot start here, or `undefined` when it can. */
export async function throwawayPostgresUnavailable(): Promise<string | undefined> {
  for (const tool of ["initdb", "pg_ctl"]) {
    try {
      await Deno.stat(`${PG_BIN}/${tool}`);
    } catch {
      return `${PG_BIN}/${tool} is missing (PostgreSQL 15 server binaries)`;
    }
  }
  if (Deno.uid() === 0) {
    const probe = await run(["runuser", "-u", "postgres", "--", "true"]).catch((e) => e);
    if (probe instanceof Error) return `cannot run as the postgres user: ${probe.message}`;
  }
  return undefined;
}

/** Runs initdb on a free port in a fresh temp dir and starts the server. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const root = await Deno.makeTempDir({ prefix: "gm-faults-pg-" });
  const dataDir = `${root}/data`;
  const port = freePort();
  const asPostgres = Deno.uid() === 0;
  if (asPostgres) await run(["chown", "postgres:postgres", root]);
  const pg = (args: string[]) =>
    run(asPostgres ? ["runuser", "-u", "postgres", "--", ...args] : args);
  const options = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${root}`,
    // Throwaway data: no need to wait for the disk.
    "-c fsync=off",
    "-c max_connections=50",
  ].join(" ");
  let destroyed = false;
  // pg_ctl with the cluster's options and log: start and restart share it.
  const startOrRestart = (...action: string[]) => [
    `${PG_BIN}/pg_ctl`,
    "-D",
    dataDir,
    "-o",
    options,
    "-l",
    `${root}/server.log`,
    ...action.slice(0, -1),
    "-w",
    "-t",
    "30",
    action.at(-1)!,
  ];
  const cluster: ThrowawayPostgres = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    async stop() {
      await pg([`${PG_BIN}/pg_ctl`, "-D", dataDir, "-m", "fast", "-w", "stop"]);
    },
    async start() {
      await pg(startOrRestart("start"));
    },
    async restart() {
      await pg(startOrRestart("-m", "fast", "restart"));
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await pg([`${PG_BIN}/pg_ctl`, "-D", dataDir, "-m", "immediate", "-w", "stop"])
        .catch(() => {/* not running */});
      await Deno.remove(root, { recursive: true }).catch(() => {});
    },
  };
  try {
    await pg([
      `${PG_BIN}/initdb`,
      "-D",
      dataDir,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--no-sync",
    ]);
    await cluster.start();
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}

/** A port nothing listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function run(args: string[]): Promise<string> {
  const [command, ...rest] = args as [string, ...string[]];
  const output = await new Deno.Command(command, {
    args: rest,
    stdout: "piped",
    stderr: "piped",
    cwd: "/",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  if (!output.success) {
    throw new Error(`${args.join(" ")} exited ${output.code}: ${text.trim().slice(-2000)}`);
  }
  return text;
}
