/**
 * A small pool of Redis connections. Each batch (one HTTP request) borrows a
 * connection for its whole round trip, so a transaction's MULTI..EXEC can
 * never interleave with another request, and one slow blocking command
 * (BLPOP) holds up only its own connection.
 *
 * @module
 */
import {
  type RedisCommand,
  RedisConnection,
  RedisConnectionError,
  type RedisConnectionOptions,
} from "./redis_connection.ts";
import type { RespValue } from "./resp.ts";

/** Options for {@linkcode createRedisPool}. */
export interface RedisPoolOptions extends RedisConnectionOptions {
  /** Most connections open at once; further batches wait. Default 16. */
  maxConnections?: number;
}

/** Runs batches of commands on pooled connections. */
export interface RedisPool {
  /** Runs the commands back to back on one connection and returns their replies. */
  exec(commands: readonly RedisCommand[]): Promise<RespValue[]>;
  /** Open connections, idle or busy. */
  readonly size: number;
  /** Closes every connection; batches in flight fail with {@linkcode RedisConnectionError}. */
  close(): Promise<void>;
}

/**
 * Creates a pool that opens connections lazily, up to `maxConnections`.
 *
 * @example
 * ```ts
 * import { createRedisPool } from "./redis_pool.ts";
 * const pool = createRedisPool({ hostname: "127.0.0.1", port: 6379 });
 * const [pong] = await pool.exec([["PING"]]);
 * await pool.close();
 * ```
 */
export function createRedisPool(options: RedisPoolOptions): RedisPool {
  const max = options.maxConnections ?? 16;
  const all = new Set<RedisConnection>();
  const idle: RedisConnection[] = [];
  const waiters: (() => void)[] = [];
  let opening = 0;
  let closed = false;

  function wakeOne(): void {
    waiters.shift()?.();
  }

  async function acquire(): Promise<RedisConnection> {
    while (true) {
      if (closed) throw new RedisConnectionError("The Redis pool is closed");
      const reusable = idle.pop();
      if (reusable) return reusable;
      if (all.size + opening < max) {
        opening++;
        try {
          const connection = await RedisConnection.open(options);
          if (closed) {
            connection.close();
            continue;
          }
          all.add(connection);
          return connection;
        } finally {
          opening--;
          wakeOne();
        }
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }

  function release(connection: RedisConnection): void {
    const broken = connection.broken;
    if (closed || broken) {
      discard(connection);
      // One dead socket usually means Redis restarted: the idle ones are dead too,
      // and finding out on the next request would fail that request.
      if (broken) { for (const stale of idle.splice(0)) discard(stale); }
    } else {
      idle.push(connection);
    }
    wakeOne();
  }

  function discard(connection: RedisConnection): void {
    connection.close();
    all.delete(connection);
  }

  return {
    async exec(commands) {
      const connection = await acquire();
      try {
        return await connection.exec(commands);
      } finally {
        release(connection);
      }
    },
    get size() {
      return all.size;
    },
    close() {
      closed = true;
      for (const connection of all) connection.close();
      all.clear();
      idle.length = 0;
      for (const wake of waiters.splice(0)) wake();
      return Promise.resolve();
    },
  };
}
