import assert from "node:assert/strict";
import { parseRedisUrl, RedisConnectionError } from "../../src/redis_proxy/redis_connection.ts";
import { createRedisPool } from "../../src/redis_proxy/redis_pool.ts";
import { RedisReplyError, SimpleString } from "../../src/redis_proxy/resp.ts";
import { deleteKeys, redis, uniqueNamespace } from "../support/redis_proxy.ts";

const text = (value: unknown) => new TextDecoder().decode(value as Uint8Array);

Deno.test("parseRedisUrl reads host, port, credentials, database and TLS", () => {
  assert.deepEqual(parseRedisUrl("redis://127.0.0.1:6379"), {
    hostname: "127.0.0.1",
    port: 6379,
    tls: false,
  });
  assert.deepEqual(parseRedisUrl("rediss://user:p%40ss@cache.internal/2"), {
    hostname: "cache.internal",
    port: 6379,
    tls: true,
    username: "user",
    password: "p@ss",
    db: 2,
  });
  assert.deepEqual(parseRedisUrl("redis://:secret@[::1]:6380"), {
    hostname: "::1",
    port: 6380,
    tls: false,
    password: "secret",
  });
  assert.throws(() => parseRedisUrl("http://localhost:6379"), /redis:\/\/ or rediss:\/\//);
  assert.throws(() => parseRedisUrl("not a url"), /Invalid Redis URL "not a url"/);
  assert.throws(() => parseRedisUrl("redis://localhost/db1"), /database number/);
});

function poolTest(name: string, fn: (ns: string) => Promise<void>): void {
  Deno.test({
    name: `redis pool: ${name}`,
    ignore: redis.ignore,
    async fn() {
      redis.assertAvailable();
      const ns = uniqueNamespace();
      try {
        await fn(ns);
      } finally {
        await deleteKeys(`${ns}*`);
      }
    },
  });
}

poolTest("runs a batch on one connection and returns replies in order", async (ns) => {
  const pool = createRedisPool({ hostname: redis.hostname, port: redis.port });
  try {
    const replies = await pool.exec([
      ["SET", `${ns}k`, new Uint8Array([0, 255])],
      ["GET", `${ns}k`],
      ["INCR", `${ns}k`],
      ["GET", `${ns}missing`],
    ]);
    assert.deepEqual(replies.slice(0, 2), [new SimpleString("OK"), new Uint8Array([0, 255])]);
    assert.ok(replies[2] instanceof RedisReplyError);
    assert.equal(replies[3], null);
  } finally {
    await pool.close();
  }
});

poolTest("never opens more than maxConnections, and keeps replies apart", async (ns) => {
  const pool = createRedisPool({ hostname: redis.hostname, port: redis.port, maxConnections: 3 });
  try {
    const results = await Promise.all(Array.from({ length: 40 }, async (_, i) => {
      const replies = await pool.exec([["SET", `${ns}${i}`, `v${i}`], ["GET", `${ns}${i}`]]);
      assert.ok(pool.size <= 3, `pool grew to ${pool.size}`);
      return text(replies[1]);
    }));
    assert.deepEqual(results, Array.from({ length: 40 }, (_, i) => `v${i}`));
    assert.equal(pool.size, 3);
  } finally {
    await pool.close();
  }
});

poolTest("selects the database from the options", async (ns) => {
  const pool = createRedisPool({
    hostname: redis.hostname,
    port: redis.port,
    db: 1,
    maxConnections: 1,
  });
  const db0 = createRedisPool({ hostname: redis.hostname, port: redis.port, maxConnections: 1 });
  try {
    await pool.exec([["SET", `${ns}db`, "one"]]);
    assert.deepEqual(await db0.exec([["EXISTS", `${ns}db`]]), [0]);
    assert.deepEqual(await pool.exec([["DEL", `${ns}db`]]), [1]);
  } finally {
    await pool.close();
    await db0.close();
  }
});

poolTest("a failed login is a connection error", async () => {
  const pool = createRedisPool({ hostname: redis.hostname, port: redis.port, password: "nope" });
  try {
    await assert.rejects(pool.exec([["PING"]]), RedisConnectionError);
    assert.equal(pool.size, 0);
  } finally {
    await pool.close();
  }
});

poolTest("a dropped connection is replaced on the next batch", async () => {
  const pool = createRedisPool({ hostname: redis.hostname, port: redis.port, maxConnections: 1 });
  try {
    const [id] = await pool.exec([["CLIENT", "ID"]]);
    const killer = createRedisPool({
      hostname: redis.hostname,
      port: redis.port,
      maxConnections: 1,
    });
    await killer.exec([["CLIENT", "KILL", "ID", String(id)]]);
    await killer.close();
    await assert.rejects(pool.exec([["PING"]]), RedisConnectionError);
    assert.deepEqual(await pool.exec([["PING"]]), [new SimpleString("PONG")]);
  } finally {
    await pool.close();
  }
});

poolTest("close fails batches that wait and in flight", async (ns) => {
  const pool = createRedisPool({ hostname: redis.hostname, port: redis.port, maxConnections: 1 });
  const blocked = assert.rejects(pool.exec([["BLPOP", `${ns}never`, "5"]]), RedisConnectionError);
  const waiting = assert.rejects(pool.exec([["PING"]]), /closed/);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = performance.now();
  await pool.close();
  await Promise.all([blocked, waiting]);
  assert.ok(performance.now() - started < 1000, "close waited for the blocking command");
  await assert.rejects(pool.exec([["PING"]]), /closed/);
});
