/**
 * A redis-server of a test's own on a free port (no persistence), so a
 * fault test can stop and start it without touching the shared one on
 * :6379. Put the Upstash proxy in front of it with
 * `serveProxy({ redisPort: redis.port })`.
 *
 * @example
 * ```ts
 * const redis = await startThrowawayRedis();
 * await redis.stop();  // an outage
 * await redis.start(); // back, empty
 * redis.freeze();      // hung: connections open, no answers
 * redis.thaw();
 * await redis.stop();
 * ```
 * @module
 */
import { freePort } from "./throwaway_postgres.ts";

/** A redis-server process that can be stopped and started on the same port. */
export interface ThrowawayRedis {
  port: number;
  /** Sends SIGTERM and waits for the process to exit. No-op when stopped. */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits for PING. */
  start(): Promise<void>;
  /** SIGSTOP: still accepting TCP connections, answering nothing (a hung Redis). */
  freeze(): void;
  /** SIGCONT after {@linkcode ThrowawayRedis.freeze}. */
  thaw(): void;
}

/** Why a throwaway Redis cannot start here, or `undefined`. */
export async function throwawayRedisUnavailable(): Promise<string | undefined> {
  try {
    const output = await new Deno.Command("redis-server", { args: ["--version"] }).output();
    return output.success ? undefined : "redis-server --version failed";
  } catch (error) {
    return `redis-server is not installed (${error instanceof Error ? error.message : error})`;
  }
}

/** Starts redis-server on a free port and waits until it answers PING. */
export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const port = freePort();
  let child: Deno.ChildProcess | undefined;
  const redis: ThrowawayRedis = {
    port,
    async start() {
      if (child) return;
      child = new Deno.Command("redis-server", {
        args: [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--daemonize",
          "no",
        ],
        stdout: "null",
        stderr: "null",
      }).spawn();
      const deadline = Date.now() + 10_000;
      while (!(await answersPing(port))) {
        if (Date.now() > deadline) {
          await redis.stop();
          throw new Error(`redis-server on ${port} did not answer PING within 10 s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    freeze() {
      if (child) Deno.kill(child.pid, "SIGSTOP");
    },
    thaw() {
      if (child) Deno.kill(child.pid, "SIGCONT");
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running) return;
      try {
        // A frozen process queues SIGTERM until it runs again.
        running.kill("SIGCONT");
        running.kill("SIGTERM");
      } catch { /* already gone */ }
      await running.status;
    },
  };
  await redis.start();
  return redis;
}

async function answersPing(port: number): Promise<boolean> {
  let conn: Deno.TcpConn | undefined;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
    const buffer = new Uint8Array(16);
    const n = await conn.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, n ?? 0)).startsWith("+PONG");
  } catch {
    return false;
  } finally {
    try {
      conn?.close();
    } catch { /* closed */ }
  }
}
