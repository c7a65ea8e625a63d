/**
 * Test plumbing for everything that talks to the local Redis: the proxy
 * served in-process on a free port, a unique key prefix per test run, and
 * cleanup of every key under it.
 *
 * @module
 */
import { createRedisPool } from "../../src/redis_proxy/redis_pool.ts";
import {
  createUpstashProxy,
  type UpstashProxy,
  type UpstashProxyOptions,
} from "../../src/redis_proxy/upstash_proxy.ts";
import { localRedis } from "./local_redis.ts";

/** The local Redis status, probed once. */
export const redis = await localRedis();

/** Every key a test run writes starts with this, so runs never collide and cleanup is exact. */
export const RUN_PREFIX = `gm-test:${crypto.randomUUID()}:`;

let counter = 0;
/** A fresh namespace under {@linkcode RUN_PREFIX} for one test. */
export function uniqueNamespace(): string {
  return `${RUN_PREFIX}${++counter}:`;
}

/** A proxy served on 127.0.0.1 with a random port and token. */
export interface ServedProxy {
  url: string;
  token: string;
  proxy: UpstashProxy;
  close(): Promise<void>;
}

/** Options for {@linkcode serveProxy}. */
export interface ServeProxyOptions {
  token?: string;
  redisPort?: number;
  onSubscription?: UpstashProxyOptions["onSubscription"];
  maxSubscriptions?: number;
}

/** Serves the proxy in front of the local Redis. Close it in the same test. */
export function serveProxy(options: ServeProxyOptions = {}): ServedProxy {
  redis.assertAvailable();
  const token = options.token ?? `token-${crypto.randomUUID()}`;
  const proxy = createUpstashProxy({
    token,
    redisHost: redis.hostname,
    redisPort: options.redisPort ?? redis.port,
    ...(options.onSubscription && { onSubscription: options.onSubscription }),
    ...(options.maxSubscriptions !== undefined && { maxSubscriptions: options.maxSubscriptions }),
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, proxy.fetch);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    token,
    proxy,
    async close() {
      await proxy.drain();
      await server.shutdown();
      await proxy.close();
    },
  };
}

/** Deletes every key matching `pattern` (a SCAN glob), straight on Redis. */
export async function deleteKeys(pattern: string): Promise<number> {
  const pool = createRedisPool({ hostname: redis.hostname, port: redis.port, maxConnections: 1 });
  let removed = 0;
  try {
    let cursor = "0";
    do {
      const [reply] = await pool.exec([["SCAN", cursor, "MATCH", pattern, "COUNT", "1000"]]);
      if (!Array.isArray(reply)) throw new Error(`SCAN failed: ${String(reply)}`);
      const [next, keys] = reply as [Uint8Array, Uint8Array[]];
      cursor = new TextDecoder().decode(next);
      if (keys.length > 0) {
        const [count] = await pool.exec([["DEL", ...keys]]);
        removed += typeof count === "number" ? count : 0;
      }
    } while (cursor !== "0");
  } finally {
    await pool.close();
  }
  return removed;
}

/** Runs one command straight on Redis, bypassing the proxy, e.g. to inspect what it stored. */
export async function redisCommand(...args: string[]) {
  const pool = createRedisPool({ hostname: redis.hostname, port: redis.port, maxConnections: 1 });
  try {
    const [reply] = await pool.exec([args]);
    return reply;
  } finally {
    await pool.close();
  }
}
