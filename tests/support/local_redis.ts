/**
 * Finds out whether the local Redis (127.0.0.1:6379) is up, for tests that
 * need it. Off CI they are skipped with a warning saying why; with
 * `CI=true` they run and fail, so a broken CI machine cannot pass by skipping.
 *
 * @example
 * ```ts
 * import { localRedis } from "../support/local_redis.ts";
 * const redis = await localRedis();
 * Deno.test({ name: "needs Redis", ignore: redis.ignore }, () => {
 *   redis.assertAvailable();
 * });
 * ```
 * @module
 */
import { probeAgainAfterTimeouts } from "./probe_retry.ts";

/** What {@linkcode localRedis} found. */
export interface LocalRedis {
  hostname: string;
  port: number;
  available: boolean;
  /** Why Redis is unavailable; `undefined` when it is available. */
  reason: string | undefined;
  /** Pass as `Deno.test`'s `ignore`: true only when unavailable and not on CI. */
  ignore: boolean;
  /** Throws with the reason when Redis is unavailable (on CI, where tests run regardless). */
  assertAvailable(): void;
}

/** Options for {@linkcode localRedis}. */
export interface LocalRedisOptions {
  hostname?: string;
  port?: number;
  timeoutMs?: number;
}

const probes = new Map<string, Promise<LocalRedis>>();

/**
 * Probes Redis once per address and test process: connects, sends PING and
 * expects a RESP reply. Warns once when the tests needing it will be skipped.
 */
export function localRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const hostname = options.hostname ?? "127.0.0.1";
  const port = options.port ?? 6379;
  const address = `${hostname}:${port}`;
  let probe = probes.get(address);
  if (probe === undefined) {
    probe = probeAgainAfterTimeouts(
      () => probeRedis(hostname, port, options.timeoutMs ?? 2000),
      (reason) => reason.startsWith("no answer"),
    ).then((reason) => {
      const ci = Deno.env.get("CI") === "true";
      const ignore = reason !== undefined && !ci;
      if (ignore) {
        console.warn(
          `Skipping tests that need Redis: ${address} is unavailable (${reason}). ` +
            "Start Redis there (see scripts/), or set CI=true to make this a failure.",
        );
      }
      return {
        hostname,
        port,
        available: reason === undefined,
        reason,
        ignore,
        assertAvailable() {
          if (reason !== undefined) {
            throw new Error(`Redis at ${address} is required (CI=true) but ${reason}`);
          }
        },
      };
    });
    probes.set(address, probe);
  }
  return probe;
}

/** Resolves with why Redis is unusable, or `undefined` when it answered PING. */
async function probeRedis(
  hostname: string,
  port: number,
  timeoutMs: number,
): Promise<string | undefined> {
  let conn: Deno.TcpConn | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  async function ping(): Promise<string | undefined> {
    try {
      conn = await Deno.connect({ hostname, port });
      await conn.write(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
      const buffer = new Uint8Array(64);
      const n = await conn.read(buffer);
      const reply = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
      // -NOAUTH still proves a Redis is listening; the tests then report the auth problem.
      return /^[+-]/.test(reply) ? undefined : `it answered PING with ${JSON.stringify(reply)}`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
  const pinging = ping();
  try {
    return await Promise.race([pinging, timeout]);
  } finally {
    clearTimeout(timer);
    closeQuietly(conn);
    // A connect still pending at the timeout must not leak its socket when it lands.
    void pinging.then(() => closeQuietly(conn));
  }
}

function closeQuietly(conn: Deno.Conn | undefined): void {
  try {
    conn?.close();
  } catch {
    // Already closed.
  }
}
